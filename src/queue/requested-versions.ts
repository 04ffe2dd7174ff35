/** How many rollbacks are remembered; the oldest is forgotten first (forgetting only costs a spare job). */
const REMEMBERED = 1_000;

/**
 * The newest snapshot version of each rollback this process asked to render. A render job draws the newest
 * snapshot when it runs, so a version no newer than one already requested needs no job of its own: the
 * duplicate a process hears of its own snapshots through pub/sub costs no queue round trip.
 */
export class RequestedVersions {
  private readonly newest = new Map<string, number>();

  /** Records `version` of `jobId`; true when it is newer than any requested before (a job is due). */
  note(jobId: string, version: number): boolean {
    const known = this.newest.get(jobId);
    if (known !== undefined && known >= version) return false;
    this.newest.delete(jobId);
    this.newest.set(jobId, version);
    if (this.newest.size > REMEMBERED) {
      const oldest = this.newest.keys().next().value;
      if (oldest !== undefined) this.newest.delete(oldest);
    }
    return true;
  }

  /** Forgets `version` of `jobId` (its request failed), so the next word of it asks again. */
  forget(jobId: string, version: number): void {
    if (this.newest.get(jobId) === version) this.newest.delete(jobId);
  }
}
