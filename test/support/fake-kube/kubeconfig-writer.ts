/** Writes a kubeconfig pointing kubectl and client-node at the fake API server. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const FAKE_TOKEN = 'fake-kube-token';

/** The bearer token of a user (a service account) of the fake: `fake` is the default kubeconfig's user. */
export function tokenOf(user: string): string {
  return user === 'fake' ? FAKE_TOKEN : `${FAKE_TOKEN}-${user}`;
}

export async function writeKubeconfig(directory: string, serverUrl: string, user = 'fake'): Promise<string> {
  const path = join(directory, user === 'fake' ? 'kubeconfig' : `kubeconfig-${user}`);
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'fake', cluster: { server: serverUrl, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'fake', user: { token: tokenOf(user) } }],
    contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace: 'default' } }],
    'current-context': 'fake',
    preferences: {},
  };
  await writeFile(path, stringify(config), { mode: 0o600 });
  return path;
}
