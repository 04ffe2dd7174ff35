import { distance } from 'fastest-levenshtein';
import type { ServiceConfig } from './service-schema.js';
import { UnknownServiceError } from './unknown-service-error.js';

const MAX_SUGGESTIONS = 3;

/**
 * The validated services, by name. Built by `loadCatalog` (or directly in tests); immutable afterwards.
 * Satisfies the domain's `ServiceCatalog` port (rollback/service-catalog.ts) structurally: config sits below
 * the domain and does not import it; main/ hands a Catalog wherever a ServiceCatalog is asked for.
 */
export class Catalog {
  readonly #services: ReadonlyMap<string, ServiceConfig>;

  constructor(services: readonly ServiceConfig[]) {
    const sorted = [...services].sort((a, b) => compare(a.name, b.name));
    const map = new Map<string, ServiceConfig>();
    for (const service of sorted) {
      if (map.has(service.name)) throw new Error(`Service "${service.name}" is defined twice.`);
      map.set(service.name, service);
    }
    this.#services = map;
  }

  get(name: string): ServiceConfig | undefined {
    return this.#services.get(name);
  }

  /** The service, or an `unknown_service` InputError whose hint has a "did you mean" and the known names. */
  require(name: string): ServiceConfig {
    const service = this.#services.get(name);
    if (service) return service;
    throw new UnknownServiceError(name, this.suggest(name), this.names());
  }

  /** Sorted service names. */
  names(): string[] {
    return [...this.#services.keys()];
  }

  all(): ServiceConfig[] {
    return [...this.#services.values()];
  }

  /**
   * Up to three known names near `name`, closest first (ties by name). "Near" allows one edit per three
   * characters typed (at least one), so "kaizn" finds "kaizen" but "api" does not find "web".
   */
  suggest(name: string): string[] {
    const typed = name.trim().toLowerCase();
    if (typed === '') return [];
    const allowed = Math.max(1, Math.floor(typed.length / 3));
    return this.names()
      .map((candidate) => ({ candidate, edits: distance(typed, candidate) }))
      .filter(({ edits }) => edits <= allowed)
      .sort((a, b) => a.edits - b.edits || compare(a.candidate, b.candidate))
      .slice(0, MAX_SUGGESTIONS)
      .map(({ candidate }) => candidate);
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
