import type { ServiceConfig } from '../config/service-schema.js';
import type { RollbackRequest } from './plan.js';
import { PermissionDeniedError } from './policy/permission-denied-error.js';
import type { PermissionPolicy, RequestChannel } from './policy/permission-policy.js';
import type { ProgressSnapshot, Requester } from './progress-snapshot.js';
import type { RequestAudit } from './request-audit.js';
import type { ServiceCatalog } from './service-catalog.js';

/** Where a request was typed, as the request carries it. */
type Where = Pick<RollbackRequest, 'channel' | 'channelName'>;

export interface RequestAuthorizerOptions {
  catalog: ServiceCatalog;
  /** Who may request (absent: anyone). */
  policy: PermissionPolicy | undefined;
  audit: RequestAudit;
}

/**
 * Asks the permission policy whether someone may request (or release) or cancel a service's rollback;
 * a refusal is audited and thrown as a {@link PermissionDeniedError} with the rule.
 */
export class RequestAuthorizer {
  constructor(private readonly options: RequestAuthorizerOptions) {}

  async authorize(
    service: ServiceConfig,
    requester: Requester,
    where: Where,
    signal?: AbortSignal,
    jobId?: string,
  ): Promise<void> {
    const policy = this.options.policy;
    if (!policy) return;
    const decision = await policy.mayRequest(service, requester, channelOf(where), signal);
    if (decision.allowed) return;
    await this.options.audit.append(
      'denied',
      requester,
      service.name,
      jobId,
      `${decision.rule}: ${decision.message}`,
    );
    throw new PermissionDeniedError(decision);
  }

  /**
   * Who may cancel a rollback ({@link PermissionPolicy.mayCancel}): its requester, an approver, and with a
   * `permissions:` section anyone allowed to request here. Anyone else is refused, with the rule, and the
   * refusal is audited.
   */
  async authorizeCancel(snapshot: ProgressSnapshot, actor: Requester, where: Where = {}): Promise<void> {
    const policy = this.options.policy;
    if (!policy || actor.id === snapshot.requester.id) return;
    const service = this.options.catalog.get(snapshot.service);
    if (!service) return;
    const decision = await policy.mayCancel(service, actor, snapshot.requester.id, channelOf(where));
    if (decision.allowed) return;
    await this.options.audit.append(
      'denied',
      actor,
      service.name,
      snapshot.jobId,
      `${decision.rule}: may not cancel ${snapshot.jobId}`,
    );
    throw new PermissionDeniedError(decision);
  }
}

function channelOf(where: Where): RequestChannel {
  return {
    ...(where.channel ? { id: where.channel } : {}),
    ...(where.channelName ? { name: where.channelName } : {}),
  };
}
