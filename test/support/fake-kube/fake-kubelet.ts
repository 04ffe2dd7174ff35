/**
 * A single fake node: pods start after `readyDelayMs` and become Ready, unless one of their images is
 * marked broken, in which case they crash-loop (CrashLoopBackOff, growing restartCount, Warning BackOff
 * events), or unpullable, in which case they stay Pending in ErrImagePull / ImagePullBackOff. Also the
 * source of container logs (current and previous instance).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EventRecorder } from './event-recorder.js';
import { pullFailureEvents, pullFailureStatuses } from './image-pull-failure.js';
import { kubeTime } from './kube-time.js';
import type { ObjectStore } from './object-store.js';
import type { ConditionWire, ContainerStatusWire, PodWire } from './wire-types.js';

const NODE = 'fake-node';
const KUBELET = { component: 'kubelet', host: NODE };

interface PodClock {
  seenAt: number;
  restarts: number;
  nextCrashAt?: number;
  /** Failed pulls so far, once a pod's image could not be pulled. */
  pullFailures?: number;
  nextPullAt?: number;
}

export class FakeKubelet {
  private readonly brokenImages = new Set<string>();
  private readonly unpullableImages = new Set<string>();
  /** Images whose pull is still under way: their pods stay Pending (ContainerCreating) until it ends. */
  private readonly pullingImages = new Set<string>();
  private readonly logs = new Map<string, string[]>();
  private readonly previousLogs = new Map<string, string[]>();
  private readonly clocks = new Map<string, PodClock>();
  private nextIp = 10;
  /** What a tag resolves to when a container starts (the fake registry's digest); default a hash of the name. */
  private resolveDigest: (image: string) => string | undefined = () => undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly events: EventRecorder,
    private readonly readyDelayMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Pulls resolve tags through `resolve` (e.g. the fake registry), as a real node asks its registry. */
  setDigestResolver(resolve: (image: string) => string | undefined): void {
    this.resolveDigest = resolve;
  }

  markImageBroken(image: string): void {
    this.brokenImages.add(image);
  }

  /** Pods with this image stay Pending in ContainerCreating until the returned function ends the pull. */
  holdImagePull(image: string): () => void {
    this.pullingImages.add(image);
    return () => void this.pullingImages.delete(image);
  }

  markImageUnpullable(image: string): void {
    this.unpullableImages.add(image);
  }

  /** Pods with this image never become ready (they crash-loop or cannot pull it). */
  isBroken(image: string): boolean {
    return this.brokenImages.has(image) || this.unpullableImages.has(image);
  }

  setLogs(image: string, lines: string[], previous?: string[]): void {
    this.logs.set(image, [...lines]);
    if (previous) this.previousLogs.set(image, [...previous]);
  }

  /** What a container of `image` wrote; `previous`: its instance before the last restart. */
  logsOf(image: string, previous = false): string[] {
    if (previous) return this.previousLogs.get(image) ?? this.logs.get(image) ?? [];
    return this.logs.get(image) ?? [];
  }

  syncAll(): void {
    const now = this.now();
    const live = new Set<string>();
    for (const pod of this.store.list<PodWire>('pods')) {
      const uid = pod.metadata.uid ?? '';
      live.add(uid);
      let clock = this.clocks.get(uid);
      if (!clock) {
        clock = { seenAt: now, restarts: 0 };
        this.clocks.set(uid, clock);
        this.schedule(pod);
        continue;
      }
      if (clock.pullFailures !== undefined) {
        if (now >= (clock.nextPullAt ?? 0)) this.failPull(pod, clock, now);
      } else if (
        pod.status.phase === 'Pending' &&
        now >= clock.seenAt + this.readyDelayMs &&
        !pod.spec.containers.some((c) => this.pullingImages.has(c.image))
      )
        this.start(pod, clock, now);
      else if (clock.nextCrashAt !== undefined && now >= clock.nextCrashAt) this.crash(pod, clock, now);
    }
    for (const uid of this.clocks.keys()) if (!live.has(uid)) this.clocks.delete(uid);
  }

