/**
 * A fake Alertmanager serving API v2 `GET /api/v2/alerts` with the `active`, `silenced`, `inhibited`,
 * `unprocessed` and repeated `filter` parameters, over alerts the test sets.
 */
import { parseMatcher, type LabelMatcher } from './alert-matchers.js';
import { startFakeHttpServer, type FakeHttpServer } from './fake-http-server.js';

export interface FakeAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  /** Default: now. */
  startsAt?: string;
  silenced?: boolean;
  inhibited?: boolean;
}

export interface FakeAlertmanager extends FakeHttpServer {
  setAlerts(alerts: FakeAlert[]): void;
}

export async function startFakeAlertmanager(): Promise<FakeAlertmanager> {
  let alerts: FakeAlert[] = [];
  const server = await startFakeHttpServer((url) => {
    if (url.pathname !== '/api/v2/alerts') return { status: 404, body: '404 page not found' };
    const flag = (name: string): boolean => url.searchParams.get(name) !== 'false';
    let matchers: LabelMatcher[];
    try {
      matchers = url.searchParams.getAll('filter').map(parseMatcher);
    } catch (error) {
      return { status: 400, body: (error as Error).message };
    }
    const selected = alerts.filter((a) => {
      const state = a.silenced || a.inhibited ? 'suppressed' : 'active';
      if (state === 'active' && !flag('active')) return false;
      if (a.silenced && !flag('silenced')) return false;
      if (a.inhibited && !flag('inhibited')) return false;
      return matchers.every((m) => m(a.labels));
    });
    return { status: 200, body: selected.map(gettable) };
  });
  return { ...server, setAlerts: (next) => void (alerts = next) };
}

function gettable(alert: FakeAlert): Record<string, unknown> {
  const startsAt = alert.startsAt ?? new Date().toISOString();
  return {
    labels: alert.labels,
    annotations: alert.annotations ?? {},
    startsAt,
    endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString(),
    updatedAt: startsAt,
    fingerprint: Buffer.from(JSON.stringify(alert.labels)).toString('hex').slice(0, 16),
    receivers: [{ name: 'team-kaizen' }],
    status: {
      state: alert.silenced || alert.inhibited ? 'suppressed' : 'active',
      silencedBy: alert.silenced ? ['8b1c6a2e-0000-4000-8000-000000000001'] : [],
      inhibitedBy: alert.inhibited ? ['c0ffee00c0ffee00'] : [],
    },
    generatorURL: 'http://prometheus:9090/graph',
  };
}
