import type { EvidenceFile } from '../bundle/write-bundle.js';

export interface CollectorContext {
  /** Aborted when the collector's time is up or the caller gave up: stop and return or throw. */
  signal: AbortSignal;
  /** When the bundle is being taken (for `--since`). */
  now: Date;
  /** The collector's time limit; commands it runs get no more. */
  timeoutMs: number;
}

export interface CollectorOutput {
  files: EvidenceFile[];
  /** Parts it could not collect while the rest succeeded (recorded in the manifest). */
  warnings?: string[];
}

/**
 * One source of evidence (the journal, `systemctl show`, the pods...). A collector that throws is recorded
 * as failed in the manifest; the others still run. Collectors read through ports only (CommandRunner,
 * KubernetesCluster), so they work locally, over SSH and against a cluster alike.
 */
export interface EvidenceCollector {
  readonly name: string;
  collect(context: CollectorContext): Promise<CollectorOutput>;
}
