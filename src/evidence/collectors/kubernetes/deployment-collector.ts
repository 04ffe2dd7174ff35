import type { EvidenceCollector } from '../evidence-collector.js';
import type { DeploymentView } from './kubernetes-source.js';
import { kubernetesYaml } from './kubernetes-yaml.js';

export const DEPLOYMENT_PATH = 'kubernetes/deployment.yaml';
export const REPLICA_SETS_PATH = 'kubernetes/replicasets.yaml';

/** `kubernetes/deployment.yaml` and `kubernetes/replicasets.yaml` (the ReplicaSets it controls, by revision). */
export function deploymentCollector(
  load: (signal: AbortSignal) => Promise<DeploymentView>,
): EvidenceCollector {
  return {
    name: 'deployment',
    async collect(context) {
      const view = await load(context.signal);
      return {
        files: [
          { path: DEPLOYMENT_PATH, content: kubernetesYaml([view.deployment], 'apps/v1', 'Deployment') },
          { path: REPLICA_SETS_PATH, content: kubernetesYaml(view.replicaSets, 'apps/v1', 'ReplicaSet') },
        ],
      };
    },
  };
}
