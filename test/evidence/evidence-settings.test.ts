import { describe, expect, it } from 'vitest';
import { serviceSchema } from '../../src/config/service-schema.js';
import { resolveEvidenceSettings } from '../../src/evidence/evidence-settings.js';

const base = { name: 'kaizen', channel: 'C0123' };

describe('the evidence: section', () => {
  it('defaults to every Kubernetes collector for kubernetes and helm services', () => {
    const k8s = serviceSchema.parse({
      ...base,
      strategy: 'kubernetes',
      kubernetes: {
        context: 'prod',
        namespace: 'shop',
        deployment: 'kaizen',
        container: 'kaizen',
        image: 'kaizen',
      },
      helm: { release: 'kaizen-release', namespace: 'charts' },
    });
    expect(resolveEvidenceSettings(k8s)).toEqual({
      enabled: true,
      target: { kind: 'kubernetes', context: 'prod', namespace: 'shop', deployment: 'kaizen' },
      collectors: ['deployment', 'pods', 'events', 'pod-logs'],
      logLines: 1000,
      sinceSeconds: 3600,
      files: [],
      versionFile: undefined,
      timeoutMs: 30_000,
      limits: { fileBytes: 1024 * 1024, bundleBytes: 8 * 1024 * 1024 },
    });
    expect(resolveEvidenceSettings(k8s, 'helm').target).toEqual({
      kind: 'kubernetes',
      context: 'prod',
      namespace: 'charts',
      deployment: 'kaizen-release',
    });
  });

  it('gives host services their unit collectors, files when asked, and the documented example parses', () => {
    const service = serviceSchema.parse({
      ...base,
      strategy: 'apt',
      apt: { package: 'kaizen', unit: 'kaizen.service', sudo: true },
      hosts: [{ name: 'deploy@web-1' }, { name: 'deploy@web-2', port: 2222 }],
      evidence: {
        logLines: 2000,
        since: '2h',
        files: ['/etc/kaizen/kaizen.conf'],
        versionFile: '/srv/kaizen/VERSION',
        limits: { fileSize: '2MiB', bundleSize: '16MiB' },
      },
    });
    expect(resolveEvidenceSettings(service)).toMatchObject({
      target: {
        kind: 'host',
        hosts: [{ name: 'deploy@web-1' }, { name: 'deploy@web-2', port: 2222 }],
        unit: 'kaizen.service',
        sudo: true,
      },
      collectors: ['journald', 'systemd', 'process', 'hardening', 'files'],
      logLines: 2000,
      sinceSeconds: 7200,
      limits: { fileBytes: 2 * 1024 * 1024, bundleBytes: 16 * 1024 * 1024 },
    });
    const noUnit = serviceSchema.parse({ ...base, strategy: 'git', git: { path: '/srv/app' } });
    expect(resolveEvidenceSettings(noUnit).collectors).toEqual([]);
    const onlySome = serviceSchema.parse({
      ...base,
      strategy: 'git',
      git: { path: '/srv/app', unit: 'app.service' },
      evidence: { collectors: ['journald', 'pods'], unit: 'other.service', sudo: false },
    });
    expect(resolveEvidenceSettings(onlySome)).toMatchObject({
      collectors: ['journald'],
      target: { unit: 'other.service', sudo: false },
    });
  });

  it('refuses what it cannot use, naming the field', () => {
    const parse = (evidence: unknown) =>
      serviceSchema
        .safeParse({ ...base, strategy: 'git', git: { path: '/srv/app' }, evidence })
        .error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(parse({ collectors: ['journal'] })?.[0]).toMatch(/^evidence\.collectors\.0: /);
    expect(parse({ files: ['etc/kaizen.conf'] })).toEqual([
      'evidence.files.0: must be an absolute path (starting with "/", no line breaks)',
    ]);
    expect(parse({ limits: { fileSize: '2GB' } })).toEqual([
      'evidence.limits.fileSize: must be like 512KiB, 1MiB or a number of bytes',
    ]);
    expect(parse({ limits: { fileSize: '4MiB', bundleSize: '1MiB' } })).toEqual([
      'evidence.limits.fileSize: fileSize must not exceed bundleSize',
    ]);
    expect(parse({ colectors: ['journald'] })?.[0]).toMatch(/^evidence: /);
  });
});
