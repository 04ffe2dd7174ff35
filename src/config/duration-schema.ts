import { z } from 'zod';

/** "30s", "5m", "1h", "250ms" or a number of seconds, as seconds. */
export function toSeconds(value: number | string): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+)(ms|s|m|h)$/.exec(value);
  if (!match) throw new Error(`bad duration ${value}`);
  const n = Number(match[1]);
  switch (match[2]) {
    case 'ms':
      return n / 1000;
    case 's':
      return n;
    case 'm':
      return n * 60;
    default:
      return n * 3600;
  }
}

/** A duration field of a service YAML: "30s", "5m", "1h" or a number of seconds; the output is seconds. */
export const durationSeconds = z
  .union([
    z.number().int().positive(),
    z.string().regex(/^\d+(ms|s|m|h)$/, 'must be like 30s, 5m, 1h or a number of seconds'),
  ])
  .transform((value) => toSeconds(value));
