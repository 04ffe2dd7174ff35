/** What a diff says about one area, for the summary line and the full text. */
export type DiffArea = 'logs' | 'restarts' | 'processes' | 'hardening' | 'versions' | 'files';

/** One error line that appears in only one of the bundles (after normalisation). */
export interface LogLineChange {
  /** The line with timestamps, pids, ids... masked. */
  normalised: string;
  /** One real line it stands for (redacted). */
  example: string;
  /** How many lines of that bundle it stands for. */
  count: number;
}

export interface LogDiff {
  /** "journal", "pod logs (kaizen)", "warning events". */
  source: string;
  added: LogLineChange[];
  removed: LogLineChange[];
}

/** A value that changed: a counter, a state, an image. */
export interface ValueChange {
  area: DiffArea;
  /** "NRestarts", "restarts of container kaizen", "image of container kaizen". */
  what: string;
  from: string | undefined;
  to: string | undefined;
  /** False: shown in the full diff only (within tolerance, or expected like a new revision number). */
  significant: boolean;
}

export interface LineSetDiff {
  /** "hardening/report.txt", "files/etc/kaizen.conf", "systemd Environment". */
  what: string;
  area: DiffArea;
  added: string[];
  removed: string[];
}

/** A file one bundle has and the other lacks, and why (the collector's error, when it failed). */
export interface MissingEvidence {
  path: string;
  missingIn: 'a' | 'b';
  reason: string | undefined;
}
