import { describe, expect, it } from 'vitest';
import { redactConfig } from '../../src/config/redact-config.js';

describe('redactConfig', () => {
  it('hides values of secret-looking fields in any naming style, at any depth', () => {
    const config = {
      slack: { botToken: 'xoxb-1', signingSecret: 'abc', appToken: 'xapp-1', channel: '#ops' },
      redis: { url: 'redis://redis:6379', password: 'hunter2' },
      pagerduty: { api_key: 'pd', 'routing-key': 'rk', webhookUrl: 'https://example.com/hook' },
      http: { headers: { Authorization: 'token t', 'X-Api-Key': 'k', Accept: 'application/json' } },
      registry: { credentials: { user: 'u', pass: 'p' } },
      hosts: [
        {
          name: 'web-1',
          identityFile: '/etc/rollback/id_ed25519',
          privateKeyPath: '/keys/k',
          secretName: 'db',
        },
      ],
    };
    expect(redactConfig(config)).toEqual({
      slack: { botToken: '[redacted]', signingSecret: '[redacted]', appToken: '[redacted]', channel: '#ops' },
      redis: { url: 'redis://redis:6379', password: '[redacted]' },
      pagerduty: { api_key: '[redacted]', 'routing-key': '[redacted]', webhookUrl: '[redacted]' },
      http: {
        headers: { Authorization: '[redacted]', 'X-Api-Key': '[redacted]', Accept: 'application/json' },
      },
      registry: { credentials: '[redacted]' },
      hosts: [
        {
          name: 'web-1',
          identityFile: '/etc/rollback/id_ed25519',
          privateKeyPath: '/keys/k',
          secretName: 'db',
        },
      ],
    });
  });

  it('hides credentials in values wherever they appear', () => {
    const config = {
      healthUrl: 'https://monitor:s3cret@kaizen-service/health',
      statusUrl: 'https://status.example.com/api?api_key=123&page=2',
      notify: 'https://hooks.slack.com/services/T000/B000/XXXX',
      plainUrl: 'http://kaizen-service/health',
      command: [
        'curl',
        '-H',
        'Bearer abc.def',
        '--password=hunter2',
        '--verbose',
        'https://example.com?page=1',
      ],
      note: 'xoxp-123-456',
    };
    expect(redactConfig(config)).toEqual({
      healthUrl: '[redacted]',
      statusUrl: '[redacted]',
      notify: '[redacted]',
      plainUrl: 'http://kaizen-service/health',
      command: ['curl', '-H', '[redacted]', '[redacted]', '--verbose', 'https://example.com?page=1'],
      note: '[redacted]',
    });
  });

  it('leaves the input unchanged and keeps empty secrets visible as empty', () => {
    const config = { token: 'abc', password: '', nested: { secret: null, count: 3, on: true } };
    const copy = redactConfig(config);
    expect(copy).toEqual({ token: '[redacted]', password: '', nested: { secret: null, count: 3, on: true } });
    expect(config.token).toBe('abc');
    expect(copy).not.toBe(config);
  });

  it('copies shared objects twice but cuts real cycles', () => {
    const shared = { region: 'eu' };
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    expect(redactConfig({ a: shared, b: shared, cyclic })).toEqual({
      a: { region: 'eu' },
      b: { region: 'eu' },
      cyclic: { name: 'a', self: '[circular]' },
    });
  });

  it('passes primitives through', () => {
    expect(redactConfig('hello')).toBe('hello');
    expect(redactConfig(42)).toBe(42);
    expect(redactConfig(null)).toBeNull();
    expect(redactConfig('xoxb-123')).toBe('[redacted]');
  });
});

describe('URLs that do not parse', () => {
  it('still hides credentials written before the host', () => {
    expect(redactConfig({ redisUrl: 'redis://:S3c/ret@h:6379' })).toEqual({ redisUrl: '[redacted]' });
  });
});
