/**
 * The JSON shapes the fake API server stores and serves, exactly as they travel on the wire (timestamps are
 * RFC 3339 strings). Only the fields the fake reads are typed; everything else rides along untouched.
 */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  generateName?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface ContainerWire {
  name: string;
  image: string;
  [key: string]: unknown;
}

export interface PodTemplateWire {
  metadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  spec: { containers: ContainerWire[]; [key: string]: unknown };
}

export interface LabelSelectorWire {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface ConditionWire {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  lastProbeTime?: string | null;
}

export interface DeploymentStatusWire {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: ConditionWire[];
  collisionCount?: number;
}

export interface DeploymentWire extends KubeObject {
  spec: {
    replicas?: number;
    selector: LabelSelectorWire;
    template: PodTemplateWire;
    strategy?: {
      type?: 'RollingUpdate' | 'Recreate';
      rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string };
    };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    progressDeadlineSeconds?: number;
    paused?: boolean;
    [key: string]: unknown;
  };
  status?: DeploymentStatusWire;
}

export interface ReplicaSetWire extends KubeObject {
  spec: {
    replicas?: number;
    minReadySeconds?: number;
    selector: LabelSelectorWire;
    template: PodTemplateWire;
  };
  status?: {
    replicas: number;
    fullyLabeledReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    observedGeneration?: number;
    [key: string]: unknown;
  };
}

export interface ContainerStatusWire {
  name: string;
  image: string;
  imageID: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  state: Record<string, unknown>;
  lastState: Record<string, unknown>;
  containerID?: string;
}

export interface PodWire extends KubeObject {
  spec: { containers: ContainerWire[]; nodeName?: string; [key: string]: unknown };
  status: {
    phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
    conditions?: ConditionWire[];
    containerStatuses?: ContainerStatusWire[];
    startTime?: string;
    hostIP?: string;
    podIP?: string;
    qosClass?: string;
    [key: string]: unknown;
  };
}

export interface ObjectReferenceWire {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  apiVersion: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface EventWire extends KubeObject {
  involvedObject: ObjectReferenceWire;
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  source: { component: string; host?: string };
  reportingComponent: string;
  reportingInstance: string;
  eventTime: null;
}
