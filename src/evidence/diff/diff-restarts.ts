import type { EvidenceBundle } from '../bundle/read-bundle.js';
import { parsePods, type PodSample } from '../formats/pods-text.js';
import type { LineSetDiff, ValueChange } from './diff-types.js';

export const SHOW_FILE = 'systemd/show.txt';
export const PODS_FILE = 'kubernetes/pods.txt';
/** Properties of `systemctl show` compared; the rest (timestamps, memory counters, PIDs) always differ. */
const UNIT_PROPERTIES = [
  'NRestarts',
  'LoadState',
  'ActiveState',
  'SubState',
  'Result',
  'ExecMainStatus',
  'UnitFileState',
];

export function parseShow(text: string): Map<string, string> {
  const properties = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) properties.set(line.slice(0, at), line.slice(at + 1));
  }
  return properties;
}

/** NRestarts and the unit's states, then its Environment as a set of assignments. */
export function diffUnit(
  a: EvidenceBundle,
  b: EvidenceBundle,
): { changes: ValueChange[]; environment?: LineSetDiff } {
  const before = a.text(SHOW_FILE);
  const after = b.text(SHOW_FILE);
  if (before === undefined || after === undefined) return { changes: [] };
  const was = parseShow(before);
  const now = parseShow(after);
  const changes = UNIT_PROPERTIES.filter((p) => (was.has(p) || now.has(p)) && was.get(p) !== now.get(p)).map(
    (what): ValueChange => ({
      area: 'restarts',
      what,
      from: was.get(what),
      to: now.get(what),
      significant: true,
    }),
  );
  const assignments = (props: Map<string, string>) =>
    (props.get('Environment') ?? '').split(/\s+/).filter(Boolean);
  const wasEnv = assignments(was);
  const nowEnv = assignments(now);
  const added = nowEnv.filter((e) => !wasEnv.includes(e));
  const removed = wasEnv.filter((e) => !nowEnv.includes(e));
  return {
    changes,
    ...(added.length + removed.length > 0
      ? { environment: { what: 'unit Environment', area: 'files', added, removed } }
      : {}),
  };
}

interface ContainerTotals {
  restarts: number;
  notReady: number;
  states: Map<string, number>;
}

function containerTotals(pods: readonly PodSample[]): Map<string, ContainerTotals> {
  const totals = new Map<string, ContainerTotals>();
  for (const pod of pods) {
    for (const c of pod.containers) {
      const t = totals.get(c.name) ?? { restarts: 0, notReady: 0, states: new Map<string, number>() };
      t.restarts += c.restarts;
      if (!c.ready) t.notReady++;
      const state = c.state.replace(/\(\d+\)$/, '');
      t.states.set(state, (t.states.get(state) ?? 0) + 1);
      totals.set(c.name, t);
    }
  }
  return totals;
}

const describeStates = (states: Map<string, number> | undefined) =>
  states === undefined
    ? undefined
    : [...states]
        .sort(([x], [y]) => x.localeCompare(y))
        .map(([state, n]) => `${n} ${state}`)
        .join(', ');

/** Per container name across pods: restarts, not-ready count, states; and the number of pods ready. */
export function diffPods(a: EvidenceBundle, b: EvidenceBundle): ValueChange[] {
  const before = a.text(PODS_FILE);
  const after = b.text(PODS_FILE);
  if (before === undefined || after === undefined) return [];
  const wasPods = parsePods(before);
  const nowPods = parsePods(after);
  const changes: ValueChange[] = [];
  const change = (what: string, from: string | undefined, to: string | undefined) => {
    if (from !== to) changes.push({ area: 'restarts', what, from, to, significant: true });
  };
  const ready = (pods: PodSample[]) => `${pods.filter((p) => p.ready).length}/${pods.length}`;
  change('pods ready', ready(wasPods), ready(nowPods));
  const was = containerTotals(wasPods);
  const now = containerTotals(nowPods);
  for (const name of new Set([...was.keys(), ...now.keys()])) {
    change(
      `restarts of container ${name}`,
      was.get(name)?.restarts.toString(),
      now.get(name)?.restarts.toString(),
    );
    change(
      `states of container ${name}`,
      describeStates(was.get(name)?.states),
      describeStates(now.get(name)?.states),
    );
  }
  return changes;
}
