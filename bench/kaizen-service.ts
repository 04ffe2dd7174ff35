/** The kaizen service YAML the benchmarks use, pointing at the fake cluster's default context. */
export function kaizenService(): Record<string, unknown> {
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
      rolloutTimeout: '60s',
    },
  };
}
