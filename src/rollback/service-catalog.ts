import type { ServiceConfig } from '../config/service-schema.js';

/** What the domain needs from the service catalog (implemented by config/load-catalog). */
export interface ServiceCatalog {
  /** The service, or an InputError that names the valid ones and a "did you mean". */
  require(name: string): ServiceConfig;
  get(name: string): ServiceConfig | undefined;
  names(): string[];
}
