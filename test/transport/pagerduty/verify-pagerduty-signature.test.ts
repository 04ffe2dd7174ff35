import { describe, expect, it } from 'vitest';
import {
  parseWebhookSecrets,
  verifyPagerDutySignature,
} from '../../../src/transport/pagerduty/verify-pagerduty-signature.js';
import { pagerDutyFixture, pagerDutySignature } from '../../support/fake-pagerduty/index.js';

const CURRENT = 'current-secret-ZmYxNTk3';
const NEXT = 'next-secret-OGQ0YjQ1';
const body = pagerDutyFixture('incident-triggered.json');

describe('verifyPagerDutySignature', () => {
  it('accepts a body signed with the configured secret', () => {
    expect(verifyPagerDutySignature(body, pagerDutySignature(body, [CURRENT]), [CURRENT])).toEqual({
      ok: true,
    });
  });

  it('accepts during a rotation: two signatures, one valid, in either order', () => {
    const wrongFirst = `${pagerDutySignature(body, ['retired-secret'])},${pagerDutySignature(body, [CURRENT])}`;
    expect(verifyPagerDutySignature(body, wrongFirst, [CURRENT])).toEqual({ ok: true });
    expect(verifyPagerDutySignature(body, pagerDutySignature(body, [CURRENT, 'other']), [CURRENT])).toEqual({
      ok: true,
    });
  });

  it('accepts a signature made with any of several configured secrets', () => {
    expect(verifyPagerDutySignature(body, pagerDutySignature(body, [NEXT]), [CURRENT, NEXT])).toEqual({
      ok: true,
    });
  });

  it('ignores signatures of other versions and spaces after commas', () => {
    const header = `v2=${'ab'.repeat(40)}, ${pagerDutySignature(body, [CURRENT])}`;
    expect(verifyPagerDutySignature(body, header, [CURRENT])).toEqual({ ok: true });
  });

  it.each<[string, string | undefined, string]>([
    ['no header', undefined, 'missing signature'],
    ['an empty header', '  ', 'missing signature'],
    ['a wrong signature', pagerDutySignature(body, ['wrong-secret']), 'signature mismatch'],
    ['a truncated signature', pagerDutySignature(body, [CURRENT]).slice(0, 40), 'malformed v1 signature'],
    ['no v1 signature', `v2=${'ab'.repeat(32)}`, 'no v1 signature'],
    ['garbage', 'sha256=abc', 'malformed signature header'],
  ])('rejects %s', (_label, header, reason) => {
    expect(verifyPagerDutySignature(body, header, [CURRENT])).toEqual({ ok: false, reason });
  });

  it('covers the raw bytes: the same JSON re-serialized does not verify', () => {
    const header = pagerDutySignature(body, [CURRENT]);
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8'))));
    expect(verifyPagerDutySignature(reformatted, header, [CURRENT])).toMatchObject({ ok: false });
  });

  it('signs UTF-8 bytes: a body with non-ASCII text verifies as sent', () => {
    const unicode = Buffer.from('{"event":{"id":"1","data":{"title":"Störung – 障害"}}}', 'utf8');
    expect(verifyPagerDutySignature(unicode, pagerDutySignature(unicode, [CURRENT]), [CURRENT])).toEqual({
      ok: true,
    });
  });

  it('fails closed without configured secrets', () => {
    expect(verifyPagerDutySignature(body, pagerDutySignature(body, ['']), [])).toEqual({
      ok: false,
      reason: 'no webhook secret configured',
    });
  });
});

describe('parseWebhookSecrets', () => {
  it('splits PAGERDUTY_WEBHOOK_SECRETS on commas, trimming and dropping empties', () => {
    expect(parseWebhookSecrets(` ${CURRENT} ,, ${NEXT},`)).toEqual([CURRENT, NEXT]);
    expect(parseWebhookSecrets(undefined)).toEqual([]);
  });
});
