import { describe, expect, it } from 'vitest';
import { redactText } from '../../src/config/redact-text.js';
import { PLANTED_SECRETS, SECRET_LADEN_TEXT } from '../support/planted-secrets.js';

describe('redactText', () => {
  it('removes every planted secret from env dumps, YAML, systemctl show, logs and keys', () => {
    const redacted = redactText(SECRET_LADEN_TEXT);
    for (const secret of PLANTED_SECRETS) expect(redacted).not.toContain(secret);
    expect(redactText(redacted)).toBe(redacted);
  });

  it('keeps what is not secret, so evidence stays readable', () => {
    const text = [
      'NRestarts=3',
      'MainPID=4242',
      'Environment=LANG=C.UTF-8 DB_PASSWORD=hunter2 PORT=8080',
      'DB_PASSWORD_FILE=/run/secrets/db',
      'automountServiceAccountToken: false',
      'secretName: kaizen-db',
      'url: https://kaizen.example.com/health',
      'Nov 22 01:50:00 web-1 kaizen[4243]: Error: listen EADDRINUSE: address already in use :::8080',
    ].join('\n');
    expect(redactText(text)).toBe(
      [
        'NRestarts=3',
        'MainPID=4242',
        'Environment=LANG=C.UTF-8 DB_PASSWORD=[redacted] PORT=8080',
        'DB_PASSWORD_FILE=/run/secrets/db',
        'automountServiceAccountToken: false',
        'secretName: kaizen-db',
        'url: https://kaizen.example.com/health',
        'Nov 22 01:50:00 web-1 kaizen[4243]: Error: listen EADDRINUSE: address already in use :::8080',
      ].join('\n'),
    );
  });

  it('keeps the shape of what it hides: quotes, JSON commas, URL users, header names', () => {
    expect(redactText('  "password": "hunter2",')).toBe('  "password": "[redacted]",');
    expect(redactText('postgres://app:hunter2@db:5432/app')).toBe('postgres://app:[redacted]@db:5432/app');
    expect(redactText('Authorization: Bearer abc.def.ghi')).toBe('Authorization: [redacted]');
    expect(redactText('curl -H "X-Api-Key: k3y"')).toBe('curl -H "X-Api-Key: [redacted]"');
    expect(redactText('-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----')).toBe(
      '-----BEGIN OPENSSH PRIVATE KEY-----\n[redacted]\n-----END OPENSSH PRIVATE KEY-----',
    );
  });

  it('hides a private key cut short by a size limit, and keeps the log lines after it', () => {
    const cut = [
      'config dump:',
      '-----BEGIN EC PRIVATE KEY-----',
      'MHcCAQEEIPlantedCutKeyBody0123',
      'MHcCAQEEIPlantedCutKeyBody4567',
    ];
    const redacted = redactText([...cut, 'ERROR next line survives'].join('\n'));
    expect(redacted).toBe(
      'config dump:\n-----BEGIN EC PRIVATE KEY----- [redacted]\nERROR next line survives',
    );
    expect(redactText(cut.join('\n'))).not.toContain('PlantedCutKey');
  });
});
