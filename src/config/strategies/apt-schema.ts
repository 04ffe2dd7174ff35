import { z } from 'zod';
import { unitNameSchema } from '../hosts-schema.js';

/** Package versions as apt and yum print them (epoch, tilde, plus); never an option (no leading dash). */
export const PACKAGE_VERSION_PATTERN = /^(?!-)[A-Za-z0-9._+:~-]{1,128}$/;
/** Debian and RPM package names. */
export const packageName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/, 'must be a package name (letters, digits, . _ + -)');
/** A systemd unit name (the host strategies' shared rule). */
export const unitName = unitNameSchema;
/** A duration as "30s", "5m", "1h" or a number of seconds; the output is seconds. */
export const durationSeconds = z
  .union([
    z.number().int().positive(),
    z.string().regex(/^\d+(ms|s|m|h)$/, 'must be like 30s, 5m, 1h or a number of seconds'),
  ])
  .transform((value) => durationToSeconds(value));

/** Kept here rather than imported from service-schema.ts: that module imports this one (no import cycle). */
function durationToSeconds(value: number | string): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+)(ms|s|m|h)$/.exec(value);
  const n = Number(match?.[1]);
  const unit = match?.[2];
  return unit === 'ms' ? n / 1000 : unit === 'm' ? n * 60 : unit === 'h' ? n * 3600 : n;
}

/** The `apt:` section of a service YAML: roll back a Debian package with apt-get (host runbook, Option A). */
export const aptSectionSchema = z
  .object({
    /** The package to downgrade ("kaizen"). */
    package: packageName,
    /** The systemd unit the package runs as; checked after the change (active, journal clean). */
    unit: unitName.optional(),
    /** Run apt-get, systemctl and journalctl through `sudo -n` (passwordless sudo). */
    sudo: z.boolean().default(false),
    /** Restart the unit after the package changed (package scripts do not always do it). */
    restart: z.boolean().default(true),
    /** Time allowed for `apt-get install` on one host. */
    timeout: durationSeconds.default(600),
  })
  .strict();
export type AptSection = z.output<typeof aptSectionSchema>;
