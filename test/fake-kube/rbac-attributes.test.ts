import { describe, expect, it } from 'vitest';
import { describeRbac, rbacAttributes } from '../support/fake-kube/rbac-attributes.js';

const at = (request: string) => {
  const [method = '', path = ''] = request.split(' ');
  return describeRbac(rbacAttributes(method, new URL(path, 'http://fake-kube')));
};

describe('fake API server: requests in RBAC terms (as the API server authorizes them)', () => {
  it.each([
    ['GET /apis/apps/v1/namespaces/web/deployments/kaizen', 'get deployments.apps in web'],
    ['GET /apis/apps/v1/namespaces/web/replicasets?labelSelector=app%3Dk', 'list replicasets.apps in web'],
    ['GET /apis/apps/v1/namespaces/web/deployments?watch=1&fieldSelector=x', 'watch deployments.apps in web'],
    ['GET /api/v1/watch/namespaces/web/pods', 'watch pods in web'],
    ['PATCH /apis/apps/v1/namespaces/web/deployments/kaizen', 'patch deployments.apps in web'],
    ['GET /api/v1/namespaces/web/pods/kaizen-1/log?container=k', 'get pods/log in web'],
    ['GET /api/v1/namespaces/web/events?fieldSelector=x', 'list events in web'],
    ['DELETE /api/v1/namespaces/web/pods', 'deletecollection pods in web'],
    ['DELETE /api/v1/namespaces/web/pods/p', 'delete pods in web'],
    ['POST /api/v1/namespaces/web/pods', 'create pods in web'],
    ['PUT /api/v1/namespaces/web/configmaps/c', 'update configmaps in web'],
    ['GET /api/v1/namespaces/web', 'get namespaces'],
    ['GET /apis/apps/v1/deployments', 'list deployments.apps'],
    ['GET /apis/apps/v1', 'get /apis/apps/v1'],
    ['GET /version', 'get /version'],
  ])('%s is %s', (request, expected) => {
    expect(at(request)).toBe(expected);
  });
});
