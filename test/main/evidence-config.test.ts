import { describe, expect, it } from 'vitest';
import { loadEvidenceConfig } from '../../src/main/evidence-config.js';

describe('loadEvidenceConfig', () => {
  it('keeps bundles in .data/evidence with 50 per service for 90 days by default', () => {
    expect(loadEvidenceConfig({})).toEqual({
      kind: 'directory',
      directory: '.data/evidence',
      retention: { keepPerService: 50, maxAgeDays: 90 },
    });
  });

  it('uses a bucket when EVIDENCE_S3_BUCKET is set', () => {
    expect(
      loadEvidenceConfig({
        EVIDENCE_S3_BUCKET: 'evidence',
        EVIDENCE_S3_ENDPOINT: 'http://minio:9000',
        EVIDENCE_S3_ACCESS_KEY_ID: 'AKIA0000000000000000',
        EVIDENCE_S3_SECRET_ACCESS_KEY: 'secret',
        EVIDENCE_S3_PREFIX: 'rollback-bot',
        EVIDENCE_KEEP_PER_SERVICE: '10',
        EVIDENCE_MAX_AGE_DAYS: '30',
      }),
    ).toEqual({
      kind: 's3',
      retention: { keepPerService: 10, maxAgeDays: 30 },
      s3: {
        bucket: 'evidence',
        endpoint: 'http://minio:9000',
        region: 'us-east-1',
        accessKeyId: 'AKIA0000000000000000',
        secretAccessKey: 'secret',
        prefix: 'rollback-bot/',
      },
    });
  });

  it('refuses a bucket without credentials and bad numbers, saying which variable', () => {
    expect(() => loadEvidenceConfig({ EVIDENCE_S3_BUCKET: 'evidence' })).toThrow(/EVIDENCE_S3_ACCESS_KEY_ID/);
    expect(() => loadEvidenceConfig({ EVIDENCE_KEEP_PER_SERVICE: 'many' })).toThrow(
      /EVIDENCE_KEEP_PER_SERVICE/,
    );
  });
});
