/** The annotation `kubectl rollout restart` sets on the pod template (its value: when). */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
