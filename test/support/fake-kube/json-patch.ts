/** RFC 6902 JSON Patch, as kube-apiserver applies `application/json-patch+json` bodies. */
export interface JsonPatchOp {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

export class PatchError extends Error {}

type Container = Record<string, unknown> | unknown[];

export function applyJsonPatch<T>(document: T, operations: unknown): T {
  if (!Array.isArray(operations))
    throw new PatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc: unknown = structuredClone(document);
  for (const raw of operations as JsonPatchOp[]) {
    doc = applyOne(doc, raw);
  }
  return doc as T;
}

function applyOne(doc: unknown, op: JsonPatchOp): unknown {
  switch (op.op) {
    case 'add':
      return add(doc, op.path, structuredClone(op.value));
    case 'remove':
      return remove(doc, op.path);
    case 'replace':
      remove(doc, op.path, 'replace');
      return add(doc, op.path, structuredClone(op.value));
    case 'move': {
      const value = get(doc, op.from ?? '', 'move');
      remove(doc, op.from ?? '', 'move');
      return add(doc, op.path, value);
    }
    case 'copy':
      return add(doc, op.path, structuredClone(get(doc, op.from ?? '', 'copy')));
    case 'test': {
      const actual = get(doc, op.path, 'test');
      if (JSON.stringify(actual) !== JSON.stringify(op.value)) {
        throw new PatchError(`testing value ${op.path} failed: test failed`);
      }
      return doc;
    }
    default:
      throw new PatchError(`Unexpected kind: ${String(op.op)}`);
  }
}

function tokens(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`invalid JSON pointer: ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, path: string, op: string): { parent: Container; last: string } {
  const parts = tokens(path);
  const last = parts.pop();
  if (last === undefined)
    throw new PatchError(`${op} operation does not apply: doc is missing path: "${path}"`);
  let current: unknown = doc;
  for (const part of parts) {
    current = child(current, part);
    if (current === undefined)
      throw new PatchError(`${op} operation does not apply: doc is missing path: "${path}"`);
  }
  if (current === null || typeof current !== 'object') {
    throw new PatchError(`${op} operation does not apply: doc is missing path: "${path}"`);
  }
  return { parent: current as Container, last };
}

function child(node: unknown, part: string): unknown {
  if (Array.isArray(node)) return node[Number(part)];
  if (node !== null && typeof node === 'object') return (node as Record<string, unknown>)[part];
  return undefined;
}

function get(doc: unknown, path: string, op: string): unknown {
  let current = doc;
  for (const part of tokens(path)) {
    current = child(current, part);
    if (current === undefined)
      throw new PatchError(`${op} operation does not apply: doc is missing path: "${path}"`);
  }
  return current;
}

function add(doc: unknown, path: string, value: unknown): unknown {
  if (path === '') return value;
  const { parent, last } = parentOf(doc, path, 'add');
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) {
      throw new PatchError(`add operation does not apply: index out of bounds: ${path}`);
    }
    parent.splice(index, 0, value);
  } else {
    parent[last] = value;
  }
  return doc;
}

function remove(doc: unknown, path: string, op = 'remove'): unknown {
  const { parent, last } = parentOf(doc, path, op);
  if (Array.isArray(parent)) {
    const index = Number(last);
    if (!Number.isInteger(index) || index < 0 || index >= parent.length) {
      throw new PatchError(`${op} operation does not apply: doc is missing path: "${path}"`);
    }
    parent.splice(index, 1);
  } else {
    if (!(last in parent))
      throw new PatchError(`${op} operation does not apply: doc is missing key: ${path}`);
    delete parent[last];
  }
  return doc;
}
