import { z } from 'zod';
import type { CommandRunner, HostSpec } from '../../ports/command-runner.js';

/** One host's part of a resolved plan: where it is now and where it goes. */
export interface HostTarget {
  host: string;
  /** The version installed or running when the plan was made (null: none). */
  from: string | null;
}

/** What a change step remembers per host once it changed it (or found it already changed). */
export interface HostChangeMemory {
  host: string;
  from: string | null;
  to: string | null;
  at: string;
  /** True when the host was found already at the target (nothing run). */
  skipped: boolean;
}

export const hostChangeMemorySchema: z.ZodType<HostChangeMemory> = z.object({
  host: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  at: z.string(),
  skipped: z.boolean(),
});

/** How one host strategy reads and changes one host; the shared steps drive it host by host. */
export interface HostChangeTool<T extends HostTarget> {
  /** Prefix of memory keys ("apt"). */
  name: string;
  /** "kaizen 0.7.0-1", for titles and details. */
  targetLabel: string;
  /** The version the host has now (installed package, running tag); null: none. */
  readVersion(runner: CommandRunner, host: HostSpec, signal: AbortSignal): Promise<string | null>;
  /** Whether the host is already where the plan wants it (before the change: skip it; after: success). */
  isDone(target: T, current: string | null, remembered: HostChangeMemory | undefined): boolean;
  /** Checks the change can happen on this host (target available, sudo works); returns a one-line finding. */
  precheck(runner: CommandRunner, host: HostSpec, target: T, signal: AbortSignal): Promise<string>;
  /** Makes the change on one host; throws a RollbackError with the command's output when it fails. */
  change(runner: CommandRunner, host: HostSpec, target: T, signal: AbortSignal): Promise<void>;
}

export function hostMemoryKey(tool: string, host: string): string {
  return `${tool}:change:${host}`;
}
