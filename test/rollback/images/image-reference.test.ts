import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors/rollback-error.js';
import {
  formatImageReference,
  parseImageReference,
  withReference,
} from '../../../src/rollback/images/image-reference.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseImageReference', () => {
  it.each([
    ['kaizen', { domain: 'docker.io', registryHost: 'registry-1.docker.io', repository: 'library/kaizen' }],
    ['kaizen:v0.7.0', { repository: 'library/kaizen', tag: 'v0.7.0' }],
    ['acme/kaizen:1.2', { domain: 'docker.io', repository: 'acme/kaizen', tag: '1.2' }],
    ['index.docker.io/acme/kaizen', { domain: 'docker.io', registryHost: 'registry-1.docker.io' }],
    ['docker.io/kaizen', { repository: 'library/kaizen' }],
    [
      'ghcr.io/acme/team/kaizen:v1',
      { domain: 'ghcr.io', registryHost: 'ghcr.io', repository: 'acme/team/kaizen', tag: 'v1' },
    ],
    ['registry.example.com:5000/kaizen', { registryHost: 'registry.example.com:5000', repository: 'kaizen' }],
    ['localhost/kaizen:dev', { domain: 'localhost', repository: 'kaizen', tag: 'dev' }],
    ['127.0.0.1:5000/a/b/c:v1', { registryHost: '127.0.0.1:5000', repository: 'a/b/c', tag: 'v1' }],
    [`kaizen@${DIGEST}`, { repository: 'library/kaizen', digest: DIGEST }],
    [`host:5000/kaizen:v1@${DIGEST}`, { registryHost: 'host:5000', tag: 'v1', digest: DIGEST }],
    ['my_org/my-app.api__x', { repository: 'my_org/my-app.api__x' }],
  ])('reads %s', (text, expected) => {
    expect(parseImageReference(text)).toMatchObject(expected);
  });

  it('keeps a port apart from a tag', () => {
    const image = parseImageReference('registry.example.com:5000/kaizen');
    expect(image.tag).toBeUndefined();
    expect(formatImageReference(image)).toBe('registry.example.com:5000/kaizen');
  });

  it.each([
    '',
    'Kaizen',
    'kaizen:',
    'kaizen:-bad',
    'kaizen@sha256:short',
    'a//b',
    'host:port:5000/x',
    'kaizen:v 1',
  ])('refuses %j with a plain InputError', (text) => {
    const error = (() => {
      try {
        parseImageReference(text);
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ code: 'image_reference_invalid' });
  });

  it('replaces tag or digest with a requested version', () => {
    const image = parseImageReference('ghcr.io/acme/kaizen:latest');
    expect(formatImageReference(withReference(image, 'v0.7.0'))).toBe('ghcr.io/acme/kaizen:v0.7.0');
    expect(formatImageReference(withReference(image, DIGEST))).toBe(`ghcr.io/acme/kaizen@${DIGEST}`);
    expect(() => withReference(image, 'not a tag')).toThrow(InputError);
  });
});
