/** Runs the expiry of a pending approval at its time, on whichever process is up then. */
export interface ApprovalExpiry {
  schedule(jobId: string, at: Date): Promise<void>;
}
