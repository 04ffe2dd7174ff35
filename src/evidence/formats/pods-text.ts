/** A container of a pod as `kubernetes/pods.txt` records it. */
export interface ContainerSample {
  name: string;
  image: string;
  ready: boolean;
  restarts: number;
  /** `running`, `waiting:CrashLoopBackOff`, `terminated:Error(1)`. */
  state: string;
  /** How its previous run ended (`terminated:OOMKilled(137)`), or `-`. */
  last: string;
}

export interface PodSample {
  name: string;
  phase: string;
  ready: boolean;
  restarts: number;
  node: string;
  containers: ContainerSample[];
}

const clean = (value: string) => value.replace(/[\t\n=]/g, ' ').trim() || '-';

/** `kubernetes/pods.txt`: a `pod` line per pod and a `container` line per container, tab-separated key=value. */
export function formatPods(header: string, pods: readonly PodSample[]): string {
  const lines = [`# ${header}`];
  for (const pod of pods) {
    const ready = `${pod.containers.filter((c) => c.ready).length}/${pod.containers.length}`;
    lines.push(
      [
        `pod ${clean(pod.name)}`,
        `phase=${clean(pod.phase)}`,
        `ready=${pod.ready ? 'true' : 'false'}`,
        `containers-ready=${ready}`,
        `restarts=${pod.restarts}`,
        `node=${clean(pod.node)}`,
      ].join('\t'),
    );
    for (const c of pod.containers) {
      lines.push(
        [
          `  container ${clean(c.name)}`,
          `image=${clean(c.image)}`,
          `ready=${c.ready ? 'true' : 'false'}`,
          `restarts=${c.restarts}`,
          `state=${clean(c.state)}`,
          `last=${clean(c.last)}`,
        ].join('\t'),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function fields(cells: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const cell of cells) {
    const at = cell.indexOf('=');
    if (at > 0) map.set(cell.slice(0, at), cell.slice(at + 1));
  }
  return map;
}

/** The pods of a `kubernetes/pods.txt`. */
export function parsePods(text: string): PodSample[] {
  const pods: PodSample[] = [];
  for (const line of text.split('\n')) {
    const [head = '', ...rest] = line.split('\t');
    const f = fields(rest);
    if (head.startsWith('pod ')) {
      pods.push({
        name: head.slice(4),
        phase: f.get('phase') ?? '-',
        ready: f.get('ready') === 'true',
        restarts: Number(f.get('restarts') ?? 0) || 0,
        node: f.get('node') ?? '-',
        containers: [],
      });
    } else if (head.startsWith('  container ') && pods.length > 0) {
      pods.at(-1)?.containers.push({
        name: head.slice('  container '.length),
        image: f.get('image') ?? '-',
        ready: f.get('ready') === 'true',
        restarts: Number(f.get('restarts') ?? 0) || 0,
        state: f.get('state') ?? '-',
        last: f.get('last') ?? '-',
      });
    }
  }
  return pods;
}
