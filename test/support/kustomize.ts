import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { parseAllDocuments } from 'yaml';

export const MANIFESTS = fileURLToPath(new URL('../../manifests/', import.meta.url));

/** One object of a rendered overlay, loosely typed: tests read the fields they check. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** `kubectl kustomize manifests/<overlay>` (kustomize is built into kubectl), parsed; YAML errors throw. */
export async function renderOverlay(overlay: string): Promise<Manifest[]> {
  const { stdout } = await execa('kubectl', ['kustomize', `${MANIFESTS}${overlay}`]);
  return parseAllDocuments(stdout).map((document, index) => {
    if (document.errors.length > 0) {
      throw new Error(`${overlay}: document ${index} is not valid YAML: ${document.errors[0]?.message}`);
    }
    return document.toJS() as Manifest;
  });
}

export function ofKind(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}
