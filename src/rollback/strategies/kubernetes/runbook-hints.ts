/**
 * The runbook's troubleshooting advice (kaizen-kubernetes-rollback-runbook.md, "Troubleshooting"), with
 * the service's Deployment, namespace and context filled in.
 */
function flags(namespace: string, context: string | undefined): string {
  return `-n ${namespace}${context ? ` --context ${context}` : ''}`;
}

/** "Rollback Stuck" and "Pods Failing After Rollback". */
export function rolloutFailureHint(deployment: string, namespace: string, context?: string): string {
  const f = flags(namespace, context);
  return (
    `Rollback stuck: check kubectl rollout status deployment/${deployment} ${f} and the events with ` +
    `kubectl describe deployment ${deployment} ${f}; force a restart if needed with kubectl rollout restart deployment/${deployment} ${f}. ` +
    `If pods fail: check kubectl logs <pod> ${f} and kubectl describe pod <pod> ${f}, verify ConfigMaps/Secrets are ` +
    'compatible with the rolled-back version and consider database migration compatibility.'
  );
}

/** "Pods Failing After Rollback" (and the database advice). */
export function verificationFailureHint(namespace: string, context?: string): string {
  const f = flags(namespace, context);
  return (
    `Check pod logs (kubectl logs <pod> ${f}) and events (kubectl describe pod <pod> ${f}); verify ConfigMaps/Secrets ` +
    'are compatible with the rolled-back version and consider database migration compatibility. If the database ' +
    'schema is incompatible, do NOT proceed: apply a forward-only migration strategy.'
  );
}
