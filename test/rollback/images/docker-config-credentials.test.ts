import { describe, expect, it } from 'vitest';
import {
  credentialFromDockerConfig,
  normalizeRegistryKey,
} from '../../../src/rollback/images/docker-config-credentials.js';

const auth = (user: string, password: string): string =>
  Buffer.from(`${user}:${password}`).toString('base64');

describe('credentials in docker config files', () => {
  const config = JSON.stringify({
    auths: {
      'https://index.docker.io/v1/': { auth: auth('hub-user', 'hub-pass') },
      'registry.example.com:5000': { username: 'ci', password: 'p:a:s:s' },
      '*.corp.example': { auth: auth('corp', 'corp-pass') },
      'https://ghcr.io/': { auth: auth('gh', 'gh-pass') },
    },
  });

  it.each([
    ['registry-1.docker.io', 'hub-user'],
    ['registry.example.com:5000', 'ci'],
    ['eu.corp.example', 'corp'],
    ['ghcr.io', 'gh'],
  ])('finds the entry for %s', (host, username) => {
    expect(credentialFromDockerConfig(config, host, 'test')?.username).toBe(username);
  });

  it.each(['registry.example.com', 'a.b.corp.example', 'corp.example', 'quay.io'])(
    'has nothing for %s',
    (host) => {
      expect(credentialFromDockerConfig(config, host, 'test')).toBeUndefined();
    },
  );

  it('keeps colons in passwords and reads the legacy .dockercfg layout', () => {
    const credential = credentialFromDockerConfig(config, 'registry.example.com:5000', 'test');
    expect(credential?.basicAuthorization()).toBe(`Basic ${auth('ci', 'p:a:s:s')}`);
    const legacy = JSON.stringify({ 'quay.io': { auth: auth('q', 'q-pass'), email: 'q@example.com' } });
    expect(credentialFromDockerConfig(legacy, 'quay.io', 'test')?.username).toBe('q');
  });

  it('ignores text that is not a docker config', () => {
    expect(credentialFromDockerConfig('not json', 'quay.io', 'test')).toBeUndefined();
    expect(credentialFromDockerConfig('[1,2]', 'quay.io', 'test')).toBeUndefined();
  });

  it('normalizes keys', () => {
    expect(normalizeRegistryKey('https://Registry.Example.com:5000/v2/')).toBe('registry.example.com:5000');
    expect(normalizeRegistryKey('docker.io')).toBe('registry-1.docker.io');
  });
});
