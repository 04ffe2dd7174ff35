import { describe, expect, it } from 'vitest';
import { tagOfPinned } from '../../../src/rollback/images/ran-digests.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('tagOfPinned: the version a pinned image stands for', () => {
  it('drops the pinned digest of a tagged image, wherever its registry is', () => {
    expect(tagOfPinned(`kaizen:v0.7.0@${DIGEST}`)).toBe('kaizen:v0.7.0');
    expect(tagOfPinned(`registry.example.com:5000/team/kaizen:v0.7.0@${DIGEST}`)).toBe(
      'registry.example.com:5000/team/kaizen:v0.7.0',
    );
  });

  it('keeps an image without a tag, or without a pinned digest, as it is', () => {
    expect(tagOfPinned(`registry.example.com:5000/kaizen@${DIGEST}`)).toBe(
      `registry.example.com:5000/kaizen@${DIGEST}`,
    );
    expect(tagOfPinned('registry.example.com:5000/kaizen:v0.7.0')).toBe(
      'registry.example.com:5000/kaizen:v0.7.0',
    );
    expect(tagOfPinned('kaizen:v0.7.0@latest')).toBe('kaizen:v0.7.0@latest');
  });
});
