import type { ServiceConfig } from '../../../config/service-schema.js';
import type { GitSection } from '../../../config/strategies/git-schema.js';
import { strategySection } from '../strategy-section.js';

/** The service's `git:` section; a service without one cannot use this strategy. */
export function gitSection(service: ServiceConfig): GitSection {
  return strategySection(service, 'git');
}
