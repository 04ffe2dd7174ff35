import { describe, expect, it } from 'vitest';
import { serviceSchema } from '../../../src/config/service-schema.js';
import type { GroupDirectory } from '../../../src/rollback/policy/group-directory.js';
import { GroupDirectoryUnavailableError } from '../../../src/rollback/policy/group-directory-unavailable-error.js';
import {
  DEFAULT_PERMISSIONS_RULE,
  PermissionPolicy,
} from '../../../src/rollback/policy/permission-policy.js';

const base = {
  name: 'kaizen',
  channel: 'C0INCIDENT',
  strategy: 'kubernetes',
  kubernetes: { deployment: 'kaizen', container: 'kaizen', image: 'kaizen' },
};
const alice = { id: 'U0ALICE', name: 'alice', source: 'slack' } as const;
const dave = { id: 'U0DAVE', name: 'dave', source: 'slack' } as const;

function groups(
  members: Record<string, string[]>,
  down: string[] = [],
): GroupDirectory & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async members(groupId) {
      asked.push(groupId);
      if (down.includes(groupId))
        throw new GroupDirectoryUnavailableError(groupId, 'Slack did not answer (503)');
      return new Set(members[groupId] ?? []);
    },
  };
}

describe('PermissionPolicy', () => {
  it('without a permissions section, accepts requests only in the service channel (by id or #name)', async () => {
    const policy = new PermissionPolicy();
    const service = serviceSchema.parse(base);
    expect(await policy.mayRequest(service, dave, { id: 'C0ANY', name: 'random' })).toMatchObject({
      allowed: false,
      rule: DEFAULT_PERMISSIONS_RULE,
      message: 'Rollbacks of kaizen (production) are accepted only in its channel, C0INCIDENT.',
    });
    expect((await policy.mayRequest(service, dave, { id: 'C0INCIDENT' })).allowed).toBe(true);
    // A direct message is not the service's channel either.
    expect((await policy.mayRequest(service, dave, { id: 'D0DAVE' })).allowed).toBe(false);
    const named = serviceSchema.parse({ ...base, channel: '#incident-kaizen' });
    expect((await policy.mayRequest(named, dave, { id: 'C0X', name: 'incident-kaizen' })).allowed).toBe(true);
    expect((await policy.mayRequest(named, dave, { id: 'C0X', name: 'random' })).allowed).toBe(false);
    // Surfaces without a channel (CLI, console) are not limited by a channel rule.
    expect((await policy.mayRequest(service, dave)).allowed).toBe(true);
  });

  it('without a permissions section, only the requester or a listed approver may cancel', async () => {
    const policy = new PermissionPolicy();
    const open = serviceSchema.parse({ ...base, approval: { required: 1 } });
    expect((await policy.mayCancel(open, alice, 'U0ALICE', { id: 'C0INCIDENT' })).allowed).toBe(true);
    // Anyone may approve when no approver is listed, but that does not let anyone cancel.
    expect(await policy.mayCancel(open, dave, 'U0ALICE', { id: 'C0INCIDENT' })).toMatchObject({
      allowed: false,
      rule: DEFAULT_PERMISSIONS_RULE,
      message: 'You may not cancel this rollback of kaizen: only its requester can.',
    });
    const listed = serviceSchema.parse({ ...base, approval: { required: 1, approvers: ['U0DAVE'] } });
    expect((await policy.mayCancel(listed, dave, 'U0ALICE', { id: 'C0RANDOM' })).allowed).toBe(true);
    const bob = { id: 'U0BOB', name: 'bob', source: 'slack' } as const;
    expect(await policy.mayCancel(listed, bob, 'U0ALICE', { id: 'C0INCIDENT' })).toMatchObject({
      allowed: false,
      message: 'You may not cancel this rollback of kaizen: only its requester or an approver can.',
    });
  });

  it('with a permissions section, whoever may request here may also cancel (as before)', async () => {
    const policy = new PermissionPolicy();
    const service = serviceSchema.parse({ ...base, permissions: { channels: ['C0DEPLOYS'] } });
    expect((await policy.mayCancel(service, dave, 'U0ALICE', { id: 'C0DEPLOYS' })).allowed).toBe(true);
    expect(await policy.mayCancel(service, dave, 'U0ALICE', { id: 'C0RANDOM' })).toMatchObject({
      allowed: false,
      rule: 'permissions.channels',
    });
  });

  it('names the channel rule, and does not ask Slack about a listed user', async () => {
    const service = serviceSchema.parse({
      ...base,
      permissions: {
        request: { users: ['U0ALICE'], groups: ['S0ONCALL'] },
        channels: ['C0DEPLOYS', '#incident-kaizen'],
      },
    });
    const directory = groups({});
    const policy = new PermissionPolicy(directory);
    expect(await policy.mayRequest(service, alice, { id: 'C0RANDOM', name: 'random' })).toMatchObject({
      allowed: false,
      rule: 'permissions.channels',
    });
    expect(
      (await policy.mayRequest(service, alice, { id: 'C0OTHER', name: 'incident-kaizen' })).allowed,
    ).toBe(true);
    expect((await policy.mayRequest(service, alice, { id: 'C0DEPLOYS' })).allowed).toBe(true);
    expect(directory.asked).toEqual([]);
  });

  it('allows members of a listed group and denies others, naming who may', async () => {
    const service = serviceSchema.parse({
      ...base,
      permissions: { request: { users: [], groups: ['S0ONCALL'] } },
    });
    const policy = new PermissionPolicy(groups({ S0ONCALL: ['U0DAVE'] }));
    expect((await policy.mayRequest(service, dave)).allowed).toBe(true);
    const denied = await policy.mayRequest(service, alice);
    expect(denied).toMatchObject({ allowed: false, rule: 'permissions.request' });
    expect(denied.allowed === false && denied.hint).toContain('S0ONCALL');
  });

  it('denies, with the reason, when the group directory cannot be asked or is not configured', async () => {
    const service = serviceSchema.parse({ ...base, permissions: { request: { groups: ['S0ONCALL'] } } });
    const down = await new PermissionPolicy(groups({}, ['S0ONCALL'])).mayRequest(service, dave);
    expect(down).toMatchObject({ allowed: false, rule: 'permissions.request.groups' });
    expect(down.allowed === false && down.message).toMatch(/S0ONCALL.*503/);
    const none = await new PermissionPolicy().mayRequest(service, dave);
    expect(none.allowed === false && none.message).toMatch(/no Slack connection/);
  });

  it('approvers: approval.approvers and permissions.approve both count; no list means anyone', async () => {
    const open = serviceSchema.parse({ ...base, approval: { required: 1 } });
    expect((await new PermissionPolicy().mayApprove(open, dave)).allowed).toBe(true);
    const listed = serviceSchema.parse({
      ...base,
      approval: { required: 1, approvers: ['U0BOB'] },
      permissions: { approve: { groups: ['S0LEADS'] } },
    });
    const policy = new PermissionPolicy(groups({ S0LEADS: ['U0DAVE'] }));
    expect((await policy.mayApprove(listed, { id: 'U0BOB', name: 'bob', source: 'slack' })).allowed).toBe(
      true,
    );
    expect((await policy.mayApprove(listed, dave)).allowed).toBe(true);
    expect(await policy.mayApprove(listed, alice)).toMatchObject({
      allowed: false,
      rule: 'permissions.approve',
    });
  });

  it('the schema refuses malformed user, group and channel ids', () => {
    const bad = serviceSchema.safeParse({
      ...base,
      permissions: { request: { users: ['alice'], groups: ['oncall'] }, channels: ['deploys'] },
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual([
      'permissions.request.users.0',
      'permissions.request.groups.0',
      'permissions.channels.0',
    ]);
  });
});
