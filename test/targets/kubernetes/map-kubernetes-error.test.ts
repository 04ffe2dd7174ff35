import { ApiException, FetchError } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { CancelledError, PermanentError, RetryableError } from '../../../src/errors/rollback-error.js';
import {
  mapKubernetesError,
  type KubernetesCall,
} from '../../../src/targets/kubernetes/map-kubernetes-error.js';

const call: KubernetesCall = {
  verb: 'read',
  object: 'Deployment "kaizen"',
  context: 'prod-eu',
  namespace: 'shop',
};
const status = (code: number, message: string): string =>
  JSON.stringify({ kind: 'Status', status: 'Failure', message, code });

describe('mapKubernetesError', () => {
  it('maps 404 to a permanent kubernetes_not_found naming the object, context and namespace', () => {
    const error = mapKubernetesError(
      new ApiException(
        404,
        'Unknown API Status Code!',
        status(404, 'deployments.apps "kaizen" not found'),
        {},
      ),
      call,
    );
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe('kubernetes_not_found');
    expect(error.message).toBe('Deployment "kaizen" was not found in context prod-eu, namespace shop.');
  });

  it('maps 403 and 401 to kubernetes_forbidden with an RBAC hint', () => {
    const forbidden = mapKubernetesError(
      new ApiException(
        403,
        'x',
        status(403, 'deployments.apps "kaizen" is forbidden: User "bot" cannot get resource'),
        {},
      ),
      call,
    );
    expect(forbidden).toBeInstanceOf(PermanentError);
    expect(forbidden.code).toBe('kubernetes_forbidden');
    expect(forbidden.message).toContain('cannot get resource');
    expect(forbidden.hint).toMatch(/RBAC.*Role in namespace shop/);
    const unauthorized = mapKubernetesError(new ApiException(401, 'Unauthorized', undefined, {}), call);
    expect(unauthorized.code).toBe('kubernetes_forbidden');
    expect(unauthorized.hint).toContain('expired');
  });

  it('maps 409 to a retryable kubernetes_conflict and 429/5xx to kubernetes_unavailable', () => {
    expect(mapKubernetesError(new ApiException(409, 'x', status(409, 'conflict'), {}), call)).toMatchObject({
      code: 'kubernetes_conflict',
    });
    for (const code of [429, 500, 503, 504]) {
      const error = mapKubernetesError(new ApiException(code, 'x', '', {}), call);
      expect(error).toBeInstanceOf(RetryableError);
      expect(error.code).toBe('kubernetes_unavailable');
    }
  });

  it('treats a failed JSON Patch test (422) as a conflict only for a patch with a precondition', () => {
    const failedTest = new ApiException(
      422,
      'x',
      status(422, 'testing value /metadata/resourceVersion failed: test failed'),
      {},
    );
    expect(mapKubernetesError(failedTest, { ...call, verb: 'patch', precondition: true })).toMatchObject({
      code: 'kubernetes_conflict',
    });
    expect(mapKubernetesError(failedTest, { ...call, verb: 'patch' })).toBeInstanceOf(PermanentError);
  });

  it('maps network errors and timeouts to retryable errors, and an aborted caller to CancelledError', () => {
    const refused = new FetchError('request to https://k8s/ failed', 'system', {
      code: 'ECONNREFUSED',
    } as never);
    expect(mapKubernetesError(refused, call)).toMatchObject({ code: 'kubernetes_unavailable' });
    const timeout = Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
    expect(mapKubernetesError(timeout, call)).toBeInstanceOf(RetryableError);
    const controller = new AbortController();
    controller.abort();
    expect(mapKubernetesError(timeout, call, controller.signal)).toBeInstanceOf(CancelledError);
  });
});
