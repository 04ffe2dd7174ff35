/** `rollback-bot bundle diff --help`: kept apart so the CLI loads the evidence code only when it runs. */
export const BUNDLE_DIFF_HELP = `
Compares two evidence bundles, the earlier (baseline) first: new and gone error lines, restart counts,
memory and open files per process, the hardening report, images and versions.

Exit codes:
  0  the bundles match
  1  they differ
  2  a bundle could not be read

Examples:
  rollback-bot bundle diff pre-deploy.tar.gz post-rollback.tar.gz
  rollback-bot bundle diff pre-deploy.tar.gz broken.tar.gz --full`;

export interface BundleDiffOptions {
  full?: boolean;
  json?: boolean;
}
