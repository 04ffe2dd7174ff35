/** Repositories of the fake registry: tags pointing at manifests stored by digest, like a real registry. */
import { createHash } from 'node:crypto';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export interface StoredManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

interface Repository {
  tags: Map<string, string>;
  manifests: Map<string, StoredManifest>;
  /** Who may pull: everyone (anonymous too), or only these users. */
  access: { public: true } | { public: false; users: Set<string> };
}

function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export class RegistryStore {
  private readonly repositories = new Map<string, Repository>();
  private pushes = 0;

  /** Pushes a new single-platform OCI image manifest under `tag`; returns its digest. */
  push(repository: string, tag: string, mediaType: string = OCI_MANIFEST): string {
    const repo = this.repository(repository);
    this.pushes += 1;
    const config = Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', created: `${repository}:${tag}#${this.pushes}` }),
    );
    const layer = Buffer.from(`${repository}:${tag} layer #${this.pushes}`);
    const descriptor = (type: string, bytes: Buffer): Record<string, unknown> => ({
      mediaType: type,
      digest: sha256(bytes),
      size: bytes.length,
    });
    const manifest =
      mediaType === OCI_INDEX
        ? {
            schemaVersion: 2,
            mediaType,
            manifests: [
              { ...descriptor(OCI_MANIFEST, config), platform: { architecture: 'amd64', os: 'linux' } },
            ],
          }
        : {
            schemaVersion: 2,
            mediaType,
            config: descriptor('application/vnd.oci.image.config.v1+json', config),
            layers: [descriptor('application/vnd.oci.image.layer.v1.tar+gzip', layer)],
          };
    const bytes = Buffer.from(JSON.stringify(manifest, null, 3));
    const digest = sha256(bytes);
    repo.manifests.set(digest, { digest, mediaType, bytes });
    repo.tags.set(tag, digest);
    return digest;
  }

  /** Points `tag` at a manifest already in the repository (a mutable tag moved). */
  retag(repository: string, tag: string, digest: string): void {
    const repo = this.repositories.get(repository);
    if (!repo?.manifests.has(digest))
      throw new Error(`fake-registry: ${repository} has no manifest ${digest}`);
    repo.tags.set(tag, digest);
  }

  deleteTag(repository: string, tag: string): void {
    this.repositories.get(repository)?.tags.delete(tag);
  }

  setAccess(repository: string, access: { public: true } | { public: false; users: string[] }): void {
    this.repository(repository).access = access.public
      ? access
      : { public: false, users: new Set(access.users) };
  }

  /** Whether `user` (undefined: anonymous) may pull `repository`. Unknown repositories are public. */
  mayPull(repository: string, user: string | undefined): boolean {
    const access = this.repositories.get(repository)?.access ?? { public: true };
    return access.public || (user !== undefined && access.users.has(user));
  }

  has(repository: string): boolean {
    return this.repositories.has(repository);
  }

  /** The manifest a tag or digest names, or undefined. */
  resolve(repository: string, reference: string): StoredManifest | undefined {
    const repo = this.repositories.get(repository);
    if (!repo) return undefined;
    const digest = reference.includes(':') ? reference : repo.tags.get(reference);
    return digest === undefined ? undefined : repo.manifests.get(digest);
  }

  digestOf(repository: string, tag: string): string | undefined {
    return this.repositories.get(repository)?.tags.get(tag);
  }

  private repository(name: string): Repository {
    let repo = this.repositories.get(name);
    if (!repo) {
      repo = { tags: new Map(), manifests: new Map(), access: { public: true } };
      this.repositories.set(name, repo);
    }
    return repo;
  }
}
