import { z } from 'zod';
import { gitopsSchema } from './gitops-schema.js';
import { durationSeconds, toSeconds } from './duration-schema.js';
import { evidenceSectionSchema } from './evidence-schema.js';
import { hostStrategySections } from './host-strategy-schema.js';
import { alertsCheckSchema, metricChecksSchema } from './monitoring-checks-schema.js';
import { registrySectionSchema } from './registry-schema.js';
import { versionSourcesSchema } from './version-sources-schema.js';
import { incidentSections } from './incident-sections.js';

/** A version, tag or revision name as users may type it: no spaces, no shell metacharacters. */
export const VERSION_PATTERN = /^[A-Za-z0-9._+-]{1,128}$/;
/** Kubernetes object names (RFC 1123 DNS subdomain). */
const k8sName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'must be a lowercase Kubernetes object name');
/** Service names as the catalog accepts them. */
export const SERVICE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const serviceName = z
  .string()
  .regex(SERVICE_NAME_PATTERN, 'must be lowercase letters, digits and dashes (at most 63)');
/**
 * Site names (a cluster, region or host group whose workers run the service's rollbacks): they become
 * part of queue names, so no colons and no spaces.
 */
export const SITE_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** The site of services that name none, and the site a worker serves when WORKER_SITES is unset. */
export const DEFAULT_SITE = 'default';
const siteName = z
  .string()
  .regex(SITE_PATTERN, 'must be lowercase letters, digits and dashes (at most 40), like eu-1');
const duration = durationSeconds;
export { toSeconds };

export const kubernetesSectionSchema = z
  .object({
    /** kubeconfig context; omitted: the current context (or in-cluster config). */
    context: z.string().min(1).optional(),
    namespace: k8sName.default('default'),
    deployment: k8sName,
    /** Container whose image an image rollback changes. */
    container: z.string().min(1),
    /** Image repository without tag ("registry.example.com/kaizen"); the version becomes the tag. */
    image: z.string().regex(/^[a-z0-9][a-z0-9._\-/:]*$/, 'must be an image repository without a tag'),
    /** How long the rollout may take before the job fails ("5m"). */
    rolloutTimeout: duration.default(300),
    /** Tags users may roll back to, newest first, shown by `/rollback versions`. Optional. */
    tags: z.array(z.string().regex(VERSION_PATTERN)).optional(),
    /** How to ask the image registry whether a version exists (credentials by reference only). */
    registry: registrySectionSchema.optional(),
    /**
     * Roll back to the exact image that ran (`image:tag@sha256:…`, the digest its pods reported) rather
     * than to whatever the tag points at now. Only for image rollbacks whose digest the bot saw running.
     */
    pinDigest: z.boolean().optional(),
  })
  .strict();

export const smokeSchema = z
  .object({
    /** Argument vector, run without a shell: ["pytest", "tests/smoke", "-q"]. */
    command: z.array(z.string().min(1)).min(1),
    timeout: duration.default(120),
    cwd: z.string().optional(),
  })
  .strict();

export const verifySchema = z
  .object({
    healthUrl: z.url().optional(),
    expectStatus: z.number().int().min(100).max(599).default(200),
    /** Regular expression matched against the last 100 log lines of each pod (or journal lines). */
    logErrorPattern: z
      .string()
      .refine((p) => {
        try {
          new RegExp(p);
          return true;
        } catch {
          return false;
        }
      }, 'must be a valid regular expression')
      .optional(),
    smoke: smokeSchema.optional(),
    /** Alertmanager: no firing alert may match the service's matchers. */
    alerts: alertsCheckSchema.optional(),
    /** Prometheus instant queries compared with thresholds. */
    metrics: metricChecksSchema.optional(),
  })
  .strict();

export const approvalSchema = z
  .object({
    required: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0),
    /** At most 12 h: a plan must not outlive its service lock (24 h). */
    expiresAfter: duration
      .refine((seconds) => seconds <= 12 * 3600, 'must be at most 12h (a waiting plan holds the service)')
      .default(900),
    approvers: z.array(z.string()).default([]),
  })
  .strict();

