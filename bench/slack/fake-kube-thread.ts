import { Worker } from 'node:worker_threads';
import type { V1Deployment } from '@kubernetes/client-node';
import type { FakeDeploymentSpec } from '../../test/support/fake-kube/index.js';

/** The fake cluster of test/support/fake-kube, run in a worker thread of its own. */
export interface FakeKubeThread {
  url: string;
  kubeconfigPath: string;
  createDeployment(spec: FakeDeploymentSpec): Promise<V1Deployment>;
  deploy(namespace: string, name: string, container: string, image: string): Promise<void>;
  deployment(namespace: string, name: string): Promise<V1Deployment>;
  close(): Promise<void>;
}

/**
 * Starts the fake cluster in a worker thread, apart from the bot, as a real API server runs apart from
 * its clients: kubectl by hand runs in processes of its own, and so the bot's event loop does not carry
 * the fake's controllers (a pass every 10 ms and at every change), nor do the bot's own callbacks hold
 * back the fake's rollout. The worker loads TypeScript through tsx, as the bench itself runs.
 */
export async function startFakeKubeThread(options: { readyDelayMs?: number } = {}): Promise<FakeKubeThread> {
  const entry = new URL('./fake-kube-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: options });
  worker.unref();
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 1;
  worker.on('message', (m: { id: number; value?: unknown; error?: string }) => {
    const call = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error === undefined) call?.resolve(m.value);
    else call?.reject(new Error(`fake kube thread: ${m.error}`));
  });
  worker.on('error', (error) => {
    for (const call of waiting.values()) call.reject(error);
    waiting.clear();
  });
  const ask = (op: string, ...args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, op, args });
    });
  const ready = new Promise<unknown>((resolve, reject) => waiting.set(0, { resolve, reject }));
  const { url, kubeconfigPath } = (await ready) as { url: string; kubeconfigPath: string };
  return {
    url,
    kubeconfigPath,
    createDeployment: (spec) => ask('createDeployment', spec) as Promise<V1Deployment>,
    deploy: (...args) => ask('deploy', ...args) as Promise<void>,
    deployment: (namespace, name) => ask('deployment', namespace, name) as Promise<V1Deployment>,
    async close() {
      await ask('close');
      await worker.terminate();
    },
  };
}
