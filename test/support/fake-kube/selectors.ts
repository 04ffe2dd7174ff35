import type { KubeObject, LabelSelectorWire } from './wire-types.js';

export type Matcher = (object: KubeObject) => boolean;

export class SelectorParseError extends Error {}

/**
 * Parses a labelSelector query parameter: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x,y)`, `a`, `!a`,
 * joined by commas.
 */
export function parseLabelSelector(selector: string | null): Matcher {
  if (!selector) return () => true;
  const terms = splitTerms(selector).map(parseLabelTerm);
  return (object) => {
    const labels = object.metadata.labels ?? {};
    return terms.every((term) => term(labels));
  };
}

/** Parses a fieldSelector query parameter: `path=value`, `path==value`, `path!=value`, joined by commas. */
export function parseFieldSelector(selector: string | null): Matcher {
  if (!selector) return () => true;
  const terms = splitTerms(selector).map((term) => {
    const match = /^([^!=]+)(==|=|!=)(.*)$/.exec(term);
    if (!match) throw new SelectorParseError(`invalid selector: '${selector}'; can't understand '${term}'`);
    const [, path = '', op, value = ''] = match;
    return (object: KubeObject) => {
      const actual = fieldValue(object, path.trim());
      return op === '!=' ? actual !== value : actual === value;
    };
  });
  return (object) => terms.every((term) => term(object));
}

/** The selector a Deployment or ReplicaSet spec.selector stands for, as a matcher over objects' labels. */
export function labelSelectorMatcher(selector: LabelSelectorWire): Matcher {
  return parseLabelSelector(labelSelectorString(selector));
}

export function labelSelectorString(selector: LabelSelectorWire): string {
  const terms = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = `(${(e.values ?? []).join(',')})`;
    if (e.operator === 'In') terms.push(`${e.key} in ${values}`);
    else if (e.operator === 'NotIn') terms.push(`${e.key} notin ${values}`);
    else if (e.operator === 'Exists') terms.push(e.key);
    else if (e.operator === 'DoesNotExist') terms.push(`!${e.key}`);
  }
  return terms.sort().join(',');
}

function fieldValue(object: KubeObject, path: string): string {
  let current: unknown = object;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return '';
    current = (current as Record<string, unknown>)[part];
  }
  return current === undefined || current === null ? '' : String(current);
}

function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i += 1) {
    const c = selector[i];
    if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (c === ',' && depth === 0) {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms.map((t) => t.trim()).filter((t) => t.length > 0);
}

function parseLabelTerm(term: string): (labels: Record<string, string>) => boolean {
  const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (set) {
    const [, k = '', op, list = ''] = set;
    const values = list.split(',').map((v) => v.trim());
    return op === 'in'
      ? (labels) => labels[k] !== undefined && values.includes(labels[k])
      : (labels) => labels[k] === undefined || !values.includes(labels[k]);
  }
  const cmp = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (cmp) {
    const [, k = '', op, v = ''] = cmp;
    return op === '!=' ? (labels) => labels[k] !== v : (labels) => labels[k] === v;
  }
  const exists = /^(!?)([^!=\s()]+)$/.exec(term);
  if (exists) {
    const [, not, k = ''] = exists;
    return not ? (labels) => labels[k] === undefined : (labels) => labels[k] !== undefined;
  }
  throw new SelectorParseError(`unable to parse requirement: '${term}'`);
}
