/**
 * The kaizen service YAML (as an object) that end-to-end tests and benchmarks write to their catalog: a
 * Deployment `kaizen` in `default` on the fake cluster's current context, image repository `kaizen`.
 */
export function kaizenService(
  rolloutTimeout = '60s',
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name: 'kaizen',
    environment: 'production',
    channel: 'C0INCIDENT',
    strategy: 'kubernetes',
    kubernetes: {
      namespace: 'default',
      deployment: 'kaizen',
      container: 'kaizen',
      image: 'kaizen',
      rolloutTimeout,
    },
    ...extra,
  };
}