  private schedule(pod: PodWire): void {
    const now = kubeTime();
    pod.status = {
      ...pod.status,
      phase: 'Pending',
      conditions: [
        condition('PodReadyToStartContainers', 'False', now),
        condition('Initialized', 'True', now),
        {
          ...condition('Ready', 'False', now),
          reason: 'ContainersNotReady',
          message: `containers with unready status: [${names(pod)}]`,
        },
        {
          ...condition('ContainersReady', 'False', now),
          reason: 'ContainersNotReady',
          message: `containers with unready status: [${names(pod)}]`,
        },
        condition('PodScheduled', 'True', now),
      ],
      hostIP: '10.0.0.10',
      startTime: now,
      containerStatuses: pod.spec.containers.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: '',
        ready: false,
        started: false,
        restartCount: 0,
        state: { waiting: { reason: 'ContainerCreating' } },
        lastState: {},
      })),
    };
    const stored = this.store.update('pods', pod, { statusOnly: true });
    const ns = pod.metadata.namespace ?? 'default';
    this.events.record(
      stored,
      { component: 'default-scheduler' },
      'Normal',
      'Scheduled',
      `Successfully assigned ${ns}/${pod.metadata.name} to ${NODE}`,
    );
  }

  private start(pod: PodWire, clock: PodClock, nowMs: number): void {
    if (pod.spec.containers.some((c) => this.unpullableImages.has(c.image))) {
      clock.pullFailures = 0;
      this.failPull(pod, clock, nowMs);
      return;
    }
    const now = kubeTime(new Date(nowMs));
    const broken = pod.spec.containers.filter((c) => this.brokenImages.has(c.image)).map((c) => c.name);
    const ip = `10.244.0.${this.nextIp++ % 250}`;
    pod.status.phase = 'Running';
    pod.status.podIP = ip;
    pod.status['podIPs'] = [{ ip }];
    pod.status.containerStatuses = pod.spec.containers.map((c) =>
      this.runningStatus(c.name, c.image, now, broken.includes(c.name), 0),
    );
    this.setReadiness(pod, broken, now);
    const stored = this.store.update('pods', pod, { statusOnly: true });
    for (const c of pod.spec.containers) {
      const fieldPath = `spec.containers{${c.name}}`;
      this.events.record(
        stored,
        KUBELET,
        'Normal',
        'Pulled',
        `Container image "${c.image}" already present on machine`,
        fieldPath,
      );
      this.events.record(stored, KUBELET, 'Normal', 'Created', `Created container: ${c.name}`, fieldPath);
      this.events.record(stored, KUBELET, 'Normal', 'Started', `Started container ${c.name}`, fieldPath);
    }
    if (broken.length > 0) this.crash(stored, clock, nowMs);
  }

  /** One crash of every broken container: restartCount grows, the back-off doubles (from readyDelayMs). */
  private crash(pod: PodWire, clock: PodClock, nowMs: number): void {
    const now = kubeTime(new Date(nowMs));
    clock.restarts += 1;
    clock.nextCrashAt = nowMs + this.readyDelayMs * 2 ** Math.min(clock.restarts, 8);
    const backOffSeconds = Math.min(10 * 2 ** (clock.restarts - 1), 300);
    const ns = pod.metadata.namespace ?? 'default';
    const podRef = `${pod.metadata.name}_${ns}(${pod.metadata.uid ?? ''})`;
    const broken = pod.spec.containers.filter((c) => this.brokenImages.has(c.image)).map((c) => c.name);
    pod.status.containerStatuses = (pod.status.containerStatuses ?? []).map((s) =>
      broken.includes(s.name)
        ? {
            ...s,
            ready: false,
            started: false,
            restartCount: clock.restarts,
            state: {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: `back-off ${backOffSeconds}s restarting failed container=${s.name} pod=${podRef}`,
              },
            },
            lastState: {
              terminated: {
                exitCode: 1,
                reason: 'Error',
                startedAt: now,
                finishedAt: now,
                containerID: s.containerID,
              },
            },
          }
        : s,
    );
    this.setReadiness(pod, broken, now);
    const stored = this.store.update('pods', pod, { statusOnly: true });
    for (const name of broken) {
      this.events.record(
        stored,
        KUBELET,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${name} in pod ${podRef}`,
        `spec.containers{${name}}`,
      );
    }
  }

  /** One failed pull: ErrImagePull, then ImagePullBackOff, alternating with a doubling back-off. */
  private failPull(pod: PodWire, clock: PodClock, nowMs: number): void {
    const failures = (clock.pullFailures ?? 0) + 1;
    clock.pullFailures = failures;
    clock.nextPullAt = nowMs + this.readyDelayMs * 2 ** Math.min(failures, 8);
    const backOff = failures % 2 === 0;
    pod.status.containerStatuses = pullFailureStatuses(pod, this.unpullableImages, backOff);
    this.setReadiness(
      pod,
      pod.spec.containers.map((c) => c.name),
      kubeTime(new Date(nowMs)),
    );
    pod.status.phase = 'Pending';
    const stored = this.store.update('pods', pod, { statusOnly: true });
    for (const c of pod.spec.containers.filter((c) => this.unpullableImages.has(c.image))) {
      for (const event of pullFailureEvents(c.image, backOff))
        this.events.record(
          stored,
          KUBELET,
          event.type,
          event.reason,
          event.message,
          `spec.containers{${c.name}}`,
        );
    }
  }

  private runningStatus(
    name: string,
    image: string,
    now: string,
    broken: boolean,
    restarts: number,
  ): ContainerStatusWire {
    return {
      name,
      image,
      imageID: this.imageId(image),
      containerID: `containerd://${randomBytes(32).toString('hex')}`,
      ready: !broken,
      started: !broken,
      restartCount: restarts,
      state: { running: { startedAt: now } },
      lastState: {},
    };
  }

  /** `repository@sha256:…`: the pinned digest, the resolver's answer, or a hash of the name. */
  private imageId(image: string): string {
    const at = image.indexOf('@');
    const name = at >= 0 ? image.slice(0, at) : image;
    const colon = name.indexOf(':', name.lastIndexOf('/') + 1);
    const repository = colon >= 0 ? name.slice(0, colon) : name;
    const digest =
      at >= 0
        ? image.slice(at + 1)
        : (this.resolveDigest(image) ?? `sha256:${createHash('sha256').update(image).digest('hex')}`);
    return `${repository.includes('/') ? '' : 'docker.io/library/'}${repository}@${digest}`;
  }

  private setReadiness(pod: PodWire, broken: string[], now: string): void {
    const ready = broken.length === 0;
    const previous = new Map((pod.status.conditions ?? []).map((c) => [c.type, c]));
    const next = (
      type: string,
      status: 'True' | 'False',
      extra: Partial<ConditionWire> = {},
    ): ConditionWire => {
      const before = previous.get(type);
      const since = before && before.status === status ? before.lastTransitionTime : now;
      return { type, status, lastProbeTime: null, lastTransitionTime: since ?? now, ...extra };
    };
    const notReady = {
      reason: 'ContainersNotReady',
      message: `containers with unready status: [${broken.join(' ')}]`,
    };
    pod.status.conditions = [
      next('PodReadyToStartContainers', 'True'),
      next('Initialized', 'True'),
      ready ? next('Ready', 'True') : next('Ready', 'False', notReady),
      ready ? next('ContainersReady', 'True') : next('ContainersReady', 'False', notReady),
      next('PodScheduled', 'True'),
    ];
  }
}

function condition(type: string, status: 'True' | 'False', now: string): ConditionWire {
  return { type, status, lastProbeTime: null, lastTransitionTime: now };
}

function names(pod: PodWire): string {
  return pod.spec.containers.map((c) => c.name).join(' ');
}
