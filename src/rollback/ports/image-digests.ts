/** An image as it ran in a service: the digest its pods reported (`imageID`), and when and where. */
export interface RanDigest {
  /** The image as the pod template names it: `registry.example.com/kaizen:v0.7.0`. */
  image: string;
  /** `sha256:<hex>`: the digest the container runtime pulled for it. */
  digest: string;
  /** The Deployment revision whose pods ran it, when known. */
  revision?: number;
  /** When the bot saw it running (ISO time). */
  seenAt: string;
}

/**
 * The digests each image ran with, per service, as the bot saw them in pods' `status.containerStatuses[].imageID`
 * (when it plans, after a successful rollback, while it watches one). A tag can move later (mutable tags):
 * this is how the bot knows what the tag meant when it ran.
 */
export interface ImageDigests {
  /** Records what runs now; an image seen again keeps its newest digest. */
  record(service: string, seen: RanDigest[]): Promise<void>;
  /** The digest `image` last ran with in `service`, or undefined if the bot never saw it run. */
  ranWith(service: string, image: string): Promise<RanDigest | undefined>;
}
