import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { FAKE_TOKEN } from '../../../support/fake-kube/kubeconfig-writer.js';

/**
 * kubectl (client-go) does not send a bearer token to a plain-http server, but the fake API server
 * requires one. This test-side proxy adds the token, so the real kubectl can talk to the fake.
 */
export interface KubectlHarness {
  kubectl(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  close(): Promise<void>;
}

export async function kubectlFor(fakeUrl: string): Promise<KubectlHarness> {
  const target = new URL(fakeUrl);
  const server = createServer((req, res) => {
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, authorization: `Bearer ${FAKE_TOKEN}` } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const directory = await mkdtemp(join(tmpdir(), 'kubectl-proxy-'));
  const kubeconfig = join(directory, 'kubeconfig');
  await writeFile(
    kubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server: `http://127.0.0.1:${port}` } }],
      users: [{ name: 'fake', user: {} }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace: 'default' } }],
      'current-context': 'fake',
    }),
    { mode: 0o600 },
  );
  return {
    async kubectl(args) {
      const result = await execa('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, '--context', 'fake', ...args], {
        reject: false,
        timeout: 30_000,
        env: { HOME: directory, KUBECACHEDIR: join(directory, 'cache') },
      });
      return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
