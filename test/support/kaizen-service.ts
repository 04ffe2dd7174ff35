/**
 * The kaizen service YAML (as an object) that end-to-end tests and benchmarks write to their catalog: a
 * Deployment `kaizen` in `default` on the fake cluster's current context, image repository `kaizen`.
 * Its `permissions:` accept requests in the two channels the tests post from (`C0DEPLOYS`, the default of
 * test/support/slack-request.ts, and its incident channel); `extra` may replace them.
 */
export function kaizenService(
  rolloutTimeout = '60s',
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...kaizenServiceIn('C0INCIDENT', { kubernetes: { rolloutTimeout } }),
    environment: 'production',
    permissions: { channels: ['C0DEPLOYS', 'C0INCIDENT'] },
    ...extra,
  };
}

/**
 * The same Deployment as {@link kaizenService}, requested in `channel` alone and with no `permissions:`
 * section (anyone in that channel: the default), as most Slack end-to-end tests write it. `extra` adds
 * top-level fields (approval, permissions, verify); its `kubernetes` fields are merged into the section.
 */
export function kaizenServiceIn(
  channel: string,
  extra: { kubernetes?: Record<string, unknown>; [field: string]: unknown } = {},
): Record<string, unknown> {
  return deploymentServiceIn('kaizen', channel, extra);
}

/**
 * A Kubernetes service named `name` on the fake cluster: its Deployment, container and image repository all
 * called `name` in `default`, requested in `channel`; `extra` as for {@link kaizenServiceIn}.
 */
export function deploymentServiceIn(
  name: string,
  channel: string,
  extra: { kubernetes?: Record<string, unknown>; [field: string]: unknown } = {},
): Record<string, unknown> {
  const { kubernetes, ...fields } = extra;
  return {
    name,
    channel,
    strategy: 'kubernetes',
    kubernetes: {
      namespace: 'default',
      deployment: name,
      container: name,
      image: name,
      ...kubernetes,
    },
    ...fields,
  };
}
