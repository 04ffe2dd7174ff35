import { z } from 'zod';
import { durationSeconds, packageName, unitName } from './apt-schema.js';

/** The `yum:` section of a service YAML: roll back an RPM package with yum (host runbook, Option A). */
export const yumSectionSchema = z
  .object({
    /** The package whose transactions are undone ("kaizen"). */
    package: packageName,
    /** The systemd unit the package runs as; checked after the change (active, journal clean). */
    unit: unitName.optional(),
    /** Run yum, systemctl and journalctl through `sudo -n` (passwordless sudo). */
    sudo: z.boolean().default(false),
    /** Restart the unit after the package changed (package scripts do not always do it). */
    restart: z.boolean().default(true),
    /** Time allowed for `yum history undo` / `yum downgrade` on one host. */
    timeout: durationSeconds.default(600),
  })
  .strict();
export type YumSection = z.output<typeof yumSectionSchema>;
