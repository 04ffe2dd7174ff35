import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { demoAppSource, DEMO_VERSIONS } from './demo-app-source.js';

/** scripts/demo/ → the package root. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RESTART_SCRIPT = join(PACKAGE_ROOT, 'scripts', 'demo', 'restart-app.mjs');
const CHECK_SCRIPT = join(PACKAGE_ROOT, 'scripts', 'demo', 'check-version.mjs');

export interface DemoOptions {
  /** Everything goes under it: app/ (the git work tree), run/ (pid, log), services/ (the demo catalog). */
  dataDir: string;
  /** Port of the demo app's HTTP server. */
  appPort: number;
}

export interface Demo {
  appDir: string;
  runDir: string;
  servicesDir: string;
  healthUrl: string;
  /** The `demo` service as written to services/demo.yaml (tests derive variants from it). */
  service: Record<string, unknown>;
  /** Stops the demo app (the process in run/app.pid). */
  stopApp(): Promise<void>;
}

/**
 * Prepares the demo from scratch: a git repository with tags v0.6.0, v0.7.0 and v0.8.0 (each commit
 * changes VERSION and server.mjs), checked out at v0.8.0 and running; and a `demo` service using the git
 * strategy whose restart argv restarts that process and whose verification checks /health answers the
 * checked-out version. Any previous demo under `dataDir` is stopped and replaced.
 */
export async function prepareDemo(options: DemoOptions): Promise<Demo> {
  const appDir = join(options.dataDir, 'app');
  const runDir = join(options.dataDir, 'run');
  const servicesDir = join(options.dataDir, 'services');
  const healthUrl = `http://127.0.0.1:${options.appPort}/health`;
  const restart = [
    process.execPath,
    RESTART_SCRIPT,
    '--app',
    appDir,
    '--port',
    String(options.appPort),
    '--run-dir',
    runDir,
  ];
  const stopApp = async () => {
    await execa(process.execPath, [RESTART_SCRIPT, '--stop', '--run-dir', runDir], { reject: false });
  };

  await stopApp();
  await rm(options.dataDir, { recursive: true, force: true });
  await mkdir(appDir, { recursive: true });
  await mkdir(servicesDir, { recursive: true });
  await createRepository(appDir);
  await execa(restart[0] as string, restart.slice(1));

  const service = {
    name: 'demo',
    description: 'Demo app: a local git work tree and a tiny HTTP server (v0.8.0 is the bad deploy)',
    environment: 'demo',
    channel: '#demo',
    strategy: 'git',
    git: { path: appDir, tagPattern: 'v*', restart },
    verify: {
      healthUrl,
      expectStatus: 200,
      smoke: {
        command: [process.execPath, CHECK_SCRIPT, healthUrl, join(appDir, 'VERSION')],
        timeout: '30s',
      },
    },
  };
  const header = '# Written by scripts/demo/prepare-demo.ts (npm run demo); rewritten on every run.\n';
  await writeFile(join(servicesDir, 'demo.yaml'), header + stringify(service));
  return { appDir, runDir, servicesDir, healthUrl, service, stopApp };
}

/** One commit and one tag per version, oldest first; HEAD ends at the newest (v0.8.0). */
async function createRepository(appDir: string): Promise<void> {
  const git = (...args: string[]) =>
    execa('git', [
      '-C',
      appDir,
      '-c',
      'user.name=Demo Deployer',
      '-c',
      'user.email=demo@rollback-bot.invalid',
      '-c',
      'commit.gpgsign=false',
      '-c',
      'tag.gpgsign=false',
      ...args,
    ]);
  await git('init', '--quiet', '--initial-branch=main');
  for (const version of DEMO_VERSIONS) {
    await writeFile(join(appDir, 'VERSION'), `${version}\n`);
    await writeFile(join(appDir, 'server.mjs'), demoAppSource(version));
    await git('add', '--', 'VERSION', 'server.mjs');
    await git('commit', '--quiet', '-m', `Release ${version}`);
    await git('tag', '-a', version, '-m', `Release ${version}`);
  }
}
