/**
 * Evidence of kaizen on web-1 in three states, as a host's collectors would write it: healthy (pre-deploy
 * and post-rollback, which differ only in timestamps, pids and noise), and broken.
 */
export interface HostEvidenceState {
  time: string;
  pid: number;
  rssKb: number;
  fds: number;
  nRestarts: number;
  activeState: string;
  exposure: string;
  errors: string[];
  version: string;
  extraProcess?: boolean;
  privateNetwork?: boolean;
}

const journal = (s: HostEvidenceState) =>
  [
    `${s.time}+00:00 web-1 systemd[1]: Started kaizen.service - kaizen.`,
    `${s.time}+00:00 web-1 kaizen[${s.pid}]: listening on 0.0.0.0:8080 (startup took ${s.pid % 97}ms)`,
    `${s.time}+00:00 web-1 kaizen[${s.pid}]: WARN cache cold, request ${s.pid}abcdef01 took 1.${s.pid % 9}s`,
    `${s.time}+00:00 web-1 kaizen[${s.pid}]: ERROR health probe from 10.0.${s.pid % 200}.7:${40000 + s.pid} failed: upstream timeout after 3${s.pid % 10}ms (request 3f2a9c1e-1b2c-4d5e-8f90-${String(s.pid).padStart(12, '0')})`,
    ...s.errors.map((e) => `${s.time}+00:00 web-1 kaizen[${s.pid}]: ${e}`),
  ].join('\n');

const show = (s: HostEvidenceState) =>
  [
    'Id=kaizen.service',
    `MainPID=${s.pid}`,
    `InvocationID=${s.pid.toString(16).padStart(32, 'a')}`,
    `ExecMainStartTimestamp=Sat 2025-11-22 ${s.time.slice(11)} UTC`,
    `ExecMainPID=${s.pid}`,
    `MemoryCurrent=${s.rssKb * 1024 + s.pid}`,
    `NRestarts=${s.nRestarts}`,
    `ActiveState=${s.activeState}`,
    'SubState=running',
    'Result=success',
    'Environment=LANG=C.UTF-8 PORT=8080',
  ].join('\n');

const snapshot = (s: HostEvidenceState) =>
  [
    '# process snapshot of kaizen.service',
    `# MainPID=${s.pid} ControlGroup=/system.slice/kaizen.service`,
    'pid\tppid\tname\trss_kb\tthreads\tfds',
    `${s.pid}\t1\tkaizen\t${s.rssKb}\t11\t${s.fds}`,
    `${s.pid + 7}\t${s.pid}\tkaizen-worker\t20480\t4\t12`,
    ...(s.extraProcess ? [`${s.pid + 9}\t${s.pid}\tsh\t900\t1\t3`] : []),
    '',
  ].join('\n');

const hardening = (s: HostEvidenceState, pad: number) =>
  [
    `  NAME${' '.repeat(pad)}DESCRIPTION   EXPOSURE`,
    `${s.privateNetwork ? '✓' : '✗'} PrivateNetwork=${' '.repeat(pad)}Service ${s.privateNetwork ? 'has no' : 'has'} access to the host's network   ${s.privateNetwork ? '' : '0.5'}`,
    `✗ User=/DynamicUser=${' '.repeat(pad)}Service runs as root user   0.4`,
    '',
    `→ Overall exposure level for kaizen.service: ${s.exposure}`,
  ].join('\n');

export function hostEvidence(s: HostEvidenceState, pad = 10): Record<string, string> {
  return {
    'logs/journald.txt': journal(s),
    'systemd/show.txt': show(s),
    'process/snapshot.txt': snapshot(s),
    'hardening/report.txt': hardening(s, pad),
    'version.txt': s.version,
    'files/etc/kaizen/kaizen.conf': `port = 8080\nworkers = 4\nversion = ${s.version}\n`,
  };
}

export const BASELINE: HostEvidenceState = {
  time: '2025-11-22T01:00:00',
  pid: 4242,
  rssKb: 40_960,
  fds: 24,
  nRestarts: 0,
  activeState: 'active',
  exposure: '9.6 UNSAFE 😨',
  errors: [],
  version: 'v0.7.0',
};

/** The same healthy service an hour later after a restart: other pids, times, ids; memory within noise. */
export const POST_ROLLBACK: HostEvidenceState = {
  ...BASELINE,
  time: '2025-11-22T02:10:31',
  pid: 9913,
  rssKb: 43_100,
  fds: 26,
};

export const BROKEN: HostEvidenceState = {
  ...BASELINE,
  time: '2025-11-22T01:40:00',
  pid: 5120,
  rssKb: 204_800,
  fds: 310,
  nRestarts: 3,
  activeState: 'activating',
  exposure: '8.3 EXPOSED 🙁',
  privateNetwork: true,
  extraProcess: true,
  version: 'v0.8.0',
  errors: [
    'Error: listen EADDRINUSE: address already in use :::8080',
    'FATAL migration 0042 failed: relation "orders" does not exist',
  ],
};
