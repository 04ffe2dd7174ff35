import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { runKubectl } from '../support/fake-kube/run-kubectl.js';

describe('injected API faults as kubectl sees them', () => {
  let fake: FakeKube;

  beforeEach(async () => {
    fake = await startFakeKube({ readyDelayMs: 20 });
    await fake.createDeployment({ name: 'kaizen', container: 'kaizen', image: 'kaizen:v0.7.0' });
    await fake.deploy('default', 'kaizen', 'kaizen', 'kaizen:v0.8.0');
  });
  afterEach(async () => {
    await fake.close();
  });

  it('a 500 on GET is reported from its Status body, and the next call succeeds', async () => {
    fake.injectFault({ method: 'GET', path: /\/deployments\/kaizen$/, status: 500 });

    const failed = await runKubectl(fake, ['get', 'deployment', 'kaizen', '-o', 'name']);
    const retried = await runKubectl(fake, ['get', 'deployment', 'kaizen', '-o', 'name']);

    expect(failed).toEqual({
      stdout: '',
      stderr: 'Error from server (InternalError): Internal error occurred: fake-kube injected fault',
      exitCode: 1,
    });
    expect(retried).toEqual({ stdout: 'deployment.apps/kaizen', stderr: '', exitCode: 0 });
  });

  it('a 500 while rollout undo reads the deployment leaves it untouched; a retried undo rolls back', async () => {
    fake.injectFault({ method: 'GET', path: /\/deployments\/kaizen$/, status: 500 });

    const failed = await runKubectl(fake, ['rollout', 'undo', 'deployment/kaizen']);

    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toBe(
      'Error from server (InternalError): Internal error occurred: fake-kube injected fault',
    );
    expect(fake.requests.some((r) => r.method === 'PATCH')).toBe(false);
    const retried = await runKubectl(fake, ['rollout', 'undo', 'deployment/kaizen']);
    expect(retried).toEqual({ stdout: 'deployment.apps/kaizen rolled back', stderr: '', exitCode: 0 });
  });

  it('a 409 Conflict on the rollback patch is reported with the Status message', async () => {
    fake.injectFault({ method: 'PATCH', path: /\/deployments\/kaizen$/, status: 409 });

    const failed = await runKubectl(fake, ['rollout', 'undo', 'deployment/kaizen']);

    expect(failed.exitCode).toBe(1);
    // kubectl names the revision it was asked for: 0 when --to-revision is not given.
    expect(failed.stderr).toBe(
      'error: failed restoring revision 0: Operation cannot be fulfilled on deployments.apps "kaizen": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect(fake.deployment('default', 'kaizen').spec?.template?.spec?.containers[0]?.image).toBe(
      'kaizen:v0.8.0',
    );
  });

  it('fails only as many matching requests as asked, with the chosen reason', async () => {
    fake.injectFault({
      path: /^\/apis\/apps\/v1\/namespaces\/default\/replicasets/,
      status: 503,
      times: 2,
      reason: 'ServiceUnavailable',
    });

    const first = await runKubectl(fake, ['get', 'rs', '-o', 'name']);
    const second = await runKubectl(fake, ['get', 'rs', '-o', 'name']);
    const third = await runKubectl(fake, ['get', 'rs', '-o', 'name']);

    expect(first.stderr).toBe(
      'Error from server (ServiceUnavailable): the server is currently unable to handle the request',
    );
    expect(second.exitCode).toBe(1);
    expect(third.exitCode).toBe(0);
    expect(third.stdout.split('\n')).toHaveLength(2);
  });
});
