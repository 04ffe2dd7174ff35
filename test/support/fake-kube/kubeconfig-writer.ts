/** Writes a kubeconfig pointing kubectl and client-node at the fake API server. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const FAKE_TOKEN = 'fake-kube-token';

export async function writeKubeconfig(directory: string, serverUrl: string): Promise<string> {
  const path = join(directory, 'kubeconfig');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'fake', cluster: { server: serverUrl, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'fake', user: { token: FAKE_TOKEN } }],
    contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace: 'default' } }],
    'current-context': 'fake',
    preferences: {},
  };
  await writeFile(path, stringify(config), { mode: 0o600 });
  return path;
}
