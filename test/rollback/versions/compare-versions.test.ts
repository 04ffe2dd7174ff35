import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  sortVersionsNewestFirst,
  versionDirection,
  versionPrecedence,
} from '../../../src/rollback/versions/compare-versions.js';

const identifier = fc.oneof(fc.nat(20).map(String), fc.stringMatching(/^[a-z][a-z0-9-]{0,5}$/));
const semverText = fc
  .tuple(
    fc.nat(30),
    fc.nat(30),
    fc.nat(30),
    fc.array(identifier, { maxLength: 3 }),
    fc.option(fc.stringMatching(/^[a-z0-9]{1,4}$/)),
  )
  .map(
    ([major, minor, patch, pre, build]) =>
      `${major}.${minor}.${patch}${pre.length ? `-${pre.join('.')}` : ''}${build ? `+${build}` : ''}`,
  );
const anyVersion = fc.oneof(
  semverText,
  semverText.map((v) => `v${v}`),
  fc.stringMatching(/^[vV]?[0-9]{1,3}(\.[0-9]{1,3}){0,4}$/),
  fc.stringMatching(/^[vV]?[0-9a-z._+-]{0,10}$/),
);

describe('version order', () => {
  it('sorts release tags the way people read them', () => {
    expect(
      sortVersionsNewestFirst([
        'v0.9.0',
        'v0.10.0',
        'v0.10.0-rc.2',
        'v0.10.0-rc.10',
        'v0.10.0-beta',
        'v1.0.0',
        'v0.7.0',
        'v0.9',
        'latest',
      ]),
    ).toEqual([
      'v1.0.0',
      'v0.10.0',
      'v0.10.0-rc.10',
      'v0.10.0-rc.2',
      'v0.10.0-beta',
      'v0.9.0',
      'v0.9',
      'v0.7.0',
      'latest',
    ]);
  });

  it('orders versions that are not semver by their numbers, then naturally', () => {
    expect(sortVersionsNewestFirst(['2024.01.15', '2024.02.01', '2023.12.31'])).toEqual([
      '2024.02.01',
      '2024.01.15',
      '2023.12.31',
    ]);
    expect(sortVersionsNewestFirst(['1.2.3.4', '1.2.3.10', '1.2.4'])).toEqual([
      '1.2.4',
      '1.2.3.10',
      '1.2.3.4',
    ]);
    expect(sortVersionsNewestFirst(['build-9', 'build-10', 'build-1'])).toEqual([
      'build-10',
      'build-9',
      'build-1',
    ]);
  });

  it.each([
    ['v0.8.0', 'v0.7.0', 'backward'],
    ['v0.8.0', 'v0.9.0', 'forward'],
    ['v0.8.0', '0.8', 'same'],
    ['v1.0.0', 'v1.0.0-rc.1', 'backward'],
    ['v1.0.0-rc.1', 'v1.0.0', 'forward'],
    ['v1.0.0+build.1', 'v1.0.0+build.2', 'same'],
    ['v0.8.0', 'latest', 'unknown'],
    ['3f2a9c1', 'a91b2c4', 'unknown'],
    ['2024.01.15', '2024.02.01', 'forward'],
  ] as const)('from %s to %s is %s', (current, target, direction) => {
    expect(versionDirection(current, target)).toBe(direction);
  });

  it('agrees with semver precedence on semantic versions, with or without the v prefix', () => {
    fc.assert(
      fc.property(semverText, semverText, fc.boolean(), (a, b, prefix) => {
        expect(Math.sign(versionPrecedence(prefix ? `v${a}` : a, b))).toBe(semver.compare(a, b));
      }),
    );
  });

  it('is a total order: antisymmetric and transitive on any version-like text', () => {
    fc.assert(
      fc.property(anyVersion, anyVersion, anyVersion, (a, b, c) => {
        expect(Math.sign(compareVersions(a, b)) + Math.sign(compareVersions(b, a))).toBe(0);
        expect(compareVersions(a, a)).toBe(0);
        if (compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0)
          expect(compareVersions(a, c)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 2_000 },
    );
  });

  it('sorts any list into newest-first order and keeps every entry', () => {
    fc.assert(
      fc.property(fc.array(anyVersion, { maxLength: 20 }), (versions) => {
        const sorted = sortVersionsNewestFirst(versions);
        expect([...sorted].sort()).toEqual([...versions].sort());
        for (let i = 1; i < sorted.length; i += 1)
          expect(compareVersions(sorted[i - 1] ?? '', sorted[i] ?? '')).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('gives mirrored directions: forward one way is backward the other', () => {
    fc.assert(
      fc.property(anyVersion, anyVersion, (a, b) => {
        const mirror = {
          forward: 'backward',
          backward: 'forward',
          same: 'same',
          unknown: 'unknown',
        } as const;
        expect(versionDirection(b, a)).toBe(mirror[versionDirection(a, b)]);
      }),
    );
  });
});
