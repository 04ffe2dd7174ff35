/** The fake's directory: what a PagerDuty account would hold. Ids are PagerDuty-shaped (P + 6, or Q… for incidents). */
export interface FakeUser {
  id: string;
  name: string;
  email: string;
}

export interface FakeIncident {
  id: string;
  number: number;
  title: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  urgency: 'high' | 'low';
  serviceId: string;
  serviceName: string;
  escalationPolicyId: string;
  createdAt: string;
}

export interface FakeEscalationPolicy {
  id: string;
  name: string;
  /** Level 1 first; each level pages these users. */
  levels: { delayMinutes: number; userIds: string[] }[];
}

export interface FakeOnCall {
  escalationPolicyId: string;
  level: number;
  userId: string;
  scheduleName?: string;
}

export interface FakePagerDutyOptions {
  /** The REST API token the fake accepts (`Authorization: Token token=<token>`). Default `pd-test-token`. */
  token?: string;
  users?: FakeUser[];
  incidents?: FakeIncident[];
  escalationPolicies?: FakeEscalationPolicy[];
  oncalls?: FakeOnCall[];
}

export type FakeRoute =
  | 'getIncident'
  | 'createNote'
  | 'listNotes'
  | 'createStatusUpdate'
  | 'listOnCalls'
  | 'listUsers'
  | 'createResponderRequest'
  | 'getEscalationPolicy'
  | 'listEscalationPolicies';

/** A scripted answer for the next calls to a route: an HTTP error, or no answer at all. */
export type FakeFault =
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  /** An error status; `html` answers with that text as text/html instead of PagerDuty's JSON envelope. */
  | { kind: 'http'; status: number; html?: string }
  | { kind: 'hang' };

export interface RecordedCall {
  route: FakeRoute | 'unknown';
  method: string;
  path: string;
  query: Record<string, string[]>;
  headers: {
    authorization?: string;
    accept?: string;
    contentType?: string;
    from?: string;
    userAgent?: string;
  };
  body: unknown;
  /** The status the fake answered with (0: it did not answer). */
  status: number;
  at: number;
}

export interface StoredNote {
  id: string;
  incidentId: string;
  content: string;
  userId: string;
  createdAt: string;
}

export interface StoredStatusUpdate {
  id: string;
  incidentId: string;
  message: string;
  subject?: string;
  senderId: string;
  createdAt: string;
}

export interface StoredResponderRequest {
  incidentId: string;
  requesterId: string;
  message: string;
  targets: { id: string; type: 'user_reference' | 'escalation_policy_reference' }[];
  requestedAt: string;
}

export interface FakePagerDuty {
  /** REST API base URL, for `PAGERDUTY_API_URL` (`http://127.0.0.1:<port>`). */
  url: string;
  token: string;
  calls: RecordedCall[];
  callsTo(route: FakeRoute): RecordedCall[];
  notes(incidentId: string): StoredNote[];
  statusUpdates(incidentId: string): StoredStatusUpdate[];
  responderRequests(incidentId: string): StoredResponderRequest[];
  /** The next `times` calls to `route` (any route: `'*'`) get this fault instead of an answer. */
  failNext(route: FakeRoute | '*', fault: FakeFault, times?: number): void;
  /** Stops listening: connections are refused until `up()`. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}
