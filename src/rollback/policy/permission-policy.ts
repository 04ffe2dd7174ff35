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

/**
 * Who may request and approve a rollback of a service, from its `permissions:` (and `approval.approvers`)
 * section. A service without `permissions:` may be requested by anyone in any channel. Group membership
 * comes from the {@link GroupDirectory}; when it cannot be asked, the answer is "denied", never "allowed".
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
    if (!permissions) return ALLOWED;
    const channels = permissions.channels;
    const inChat = channel.id !== undefined || channel.name !== undefined;
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
