/** "This service was rolled back": set after a successful rollback, cleared by `/rollback release`. */
export interface RolledBackMark {
  service: string;
  by: { id: string; name: string };
  at: string;
  jobId: string;
  /** The version it was rolled back to. */
  to: string;
}

/** Shipit's lock: deploy pipelines read it (GET /api/services/<svc>) and refuse to deploy over it. */
export interface RolledBackMarks {
  set(mark: RolledBackMark): Promise<void>;
  get(service: string): Promise<RolledBackMark | undefined>;
  /** Removes the mark and returns it, or undefined when the service was not marked. */
  release(service: string): Promise<RolledBackMark | undefined>;
}
