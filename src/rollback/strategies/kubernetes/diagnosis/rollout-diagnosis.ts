/** A stalled or failed rollout explained for people: posted as one message by a renderer. */
export interface DiagnosisSection {
  title: string;
  lines: string[];
  /** Log lines, shown as they are (a code block). */
  preformatted?: boolean;
}

export interface RolloutDiagnosis {
  /** "Rollout of deployment/kaizen to kaizen:v0.9.0 failed: 0 of 3 new pods ready (3 CrashLoopBackOff)". */
  headline: string;
  sections: DiagnosisSection[];
  /** The runbook's advice ("Rollback Stuck", "Pods Failing After Rollback") with names filled in. */
  hint: string;
  /** Names of the failing pods, for buttons and links. */
  failingPods: string[];
}
