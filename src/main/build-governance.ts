import { webApi } from '@slack/bolt';
import type { ConnectionOptions } from 'bullmq';
import { ApprovalExpiryQueue } from '../queue/approval-expiry-queue.js';
import { RedisApprovalStore } from '../stores/redis-approval-store.js';
import type { RedisKeys } from '../stores/redis-keys.js';
import { RedisRolledBackMarks } from '../stores/redis-rolled-back-marks.js';
import { ApprovalService } from '../rollback/approval-service.js';
import { PermissionPolicy } from '../rollback/policy/permission-policy.js';
import type { AuditLog } from '../rollback/ports/audit-log.js';
import type { ProgressStore } from '../rollback/ports/progress-store.js';
import type { RollbackIndex, RollbackQueue, ServiceLocks } from '../rollback/ports/rollback-queue.js';
import type { ServiceCatalog } from '../rollback/service-catalog.js';
import { SlackGroupDirectory } from '../transport/slack/slack-group-directory.js';
import type { Logger } from '../observability/logger.js';
import type { AppConfig } from './app-config.js';
import type { RedisClient } from '../stores/redis-client.js';

export interface GovernanceDeps {
  config: AppConfig;
  redis: RedisClient;
  connection: ConnectionOptions;
  keys: RedisKeys;
  catalog: ServiceCatalog;
  progress: ProgressStore;
  index: RollbackIndex;
  locks: ServiceLocks;
  queue: RollbackQueue;
  audit: AuditLog;
  /** Slack Web API retries for user group lookups; tests use 0. */
  slackRetries?: number;
  log?: Logger;
}

export interface Governance {
  policy: PermissionPolicy;
  approvals: ApprovalService;
  approvalExpiry: ApprovalExpiryQueue;
  marks: RedisRolledBackMarks;
}

/** Permissions (user groups read from Slack when it is configured), approvals and rolled-back marks. */
export function buildGovernance(deps: GovernanceDeps): Governance {
  const { config } = deps;
  const slack = config.slack;
  const groups = slack
    ? new SlackGroupDirectory({
        client: new webApi.WebClient(slack.botToken, {
          ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
          retryConfig: { retries: deps.slackRetries ?? 2, factor: 2, minTimeout: 200, maxTimeout: 1_000 },
          logLevel: webApi.LogLevel.ERROR,
        }),
      })
    : undefined;
  const policy = new PermissionPolicy(groups);
  const approvalExpiry = new ApprovalExpiryQueue(deps.connection, deps.keys.prefix, deps.log);
  const approvals = new ApprovalService({
    catalog: deps.catalog,
    store: new RedisApprovalStore(deps.redis, deps.keys, deps.log?.child({ component: 'store' })),
    policy,
    progress: deps.progress,
    index: deps.index,
    locks: deps.locks,
    queue: deps.queue,
    expiry: approvalExpiry,
    audit: deps.audit,
  });
  return {
    policy,
    approvals,
    approvalExpiry,
    marks: new RedisRolledBackMarks(deps.redis, deps.keys, deps.log?.child({ component: 'store' })),
  };
}
