import type { ServiceConfig, StrategyName } from '../../config/service-schema.js';
import { PermanentError } from '../../errors/rollback-error.js';

/**
 * The service's YAML section for a strategy (`kubernetes:`, `helm:`, `git:` ...). The rollback service only
 * picks strategies a service supports, so a missing section here means the catalog changed under a plan.
 */
export function strategySection<K extends StrategyName>(
  service: ServiceConfig,
  strategy: K,
): NonNullable<ServiceConfig[K]> {
  const section = service[strategy];
  if (section === undefined || section === null) {
    throw new PermanentError('not_configured', `Service ${service.name} has no ${strategy}: section.`, {
      hint: `Add a ${strategy}: section to config/services/${service.name}.yaml, or pick another --strategy.`,
    });
  }
  return section as NonNullable<ServiceConfig[K]>;
}
