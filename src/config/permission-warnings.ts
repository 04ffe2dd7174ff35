import type { ServiceConfig } from './service-schema.js';

/**
 * What `config check` (and the bot at start-up) warns about in a service's permissions: the places where
 * a service is open to more people than its file says in so many words. Not errors: a service may be
 * meant to be open, but nobody should find out from an audit log.
 */
export function permissionWarnings(service: ServiceConfig): string[] {
  const warnings: string[] = [];
  const permissions = service.permissions;
  if (!permissions) {
    warnings.push(
      `no permissions: section: anyone in ${service.channel} may request, dry-run and release rollbacks of it (the default; other channels are refused). Add a permissions: section naming who may (docs/service-catalog.md#permissions).`,
    );
  } else {
    const anyone = permissions.request === undefined;
    const anywhere = permissions.channels.length === 0;
    if (anyone && anywhere) {
      warnings.push(
        'permissions: without request: or channels: lets anyone in the workspace, in any channel, request, cancel and release rollbacks of it.',
      );
    } else if (anyone) {
      warnings.push(
        `permissions: without request: lets anyone in ${permissions.channels.join(', ')} request, cancel and release rollbacks of it.`,
      );
    }
  }
  const listedApprovers = service.approval.approvers.length > 0 || permissions?.approve !== undefined;
  if (service.approval.required > 0 && !listedApprovers) {
    warnings.push(
      `approval.required is ${service.approval.required} but no approvers are listed (approval.approvers or permissions.approve): anyone but the requester may approve.`,
    );
  }
  return warnings;
}
