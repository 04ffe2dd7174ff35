/**
 * The version an image reference stands for: its tag (`registry:5000/kaizen:v0.8.0` → `v0.8.0`), also when
 * a digest is pinned after it (`kaizen:v0.7.0@sha256:…` → `v0.7.0`, the version people type); the short
 * digest for an image pinned without a tag (`kaizen@sha256:…` → `sha256:<12 hex>`); `latest` for neither.
 */
export function imageTag(image: string | undefined): string {
  if (!image) return 'unknown image';
  const at = image.indexOf('@');
  const named = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = named.lastIndexOf('/');
  const colon = named.indexOf(':', lastSlash + 1);
  if (colon >= 0) return named.slice(colon + 1);
  return at >= 0 ? image.slice(at + 1, at + 1 + 'sha256:'.length + 12) : 'latest';
}

/** "v0.8.0 (revision 5)". */
export function describeVersion(image: string | undefined, revision: number | undefined): string {
  return revision === undefined ? imageTag(image) : `${imageTag(image)} (revision ${revision})`;
}
