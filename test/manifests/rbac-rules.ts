import type { RbacAttributes } from '../support/fake-kube/rbac-attributes.js';
import { describeRbac } from '../support/fake-kube/rbac-attributes.js';
import type { Manifest } from '../support/kustomize.js';

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

type ResourceRequest = Extract<RbacAttributes, { kind: 'resource' }>;

/** `pods/log` for a subresource, as RBAC rules spell resources. */
function resourceOf(request: ResourceRequest): string {
  return request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
}

function allows(rule: PolicyRule, request: ResourceRequest): boolean {
  const has = (list: string[] | undefined, value: string) => list?.includes(value) || list?.includes('*');
  return (
    Boolean(has(rule.apiGroups, request.group)) &&
    Boolean(has(rule.resources, resourceOf(request))) &&
    Boolean(has(rule.verbs, request.verb)) &&
    (rule.resourceNames === undefined || rule.resourceNames.length === 0)
  );
}

function ruleYaml(group: string, resource: string, verb: string): string {
  return `  - apiGroups: ['${group}']\n    resources: ['${resource}']\n    verbs: ['${verb}']`;
}

/**
 * Compares a Role, rendered in the namespaces where it is bound, with the requests one identity made.
 * Returns one line per problem, each saying what to change:
 * - a request no rule allows: "missing rule" with the rule to add to `roleFile`;
 * - a verb on a resource the Role grants that no request used: "granted but never used";
 * - wildcards, resourceNames, requests outside those namespaces, cluster-scoped or non-resource requests.
 */
export function compareRole(roles: Manifest[], requests: RbacAttributes[], roleFile: string): string[] {
  const problems: string[] = [];
  const rules = roles.flatMap((role) => (role['rules'] as PolicyRule[] | undefined) ?? []);
  const namespaces = new Set(roles.map((role) => role.metadata.namespace ?? ''));
  const seen = new Map<string, RbacAttributes>();
  for (const request of requests) seen.set(describeRbac(request), request);

  for (const [description, request] of seen) {
    if (request.kind === 'nonResource') {
      problems.push(
        `non-resource request "${description}": a Role cannot grant it; avoid it or use a ClusterRole`,
      );
      continue;
    }
    if (request.namespace === undefined) {
      problems.push(`cluster-wide request "${description}": a namespaced Role cannot grant it`);
      continue;
    }
    if (!namespaces.has(request.namespace)) {
      problems.push(`"${description}": the Role is not bound in namespace ${request.namespace}`);
    }
    if (!rules.some((rule) => allows(rule, request))) {
      problems.push(
        `missing rule for "${description}": add to ${roleFile}\n${ruleYaml(request.group, resourceOf(request), request.verb)}`,
      );
    }
  }

  const used = [...seen.values()].filter((r): r is ResourceRequest => r.kind === 'resource');
  for (const rule of rules) {
    for (const field of ['apiGroups', 'resources', 'verbs'] as const) {
      if (rule[field]?.includes('*'))
        problems.push(`wildcard in ${field} of ${roleFile}: name each one instead`);
    }
    if (rule.resourceNames?.length)
      problems.push(`resourceNames in ${roleFile}: this test cannot check them`);
    if (rule.nonResourceURLs?.length) problems.push(`nonResourceURLs in a Role (${roleFile}) grant nothing`);
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        for (const verb of rule.verbs) {
          const grant = { kind: 'resource' as const, verb, group, resource: resource.split('/')[0] ?? '' };
          const sub = resource.split('/')[1];
          const matched = used.some(
            (r) => r.group === group && resourceOf(r) === resource && r.verb === verb,
          );
          if (!matched) {
            const what = describeRbac(sub ? { ...grant, subresource: sub } : grant);
            problems.push(
              `granted but never used: "${what}" in ${roleFile}; remove it, or add a scenario that uses it`,
            );
          }
        }
      }
    }
  }
  return problems;
}
