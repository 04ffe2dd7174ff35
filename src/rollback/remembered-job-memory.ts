import type { ZodType } from 'zod';
import type { JobMemory } from './step.js';

/**
 * A job's durable memory (Redis) with a copy of what this run wrote and read. Values are never removed,
 * so a value the store no longer has was lost with the store's data (Redis restarted without
 * persistence): the copy answers instead, and is written back. A run resumed by another worker after a
 * crash starts with no copy, and reads the store alone, as before.
 */
export class RememberedJobMemory implements JobMemory {
  private readonly known = new Map<string, unknown>();

  constructor(private readonly store: JobMemory) {}

  async get<T>(key: string, schema: ZodType<T>): Promise<T | undefined> {
    const stored = await this.store.get(key, schema);
    if (stored !== undefined) {
      this.known.set(key, stored);
      return stored;
    }
    if (!this.known.has(key)) return undefined;
    const value = schema.parse(this.known.get(key));
    await this.store.set(key, value);
    return value;
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.store.set(key, value);
    this.known.set(key, value);
  }
}