/** Slack user ids (U… or W…) and user group ids (S…), as Slack sends them. */
const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id like U0123ABCD');
const slackGroupId = z.string().regex(/^S[A-Z0-9]{2,}$/, 'must be a Slack user group id like S0123ABCD');

/** Who may do something: listed users, or members of listed Slack user groups. */
export const principalsSchema = z
  .object({
    users: z.array(slackUserId).default([]),
    groups: z.array(slackGroupId).default([]),
  })
  .strict();

/** Who may request and approve a rollback of this service, and in which channels. See docs/service-catalog.md. */
export const permissionsSchema = z
  .object({
    request: principalsSchema.optional(),
    approve: principalsSchema.optional(),
    /** Channel ids (C0123ABCD) or #names where `/rollback <service>` is accepted. Empty or absent: any. */
    channels: z
      .array(
        z
          .string()
          .regex(
            /^([CGD][A-Z0-9]{2,}|#[a-z0-9][a-z0-9._-]{0,79})$/,
            'must be a channel id like C0123ABCD or a #name',
          ),
      )
      .default([]),
  })
  .strict();

/** A check that the target version works with the current database schema (runbook: Database Incompatibility). */
export const databaseCompatibilitySchema = z.union([
  z
    .object({
      /** Argument vector, run without a shell; exit 0 means compatible. */
      command: z.array(z.string().min(1)).min(1),
      timeout: duration.default(60),
      cwd: z.string().optional(),
    })
    .strict(),
  z
    .object({
      /** Requested with GET; `expectStatus` means compatible. */
      url: z.url(),
      expectStatus: z.number().int().min(100).max(599).default(200),
      timeout: duration.default(10),
    })
    .strict(),
]);

export const guardsSchema = z
  .object({ databaseCompatibility: databaseCompatibilitySchema.optional() })
  .strict();

export const STRATEGY_NAMES = ['kubernetes', 'helm', 'apt', 'yum', 'files', 'compose', 'git'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export const serviceSchema = z
  .object({
    name: serviceName,
    description: z.string().optional(),
    environment: z.string().min(1).default('production'),
    /** Incident channel: where status messages go (a channel id like C0123 or a #name). */
    channel: z.string().min(1),
    /** Default strategy; `--strategy` picks another that the service configures. */
    strategy: z.enum(STRATEGY_NAMES),
    kubernetes: kubernetesSectionSchema.optional(),
    verify: verifySchema.default({ expectStatus: 200 }),
    approval: approvalSchema.default({ required: 0, expiresAfter: 900, approvers: [] }),
    /** Checks that run before anything changes; a refusal stops the rollback. */
    guards: guardsSchema.optional(),
    /** Absent: anyone may request, in any channel (approvals still follow `approval`). */
    permissions: permissionsSchema.optional(),
    /** Where versions come from besides the deployment history and `kubernetes.tags` (a git repository). */
    versions: versionSourcesSchema.optional(),
    evidence: evidenceSectionSchema.optional(),
    /** The CD system managing the workload (Argo CD, Flux): may the bot hold it while the rollback stands? */
    gitops: gitopsSchema.optional(),
    /**
     * Where the workers that roll this service back run (a cluster, region or host group). Absent: the
     * default site (`default`); read it with {@link siteOfService}.
     */
    site: siteName.optional(),
    ...hostStrategySections,
    ...incidentSections,
  })
  .strict()
  .superRefine((service, ctx) => {
    if (
      !(service.strategy in service) ||
      (service as Record<string, unknown>)[service.strategy] === undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['strategy'],
        message: `strategy "${service.strategy}" needs a "${service.strategy}:" section in the same file`,
      });
    }
  });

export type ServiceConfig = z.output<typeof serviceSchema>;

/** The site whose workers roll the service back: its `site:`, else `default`. */
export function siteOfService(service: Pick<ServiceConfig, 'site'>): string {
  return service.site ?? DEFAULT_SITE;
}
export type KubernetesSection = z.output<typeof kubernetesSectionSchema>;
export type VerifySection = z.output<typeof verifySchema>;
export type PermissionsSection = z.output<typeof permissionsSchema>;
export type DatabaseCompatibilityGuard = z.output<typeof databaseCompatibilitySchema>;
