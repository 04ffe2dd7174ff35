import type { ServiceConfig } from '../../config/service-schema.js';
import type { Requester } from '../progress-snapshot.js';
import type { GroupDirectory } from './group-directory.js';
import { GroupDirectoryUnavailableError } from './group-directory-unavailable-error.js';
import type { PermissionDecision } from './permission-decision.js';

/** Where a request was typed: a chat channel's id and, when known, its name. */
export interface RequestChannel {
  id?: string;
  name?: string;
}

type Actor = Pick<Requester, 'id' | 'name' | 'source'>;

interface Principals {
  users: string[];
  groups: string[];
}

const ALLOWED: PermissionDecision = { allowed: true };

/** The rule a denial names when the service has no `permissions:` section (the safe default). */
export const DEFAULT_PERMISSIONS_RULE = 'permissions (none set: the default)';

/**
 * Who may request, approve and cancel a rollback of a service, from its `permissions:` (and
 * `approval.approvers`) section. A service without `permissions:` may be requested only in its own
 * `channel` (surfaces without a channel, such as the CLI, are not limited by it), and a rollback of it may
 * be cancelled only by its requester or a listed approver. Group membership comes from the
 * {@link GroupDirectory}; when it cannot be asked, the answer is "denied", never "allowed".
 */
export class PermissionPolicy {
  constructor(private readonly groups?: GroupDirectory) {}

  async mayRequest(
    service: ServiceConfig,
    requester: Actor,
    channel: RequestChannel = {},
    signal?: AbortSignal,
  ): Promise<PermissionDecision> {
    const permissions = service.permissions;
    const inChat = channel.id !== undefined || channel.name !== undefined;
    if (!permissions) return inChat ? ownChannelOnly(service, channel) : ALLOWED;
    const channels = permissions.channels;
    if (
      channels.length > 0 &&
      inChat &&
      !channels.some((c) => c === channel.id || c === `#${channel.name ?? ''}`)
    ) {
      return {
        allowed: false,
        rule: 'permissions.channels',
        message: `Rollbacks of ${service.name} (${service.environment}) are not accepted in this channel.`,
        hint: `Ask in ${channels.join(', ')}.`,
      };
    }
    if (!permissions.request) return ALLOWED;
    return this.member(permissions.request, requester, signal, {
      rule: 'permissions.request',
      message: `You are not allowed to request rollbacks of ${service.name} (${service.environment}).`,
      action: 'request a rollback',
    });
  }

  /**
   * Who may cancel a rollback: its requester; an approver; and, when the service has a `permissions:`
   * section, anyone it lets request here. Without one, only the requester and the approvers listed in
   * `approval.approvers` (an empty list lets anyone approve, but not cancel someone else's rollback).
   */
  async mayCancel(
    service: ServiceConfig,
    actor: Actor,
    requesterId: string,
    channel: RequestChannel = {},
    signal?: AbortSignal,
  ): Promise<PermissionDecision> {
    if (actor.id === requesterId) return ALLOWED;
    const approvers = service.approval.approvers.length > 0 || service.permissions?.approve !== undefined;
    // A service that takes no approvals has no approvers: mayApprove would let anyone "approve" it.
    const countsAsApprover = service.permissions ? service.approval.required > 0 : approvers;
    if (countsAsApprover && (await this.mayApprove(service, actor, signal)).allowed) return ALLOWED;
    if (!service.permissions) {
      return {
        allowed: false,
        rule: DEFAULT_PERMISSIONS_RULE,
        message: `You may not cancel this rollback of ${service.name}: only its requester${approvers ? ' or an approver' : ''} can.`,
        hint: `Ask the requester${approvers ? ' or an approver' : ''}. A permissions: section in ${service.name}'s file can let more people cancel.`,
      };
    }
    const asRequester = await this.mayRequest(service, actor, channel, signal);
    if (asRequester.allowed) return ALLOWED;
    return {
      ...asRequester,
      message: `You may not cancel this rollback of ${service.name}: only its requester, someone allowed to request rollbacks of ${service.name} here, or an approver can.`,
    };
  }

  async mayApprove(
    service: ServiceConfig,
    approver: Actor,
    signal?: AbortSignal,
  ): Promise<PermissionDecision> {
    const listed = service.approval.approvers;
    const fromApproval: Principals = {
      users: listed.filter((a) => !a.startsWith('S')),
      groups: listed.filter((a) => a.startsWith('S')),
    };
    const fromPermissions = service.permissions?.approve;
    if (listed.length === 0 && !fromPermissions) return ALLOWED;
    const principals: Principals = {
      users: [...fromApproval.users, ...(fromPermissions?.users ?? [])],
      groups: [...fromApproval.groups, ...(fromPermissions?.groups ?? [])],
    };
    return this.member(principals, approver, signal, {
      rule: fromPermissions ? 'permissions.approve' : 'approval.approvers',
      message: `You are not an approver for ${service.name} (${service.environment}); your approval does not count.`,
      action: 'approve',
    });
  }

  private async member(
    principals: Principals,
    actor: Actor,
    signal: AbortSignal | undefined,
    denial: { rule: string; message: string; action: string },
  ): Promise<PermissionDecision> {
    if (principals.users.includes(actor.id)) return ALLOWED;
    let unavailable: { groupId: string; reason: string } | undefined;
    for (const groupId of principals.groups) {
      try {
        if (!this.groups)
          throw new GroupDirectoryUnavailableError(groupId, 'no Slack connection is configured');
        if ((await this.groups.members(groupId, signal)).has(actor.id)) return ALLOWED;
      } catch (error) {
        if (!(error instanceof GroupDirectoryUnavailableError)) throw error;
        unavailable ??= { groupId, reason: error.message };
      }
    }
    if (unavailable) {
      return {
        allowed: false,
        rule: `${denial.rule}.groups`,
        message: `${unavailable.reason}. Membership could not be checked, so you may not ${denial.action} for now.`,
        hint: 'Try again in a minute; if Slack keeps failing, an operator can use the CLI with --break-glass.',
      };
    }
    const who = [
      ...(principals.users.length ? [`users ${principals.users.join(', ')}`] : []),
      ...(principals.groups.length ? [`members of user groups ${principals.groups.join(', ')}`] : []),
    ];
    return {
      allowed: false,
      rule: denial.rule,
      message: denial.message,
      hint: who.length
        ? `Allowed to ${denial.action}: ${who.join('; ')}.`
        : `Nobody may ${denial.action} here.`,
    };
  }
}

/** The default without `permissions:`: requests only in the service's own (incident) channel. */
function ownChannelOnly(service: ServiceConfig, channel: RequestChannel): PermissionDecision {
  const own = service.channel;
  if (own === channel.id || (channel.name !== undefined && own === `#${channel.name}`)) return ALLOWED;
  return {
    allowed: false,
    rule: DEFAULT_PERMISSIONS_RULE,
    message: `Rollbacks of ${service.name} (${service.environment}) are accepted only in its channel, ${own}.`,
    hint: `Ask in ${own}, or give ${service.name} a permissions: section listing the channels and people allowed (docs/service-catalog.md#permissions).`,
  };
}
