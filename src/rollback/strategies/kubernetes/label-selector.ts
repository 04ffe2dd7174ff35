import type { V1LabelSelector } from '@kubernetes/client-node';

/** A LabelSelector as the `labelSelector` query string (`app=kaizen,tier in (web,api),!canary`). */
export function toLabelSelector(selector: V1LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const expression of selector?.matchExpressions ?? []) {
    const values = [...(expression.values ?? [])].sort().join(',');
    switch (expression.operator) {
      case 'In':
        parts.push(`${expression.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${expression.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(expression.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${expression.key}`);
        break;
      default:
        throw new Error(`unknown label selector operator ${expression.operator}`);
    }
  }
  return parts.join(',');
}
