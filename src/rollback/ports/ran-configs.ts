import type { ConfigFingerprint } from '../strategies/kubernetes/config-drift/read-config-fingerprints.js';

/** What the ConfigMaps and Secrets of a version's pod template held while it ran (hashes, never values). */
export interface RanConfig {
  /** The image as the pod template names it: `registry.example.com/kaizen:v0.7.0`. */
  image: string;
  /** The Deployment revision that ran it, when known. */
  revision?: number;
  /** When the bot saw it running (ISO time). */
  seenAt: string;
  fingerprints: ConfigFingerprint[];
}

/**
 * The configuration each image ran with, per service, as the bot saw it (when it plans, after a successful
 * rollback): the plan of a later rollback to that image compares it with what the objects hold then.
 */
export interface RanConfigs {
  /** Records what `ran.image` runs with now (replacing an older record of the same image). */
  record(service: string, ran: RanConfig): Promise<void>;
  /**
   * What `image` last ran with in `service`, or undefined if the bot never recorded it. A pinned image
   * (`kaizen:v0.7.0@sha256:…`) and its tag (`kaizen:v0.7.0`) share one record.
   */
  lastRan(service: string, image: string): Promise<RanConfig | undefined>;
}
