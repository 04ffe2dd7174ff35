/** Runs the real kubectl against a fake API server (argument array, never a shell). */
import { dirname, join } from 'node:path';
import { execa } from 'execa';

export interface KubectlResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export async function runKubectl(
  fake: { kubeconfigPath: string },
  args: string[],
  timeoutMs = 30_000,
): Promise<KubectlResult> {
  // A private discovery cache: never the user's ~/.kube/cache, and nothing shared between fake servers.
  const cacheDir = join(dirname(fake.kubeconfigPath), 'kube-cache');
  const result = await execa(
    'kubectl',
    ['--kubeconfig', fake.kubeconfigPath, '--cache-dir', cacheDir, ...args],
    {
      reject: false,
      timeout: timeoutMs,
      env: { KUBECONFIG: fake.kubeconfigPath },
      extendEnv: true,
    },
  );
  return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? -1 };
}

/** The image of a Deployment's first container, as `kubectl get -o jsonpath` shows it (fails on a kubectl error). */
export async function kubectlImage(fake: { kubeconfigPath: string }, deployment: string): Promise<string> {
  const shown = await runKubectl(fake, [
    'get',
    'deployment',
    deployment,
    '-o',
    'jsonpath={.spec.template.spec.containers[0].image}',
  ]);
  if (shown.exitCode !== 0) throw new Error(`kubectl get deployment ${deployment}: ${shown.stderr}`);
  return shown.stdout;
}
