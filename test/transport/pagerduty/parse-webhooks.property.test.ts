import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePagerDutyWebhook } from '../../../src/transport/pagerduty/parse-pagerduty-webhook.js';
import { handledEventText } from '../../../src/transport/pagerduty/handled-event-text.js';
import { readStoredPagerDutyEvent } from '../../../src/transport/pagerduty/read-stored-pagerduty-event.js';
import {
  HANDLED_EVENT_TYPES,
  peekHandledEventId,
} from '../../../src/transport/pagerduty/peek-handled-event.js';
import { parseRollbackAction } from '../../../src/transport/pagerduty/parse-rollback-action.js';
import { SERVICE_NAME_PATTERN } from '../../../src/commands/validate-arguments.js';
import { hostileText } from '../../support/hostile-text.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(
    readFileSync(new URL(`../../fixtures/pagerduty/${name}.json`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
const TRIGGERED = fixture('incident-triggered');
const RESOLVED = fixture('incident-resolved');
const ACTION = fixture('rollback-action');
const FIXTURES = Object.fromEntries(
  [
    'incident-acknowledged',
    'incident-annotated',
    'incident-priority-updated',
    'incident-resolved',
    'incident-responder-added',
    'incident-status-update-published',
    'incident-triggered',
    'service-updated',
  ].map((name) => [name, fixture(name)]),
);

/** Replaces the value at a random path of a JSON tree (walking only into objects and arrays). */
function mutateAt(tree: unknown, steps: readonly number[], value: unknown): unknown {
  if (steps.length === 0 || tree === null || typeof tree !== 'object') return value;
  const entries = Object.entries(tree as Record<string, unknown>);
  if (entries.length === 0) return value;
  const index = (steps[0] as number) % entries.length;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(tree) ? [...tree] : { ...tree };
  const [key, child] = entries[index] as [string, unknown];
  (copy as Record<string, unknown>)[key] = mutateAt(child, steps.slice(1), value);
  return copy;
}

const hostileJson = fc.oneof(
  hostileText('/tmp/never'),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    null,
    true,
    0,
    -1,
    1e308,
    '',
    [],
    {},
    { __proto__: { polluted: true } },
    'x'.repeat(100_000),
  ),
);
const mutated = (base: Record<string, unknown>) =>
  fc
    .tuple(fc.array(fc.nat(), { maxLength: 5 }), hostileJson)
    .map(([steps, value]) => Buffer.from(JSON.stringify(mutateAt(base, steps, value)) ?? 'null'));
const anyBody = (base: Record<string, unknown>) =>
  fc.oneof(
    mutated(base),
    fc.uint8Array({ maxLength: 500 }).map((bytes) => Buffer.from(bytes)),
    fc.string({ unit: 'binary', maxLength: 300 }).map((text) => Buffer.from(text)),
    fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
  );

describe('PagerDuty webhook bodies under fuzzing (fast-check)', () => {
  it('a V3 event body of any shape is parsed or refused with a reason, never a crash', () => {
    fc.assert(
      fc.property(anyBody(TRIGGERED), fc.option(hostileText('/tmp/never')), (body, webhookId) => {
        const parsed = parsePagerDutyWebhook(body, webhookId === null ? {} : { webhookId });
        if (!parsed.ok) {
          expect(parsed.reason.length).toBeGreaterThan(0);
          return;
        }
        // The dedupe key becomes part of a Redis key: only the id forms the parser checked.
        expect(parsed.dedupeKey).toMatch(/^(webhook:[\w.-]{1,200}|event:.+)$/s);
        expect(typeof parsed.event.id).toBe('string');
        expect(['incident', 'incident_related', 'unknown']).toContain(parsed.event.kind);
      }),
      { numRuns: 2_000 },
    );
  });

  it('a rollback action of any shape is refused with every problem listed, or carries only valid names', () => {
    fc.assert(
      fc.property(anyBody(ACTION), (body) => {
        const parsed = parseRollbackAction(body);
        if (!parsed.ok) {
          expect(parsed.problems.length).toBeGreaterThan(0);
          expect(parsed.message.length).toBeGreaterThan(0);
          return;
        }
        const { action } = parsed;
        expect(action.incidentId).toMatch(/^[A-Z0-9]{7,20}$/);
        if (action.service !== undefined) expect(action.service).toMatch(SERVICE_NAME_PATTERN);
        // The same rule as /rollback's: never read as an option or a path by the tool it reaches.
        if (action.version !== undefined)
          expect(action.version).toMatch(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/);
        if (action.reason !== undefined) expect(action.reason.length).toBeLessThanOrEqual(500);
        expect(typeof action.dryRun).toBe('boolean');
      }),
      { numRuns: 2_000 },
    );
  });

  it("the route's fast path accepts only events the full parse reads as an incident the bot acts on, with the same id", () => {
    for (const name of Object.keys(FIXTURES)) {
      const body = FIXTURES[name] as Record<string, unknown>;
      const parsed = parsePagerDutyWebhook(Buffer.from(JSON.stringify(body)));
      const acted =
        parsed.ok && parsed.event.kind === 'incident' && HANDLED_EVENT_TYPES.has(parsed.event.eventType);
      // The recorded events the bot acts on take the fast path; the others are parsed fully.
      expect([name, peekHandledEventId(body) !== undefined]).toEqual([name, acted]);
    }
    fc.assert(
      fc.property(fc.oneof(anyBody(TRIGGERED), anyBody(RESOLVED)), (raw) => {
        let json: unknown;
        try {
          json = JSON.parse(raw.toString('utf8'));
        } catch {
          return;
        }
        const id = peekHandledEventId(json);
        if (id === undefined) return;
        const parsed = parsePagerDutyWebhook(raw);
        expect(parsed.ok && parsed.event.kind === 'incident' && parsed.event.id).toBe(id);
        if (parsed.ok) expect(HANDLED_EVENT_TYPES.has(parsed.event.eventType)).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });

  it('what the route stores of an event it acts on reads exactly as the whole body, without the fields the bot never reads', () => {
    for (const body of [TRIGGERED, RESOLVED]) {
      const kept = handledEventText(body);
      expect(parsePagerDutyWebhook(kept)).toEqual(parsePagerDutyWebhook(Buffer.from(JSON.stringify(body))));
      // Assignees, teams, priority, the conference bridge and API links are not stored: about a third is.
      expect(kept).not.toMatch(/assignees|teams|conference|"self"|incident_key|priority/);
      expect(kept.length).toBeLessThan(JSON.stringify(body).length / 2);
    }
    fc.assert(
      fc.property(fc.oneof(anyBody(TRIGGERED), anyBody(RESOLVED)), fc.string(), (raw, webhookId) => {
        let json: unknown;
        try {
          json = JSON.parse(raw.toString('utf8'));
        } catch {
          return;
        }
        if (peekHandledEventId(json) === undefined) return;
        const kept = handledEventText(json);
        expect(parsePagerDutyWebhook(kept, { webhookId })).toEqual(parsePagerDutyWebhook(raw, { webhookId }));
      }),
      { numRuns: 5_000 },
    );
  });

  it('the handler reads a stored event (its quick path for incidents it acts on) exactly as the schemas do', () => {
    for (const body of Object.values(FIXTURES)) {
      const text = JSON.stringify(body);
      expect(readStoredPagerDutyEvent(text)).toEqual(parsePagerDutyWebhook(Buffer.from(text)));
      expect(readStoredPagerDutyEvent(handledEventText(body))).toEqual(
        parsePagerDutyWebhook(Buffer.from(handledEventText(body))),
      );
    }
    fc.assert(
      fc.property(fc.oneof(anyBody(TRIGGERED), anyBody(RESOLVED)), fc.string(), (raw, webhookId) => {
        const text = raw.toString('utf8');
        expect(readStoredPagerDutyEvent(text, { webhookId })).toEqual(
          parsePagerDutyWebhook(Buffer.from(text), { webhookId }),
        );
      }),
      { numRuns: 5_000 },
    );
  });
});
