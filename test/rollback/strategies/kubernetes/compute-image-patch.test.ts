import { describe, expect, it } from 'vitest';
import { computeImagePatch } from '../../../../src/rollback/strategies/kubernetes/compute-image-patch.js';
import { deployment } from './deployment-fixtures.js';

describe('computeImagePatch (kubectl set image)', () => {
  it('sends the strategic merge patch kubectl sends, byte for byte', () => {
    const d = deployment('registry.example.com/kaizen:v0.8.0');
    const result = computeImagePatch(d, 'kaizen', 'registry.example.com/kaizen:v0.7.0');
    expect(result.kind).toBe('patch');
    if (result.kind !== 'patch') return;
    expect(result.previousImage).toBe('registry.example.com/kaizen:v0.8.0');
    expect(JSON.stringify(result.patch)).toBe(
      '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"kaizen"},{"name":"envoy"}],' +
        '"containers":[{"image":"registry.example.com/kaizen:v0.7.0","name":"kaizen"}]}}}}',
    );
  });

  it('also updates an init container of that name, as kubectl does', () => {
    const d = deployment('registry.example.com/kaizen:v0.8.0');
    d.spec!.template.spec!.initContainers = [{ name: 'kaizen', image: 'registry.example.com/kaizen:v0.8.0' }];
    const result = computeImagePatch(d, 'kaizen', 'registry.example.com/kaizen:v0.7.0');
    if (result.kind !== 'patch') throw new Error(result.kind);
    expect(
      Object.keys((result.patch as { spec: { template: { spec: object } } }).spec.template.spec),
    ).toEqual([
      '$setElementOrder/containers',
      '$setElementOrder/initContainers',
      'containers',
      'initContainers',
    ]);
  });

  it("reports kubectl's error when the container does not exist", () => {
    const d = deployment('registry.example.com/kaizen:v0.8.0');
    expect(computeImagePatch(d, 'kaizen-api', 'registry.example.com/kaizen:v0.7.0')).toEqual({
      kind: 'missing_container',
      message: 'unable to find container named "kaizen-api"',
    });
  });

  it('has nothing to send when the container already runs that image', () => {
    const d = deployment('registry.example.com/kaizen:v0.8.0');
    expect(computeImagePatch(d, 'kaizen', 'registry.example.com/kaizen:v0.8.0')).toEqual({
      kind: 'unchanged',
      previousImage: 'registry.example.com/kaizen:v0.8.0',
    });
  });
});
