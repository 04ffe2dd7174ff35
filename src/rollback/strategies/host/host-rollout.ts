import { hostsSectionSchema, rolloutSectionSchema } from '../../../config/hosts-schema.js';
import type { ServiceConfig } from '../../../config/service-schema.js';
import type { HostSpec } from '../../ports/command-runner.js';

export interface HostRollout {
  hosts: HostSpec[];
  /** How many hosts a step changes at once (1: one after the other). */
  parallel: number;
}

/**
 * The hosts a host strategy works on (`hosts:`, default the worker itself) and how many at once
 * (`rollout.parallel`, default 1). Reads `rollout` defensively so it works whether or not the service
 * schema declares it yet.
 */
export function resolveHostRollout(service: ServiceConfig): HostRollout {
  const hosts = hostsSectionSchema.parse((service as { hosts?: unknown }).hosts ?? undefined);
  const rollout = rolloutSectionSchema.parse((service as { rollout?: unknown }).rollout ?? undefined);
  return {
    hosts: hosts.map((h) => ({
      name: h.name,
      ...(h.port === undefined ? {} : { port: h.port }),
      ...(h.identityFile === undefined ? {} : { identityFile: h.identityFile }),
    })),
    parallel: Math.min(rollout.parallel, hosts.length),
  };
}
