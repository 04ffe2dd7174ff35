/** Every Redis key the bot uses, under one prefix so several installations (and tests) can share a Redis. */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  snapshot(jobId: string): string {
    return `${this.prefix}:rb:snapshot:${jobId}`;
  }
  plan(jobId: string): string {
    return `${this.prefix}:rb:plan:${jobId}`;
  }
  memory(jobId: string): string {
    return `${this.prefix}:rb:memory:${jobId}`;
  }
  serviceLock(service: string): string {
    return `${this.prefix}:rb:lock:${service}`;
  }
  recent(): string {
    return `${this.prefix}:rb:recent`;
  }
  serviceHistory(service: string): string {
    return `${this.prefix}:rb:history:${service}`;
  }
  /** A Slack rate-limit bucket shared by every process: a method ("chat.update") or a channel's posts. */
  slackRate(bucket: string): string {
    return `${this.prefix}:rb:slack-rate:${bucket}`;
  }
  slackBinding(jobId: string): string {
    return `${this.prefix}:rb:slack:${jobId}`;
  }
  progressChannel(): string {
    return `${this.prefix}:rb:progress`;
  }
  cancelChannel(): string {
    return `${this.prefix}:rb:cancel`;
  }
  cancelRequested(jobId: string): string {
    return `${this.prefix}:rb:cancel:${jobId}`;
  }
  /** Set: the rollbacks requested for a PagerDuty incident (for the post-mortem reminder on resolve). */
  incidentRollbacks(incidentId: string): string {
    return `${this.prefix}:rb:pd:incident:${incidentId}:jobs`;
  }
  audit(): string {
    return `${this.prefix}:rb:audit`;
  }
  /** The audit entries of one service (the same entries as the whole log, indexed). */
  auditOfService(service: string): string {
    return `${this.prefix}:rb:audit:service:${service}`;
  }
  /** The audit entries of one job. */
  auditOfJob(jobId: string): string {
    return `${this.prefix}:rb:audit:job:${jobId}`;
  }
  approval(jobId: string): string {
    return `${this.prefix}:rb:approval:${jobId}`;
  }
  rolledBack(service: string): string {
    return `${this.prefix}:rb:rolledback:${service}`;
  }
  /** The CD system the bot holds for a service's rollback (restored on release). */
  gitopsHold(service: string): string {
    return `${this.prefix}:rb:gitopshold:${service}`;
  }
  /** A hash: image → the digest it ran with in the service (pods' imageID). */
  imageDigests(service: string): string {
    return `${this.prefix}:rb:digests:${service}`;
  }
  /** A hash: image → the ConfigMaps and Secrets it last ran with in the service (content hashes). */
  ranConfigs(service: string): string {
    return `${this.prefix}:rb:ranconfig:${service}`;
  }
  /** A signed inbound request already received (by the hash of its signature or body): replay cache. */
  replay(digest: string): string {
    return `${this.prefix}:rb:replay:${digest}`;
  }
  /**
   * Stream: verified inbound webhook deliveries (PagerDuty), appended with their dedupe claim and moved into
   * the BullMQ inbound queue by a consumer group; each entry is deleted once it is queued.
   */
  inboundStream(): string {
    return `${this.prefix}:rb:inbound`;
  }
  /** Which Redis "life" the bot's data belongs to: written once, missing or changed after Redis lost its data. */
  epoch(): string {
    return `${this.prefix}:rb:epoch`;
  }
  /** When a process last found that Redis had lost the bot's data (ISO time). */
  dataLostAt(): string {
    return `${this.prefix}:rb:epoch:lost-at`;
  }
  /** The heartbeats of a site's live workers (a hash, expiring with the last of them). */
  siteWorkers(site: string): string {
    return `${this.prefix}:rb:site:${site}:workers`;
  }
}
