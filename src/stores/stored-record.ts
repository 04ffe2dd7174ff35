import type { z } from 'zod';
import type { Logger } from '../observability/logger.js';

/**
 * Records read back from Redis are data from the past: a snapshot lives 30 days, a plan 90, a mark until
 * released, and each may have been written by an older (or, after a downgrade, a newer) version of the
 * bot. So every record carries a `schemaVersion`, written on every write, and is parsed with its schema
 * on every read, never cast.
 *
 * - A record without `schemaVersion` was written before versions existed: it is version 0, whose shape
 *   is today's version 1, so it reads as it is.
 * - A record of an older version is first brought to the current shape by its kind's `upgrade`.
 * - A record of a newer version is read with the current schema (fields it does not know are dropped).
 * - A record that is not JSON, or does not fit the schema, is malformed: each store says what that means
 *   for its kind (for most, "missing"), and logs it once per key. It never crashes a render or the worker.
 */
export interface RecordKind<T> {
  /** For logs: "snapshot", "plan". */
  name: string;
  /** The version this code writes. Bump it when the shape changes, and teach `upgrade` the old one. */
  version: number;
  /** The current shape, without `schemaVersion`. */
  schema: z.ZodType<T>;
  /** Brings a record written in version `from` (< version) to the current shape's input. */
  upgrade?: (value: Record<string, unknown>, from: number) => unknown;
}

export type DecodedRecord<T> = { ok: true; value: T } | { ok: false; reason: string };

/** The record as stored: its fields and its kind's current `schemaVersion`. */
export function encodeRecord<T extends object>(kind: RecordKind<T>, value: T): string {
  return JSON.stringify({ schemaVersion: kind.version, ...value });
}

/** Parses a stored record of `kind` (see the module comment for old, newer and malformed ones). */
export function decodeRecord<T>(kind: RecordKind<T>, raw: string): DecodedRecord<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  return decodeFields(kind, parsed as Record<string, unknown>);
}

/** Like {@link decodeRecord}, for a record already split into fields (a Redis hash). */
export function decodeFields<T>(kind: RecordKind<T>, fields: Record<string, unknown>): DecodedRecord<T> {
  const { schemaVersion, ...rest } = fields;
  const version = schemaVersion === undefined ? 0 : Number(schemaVersion);
  if (!Number.isInteger(version) || version < 0) return { ok: false, reason: 'bad schemaVersion' };
  const input = version < kind.version && kind.upgrade ? kind.upgrade(rest, version) : rest;
  const result = kind.schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return {
    ok: false,
    reason: `version ${version}: ${issue ? `${issue.path.join('.') || '(record)'}: ${issue.message}` : 'invalid'}`,
  };
}

/**
 * A record of `kind` as Redis answered it (GET, or a script that returns the value): absent for null; one that
 * does not parse is reported by `malformed` (once per key) and reads as `otherwise()`, absent by default.
 */
export function readStoredRecord<T>(
  kind: RecordKind<T>,
  key: string,
  raw: string | null,
  malformed: MalformedRecords,
  otherwise: () => T | undefined = () => undefined,
): T | undefined {
  if (raw === null) return undefined;
  const decoded = decodeRecord(kind, raw);
  if (decoded.ok) return decoded.value;
  malformed.report(key, kind.name, decoded.reason);
  return otherwise();
}

/** Remembers which keys were reported, so a malformed record polled every second is logged once. */
export class MalformedRecords {
  readonly #reported = new Set<string>();

  constructor(private readonly log: Logger | undefined) {}

  report(key: string, kind: string, reason: string): void {
    if (this.#reported.has(key)) return;
    if (this.#reported.size >= 1_000) this.#reported.clear();
    this.#reported.add(key);
    this.log?.warn({ key, record: kind, reason }, 'ignored a stored record that does not parse');
  }
}
