import type { ServiceConfig } from '../../config/service-schema.js';
import type { RollbackPlan } from '../plan.js';
import type { EvidenceRef } from '../progress-snapshot.js';

/** The bundles the runbook takes itself: the broken state before anything changes, and after verification. */
export type RollbackEvidenceLabel = 'broken' | 'post-rollback';

export interface EvidenceCaptureRequest {
  plan: RollbackPlan;
  service: ServiceConfig;
  label: RollbackEvidenceLabel;
  /** Aborted on cancel: collectors stop, nothing is stored. */
  signal: AbortSignal;
}

/** An on-demand snapshot (`/rollback snapshot`, the CLI, a deploy pipeline through the API). */
export interface EvidenceSnapshotRequest {
  service: ServiceConfig;
  /** "pre-deploy" (the baseline), or any lowercase label. */
  label: string;
  signal?: AbortSignal;
}

/** One bundle kept by a capture. */
export type CapturedBundle = EvidenceRef;

/** What a capture kept and what it tells the thread. */
export interface EvidenceCapture {
  bundles: CapturedBundle[];
  /** One line next to the step ("1 bundle, 4 collectors, 12 KiB"). */
  summary: string;
  /**
   * One thread message: the quick diagnosis (last error and fail lines) of a broken-state bundle, or the
   * diff of the post-rollback bundle against the baseline (or the broken state). Redacted.
   */
  report: string;
}

/**
 * Takes evidence bundles for the runbook (implemented in `src/evidence/`): collects, redacts, stores and,
 * for a post-rollback capture, compares. Collector failures are recorded in the bundle, never thrown; a
 * store that cannot be reached throws, and the step says so without stopping the rollback.
 */
export interface EvidenceRecorder {
  /** Whether bundles are taken for this service rolled back with this strategy (evidence enabled, collectors apply). */
  captures(service: ServiceConfig, strategy: string): boolean;
  capture(request: EvidenceCaptureRequest): Promise<EvidenceCapture>;
  /** Takes and keeps bundles of the service now, outside any rollback (report: empty). */
  snapshot(request: EvidenceSnapshotRequest): Promise<EvidenceCapture>;
}
