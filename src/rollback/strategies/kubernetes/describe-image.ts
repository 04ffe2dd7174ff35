/** The tag (or short digest) of an image reference: `registry:5000/kaizen:v0.8.0` → `v0.8.0`. */
export function imageTag(image: string | undefined): string {
  if (!image) return 'unknown image';
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(at + 1, at + 1 + 'sha256:'.length + 12);
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  return colon >= 0 ? image.slice(colon + 1) : 'latest';
}

/** "v0.8.0 (revision 5)". */
export function describeVersion(image: string | undefined, revision: number | undefined): string {
  return revision === undefined ? imageTag(image) : `${imageTag(image)} (revision ${revision})`;
}
