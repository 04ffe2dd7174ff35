/** The worker side of fake-kube-thread.ts: runs the fake cluster and answers the bench's calls. */
import { parentPort, workerData } from 'node:worker_threads';
import { startFakeKube } from '../../test/support/fake-kube/index.js';

const port = parentPort;
if (port === null) throw new Error('fake-kube-worker runs in a worker thread');
const kube = await startFakeKube(workerData as { readyDelayMs?: number });
const calls = {
  createDeployment: (spec: never) => kube.createDeployment(spec),
  deploy: (namespace: string, name: string, container: string, image: string) =>
    kube.deploy(namespace, name, container, image),
  deployment: (namespace: string, name: string) => kube.deployment(namespace, name),
  close: () => kube.close(),
};
port.on('message', (message: { id: number; op: keyof typeof calls; args: never[] }) => {
  const call = calls[message.op] as (...args: never[]) => unknown;
  Promise.resolve()
    .then(() => call(...message.args))
    .then(
      (value) => port.postMessage({ id: message.id, value }),
      (error: unknown) => port.postMessage({ id: message.id, error: String(error) }),
    );
});
port.postMessage({ id: 0, value: { url: kube.url, kubeconfigPath: kube.kubeconfigPath } });
