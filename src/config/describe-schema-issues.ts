import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { isSecretField, isSecretValue } from './redact-config.js';

/**
 * Turns zod issues into catalog messages a person can act on: the dotted field path, "is required",
 * "must be a number (found the text "200")", and for unknown fields a "did you mean" from the fields the
 * schema knows at that place. Messages set in the schema itself (duration, names, ...) are kept.
 */
export interface SchemaProblem {
  path: string;
  message: string;
}

/** Error map for `schema.safeParse(data, { error: catalogErrorMap })`; undefined keeps zod's message. */
export function catalogErrorMap(issue: z.core.$ZodRawIssue): string | undefined {
  const found = `found ${describeValue(issue.input, String(issue.path?.at(-1) ?? ''))}`;
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      if (issue.input === null) {
        const last = issue.path?.at(-1);
        return last === 'channel'
          ? 'has no value (in YAML a value starting with # is a comment: quote it, "#incident-kaizen")'
          : 'has no value';
      }
      return `must be ${typeName(issue.expected)} (${found})`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => String(value)).join(', ')} (${found})`;
    case 'invalid_union': {
      const expected = issue.errors
        .flat()
        .flatMap((inner) => (inner.code === 'invalid_type' ? [typeName(inner.expected)] : []));
      const values = issue.errors
        .flat()
        .flatMap((inner) => (inner.code === 'invalid_value' ? inner.values.map(String) : []));
      if (values.length > 0) return `must be one of ${values.join(', ')} (${found})`;
      if (expected.length > 0) return `must be ${[...new Set(expected)].join(' or ')} (${found})`;
      return undefined;
    }
    default:
      return undefined;
  }
}

export function describeSchemaIssues(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
): SchemaProblem[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'unrecognized_keys') return [{ path: dotted(issue.path), message: issue.message }];
    const known = knownFields(schema, issue.path);
    return issue.keys.map((key) => ({
      path: dotted([...issue.path, key]),
      message: unknownFieldMessage(key, known),
    }));
  });
}

function unknownFieldMessage(key: string, known: readonly string[]): string {
  if (known.length === 0) return 'unknown field';
  const near = closest(key, known);
  if (distance(key, near) <= Math.max(2, Math.floor(key.length / 3)))
    return `unknown field; did you mean "${near}"?`;
  return `unknown field; the fields here are ${known.join(', ')}`;
}

/** The field names the schema accepts at `path`, looking through optional, default, pipe and array wrappers. */
function knownFields(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: unknown = schema;
  for (const segment of [...path, undefined]) {
    for (let unwrapped = false; !unwrapped;) {
      if (current instanceof z.ZodOptional || current instanceof z.ZodDefault) current = current.unwrap();
      else if (current instanceof z.ZodPipe) current = current.in;
      else unwrapped = true;
    }
    if (segment === undefined) break;
    if (current instanceof z.ZodArray && typeof segment === 'number') current = current.element;
    else if (current instanceof z.ZodObject && typeof segment === 'string') current = current.shape[segment];
    else return [];
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function dotted(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

function typeName(expected: string): string {
  switch (expected) {
    case 'object':
      return 'a mapping of fields';
    case 'array':
      return 'a list';
    case 'string':
      return 'text';
    case 'int':
      return 'a whole number';
    default:
      return `a ${expected}`;
  }
}

/** The value for a message, unless it is (or is in a field that holds) a secret. */
function describeValue(value: unknown, field: string): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'a mapping of fields';
  if (isSecretField(field) || (typeof value === 'string' && isSecretValue(value))) {
    return typeof value === 'string' ? 'text' : `a ${typeof value}`;
  }
  if (typeof value === 'string')
    return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return String(value);
}
