import type { ServiceConfig } from '../../../config/service-schema.js';
import type { GitSection } from '../../../config/strategies/git-schema.js';
import { PermanentError } from '../../errors.js';

/** The service's `git:` section; a service without one cannot use this strategy. */
export function gitSection(service: ServiceConfig): GitSection {
  if (service.git === undefined) {
    throw new PermanentError('not_configured', `service ${service.name} has no git: section`);
  }
  return service.git;
}
