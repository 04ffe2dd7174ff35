import { STRATEGY_NAMES, type ServiceConfig, type StrategyName } from '../config/service-schema.js';
import type { Logger } from '../observability/logger.js';
import type {
  CapturedBundle,
  EvidenceCapture,
  EvidenceCaptureRequest,
  EvidenceRecorder,
  EvidenceSnapshotRequest,
} from '../rollback/ports/evidence-recorder.js';
import type { RollbackPlan } from '../rollback/plan.js';
import { readBundle, type EvidenceBundle } from './bundle/read-bundle.js';
import type { WrittenBundle } from './bundle/write-bundle.js';
import { takeEvidenceBundles, type EvidenceDeps, type TakeBundlesRequest } from './collect-evidence.js';
import {
  applyRetention,
  type EvidenceStore,
  type RetentionPolicy,
  type StoredBundle,
} from './evidence-store.js';
import { diagnosisReport, diffReport, failedCollectors } from './evidence-reports.js';
import { describeTarget } from './diff/diff-bundles.js';
import { compareWithBaseline } from './compare-with-baseline.js';
import { resolveEvidenceSettings } from './evidence-settings.js';

export interface RollbackEvidenceRecorderOptions {
  store: EvidenceStore;
  deps: EvidenceDeps;
  retention: RetentionPolicy;
  log: Logger;
}

/**
 * The runbook's evidence, behind the domain's {@link EvidenceRecorder}: takes the bundles (one per host,
 * or one for the Deployment), keeps them in the store (retention applied after), and says what they show:
 * the quick diagnosis of the broken state, or how the state after the rollback compares with the
 * pre-deploy baseline (else with the broken state this rollback captured).
 */
export class RollbackEvidenceRecorder implements EvidenceRecorder {
  constructor(private readonly options: RollbackEvidenceRecorderOptions) {}

  captures(service: ServiceConfig, strategy: string): boolean {
    if (!(STRATEGY_NAMES as readonly string[]).includes(strategy)) return false;
    const settings = resolveEvidenceSettings(service, strategy as StrategyName);
    return settings.enabled && settings.collectors.length > 0;
  }

  async capture(request: EvidenceCaptureRequest): Promise<EvidenceCapture> {
    const { plan, label, signal } = request;
    const { written, stored } = await this.takeAndKeep({
      service: request.service,
      strategy: plan.strategy as StrategyName,
      label,
      jobId: plan.jobId,
      version: label === 'broken' ? plan.from : plan.to,
      signal,
    });
    const opened = await Promise.all(written.map((bundle) => readBundle(bundle.data)));
    const report = label === 'broken' ? diagnosisReport(opened) : await this.compare(plan, opened, stored);
    return { ...capturedOf(written, stored), report };
  }

  async snapshot(request: EvidenceSnapshotRequest): Promise<EvidenceCapture> {
    const { written, stored } = await this.takeAndKeep({
      service: request.service,
      label: request.label,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    return { ...capturedOf(written, stored), report: '' };
  }

  /** Takes the bundles and keeps them (retention applied after). */
  private async takeAndKeep(
    request: TakeBundlesRequest,
  ): Promise<{ written: WrittenBundle[]; stored: StoredBundle[] }> {
    const written = await takeEvidenceBundles(request, this.options.deps);
    const stored: StoredBundle[] = [];
    for (const bundle of written) stored.push(await this.options.store.put(bundle.data, bundle.manifest));
    await this.applyRetention();
    return { written, stored };
  }

  /** Each post-rollback bundle against its target's baseline, else against this job's broken state. */
  private async compare(
    plan: RollbackPlan,
    after: readonly EvidenceBundle[],
    stored: readonly StoredBundle[],
  ): Promise<string> {
    const pairs = after.map((bundle, i) => ({ bundle, stored: stored[i] as StoredBundle }));
    const { diffs, uncompared } = await compareWithBaseline(this.options.store, plan, pairs);
    return diffReport(diffs, uncompared);
  }

  /** Old bundles go after each capture; a failure is logged (the next capture tries again). */
  private async applyRetention(): Promise<void> {
    const { store, retention, log } = this.options;
    await applyRetention(store, retention).catch((error: unknown) =>
      log.warn({ err: error }, 'could not apply the evidence retention'),
    );
  }
}

function capturedOf(
  written: readonly WrittenBundle[],
  stored: readonly StoredBundle[],
): Pick<EvidenceCapture, 'bundles' | 'summary'> {
  return {
    bundles: written.map((bundle, i) => captured(bundle, stored[i] as StoredBundle)),
    summary: summaryOf(stored),
  };
}

function captured(bundle: WrittenBundle, stored: StoredBundle): CapturedBundle {
  return {
    id: stored.id,
    label: stored.label,
    target: describeTarget(bundle.manifest.target),
    bytes: stored.bytes,
    failed: failedCollectors(bundle.manifest),
  };
}

function summaryOf(stored: readonly StoredBundle[]): string {
  if (stored.length === 0) return 'nothing to capture';
  const kib = Math.max(1, Math.round(stored.reduce((n, b) => n + b.bytes, 0) / 1024));
  return `${stored.length} bundle${stored.length === 1 ? '' : 's'}, ${kib} KiB`;
}
