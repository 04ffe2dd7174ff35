import type { ConfigFingerprint } from './read-config-fingerprints.js';

export interface ConfigDrift {
  kind: ConfigFingerprint['kind'];
  name: string;
  change: 'changed' | 'deleted' | 'created';
  /** For the plan and the status: "ConfigMap kaizen-config changed since v0.7.0 last ran (volume config)". */
  line: string;
}

/**
 * What changed in the ConfigMaps and Secrets of a pod template between a recorded set of fingerprints
 * (taken when a revision last ran) and the current one: content changed, deleted since, or created since.
 * A recreated object with the same content is no drift. References without a record, and hashes made
 * differently (with and without the bot's key), are left out: the bot cannot say what they held.
 */
export function compareConfigFingerprints(
  recorded: readonly ConfigFingerprint[],
  current: readonly ConfigFingerprint[],
  revisionLabel: string,
): ConfigDrift[] {
  const before = new Map(recorded.map((f) => [`${f.kind}/${f.name}`, f]));
  const drifts: ConfigDrift[] = [];
  for (const now of current) {
    const then = before.get(`${now.kind}/${now.name}`);
    if (!then) continue;
    const where = now.usedBy.length > 0 ? ` (${now.usedBy.join(', ')})` : '';
    const subject = `${now.kind} ${now.name}`;
    if (then.state === 'present' && now.state === 'missing')
      drifts.push({
        kind: now.kind,
        name: now.name,
        change: 'deleted',
        line: `${subject} was deleted since ${revisionLabel} last ran${where}`,
      });
    else if (then.state === 'missing' && now.state === 'present')
      drifts.push({
        kind: now.kind,
        name: now.name,
        change: 'created',
        line: `${subject} was created since ${revisionLabel} last ran${where}`,
      });
    else if (
      then.state === 'present' &&
      now.state === 'present' &&
      algorithm(then.contentHash) === algorithm(now.contentHash) &&
      then.contentHash !== now.contentHash
    )
      drifts.push({
        kind: now.kind,
        name: now.name,
        change: 'changed',
        line: `${subject} changed since ${revisionLabel} last ran${where}`,
      });
  }
  return drifts;
}

function algorithm(hash: string): string {
  return hash.slice(0, hash.indexOf(':'));
}
