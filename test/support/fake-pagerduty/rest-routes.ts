import type { FakeAccount } from './fake-account.js';
import type { FakeRoute } from './types.js';

export interface RouteRequest {
  account: FakeAccount;
  params: string[];
  query: URLSearchParams;
  body: unknown;
  /** The `From` header: the acting user's e-mail. */
  from: string | undefined;
}

export interface RouteAnswer {
  status: number;
  body: unknown;
}

interface RouteDefinition {
  route: FakeRoute;
  method: 'GET' | 'POST';
  pattern: RegExp;
  handle(request: RouteRequest): RouteAnswer;
}

/** PagerDuty's error envelope. */
export function pdError(status: number, code: number, message: string, errors?: string[]): RouteAnswer {
  return { status, body: { error: { message, code, ...(errors ? { errors } : {}) } } };
}

const notFound = (): RouteAnswer => pdError(404, 2100, 'Not Found');
const invalid = (...errors: string[]): RouteAnswer => pdError(400, 2001, 'Invalid Input Provided', errors);

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The acting user named by `From`, or the 400 PagerDuty answers without one. */
function requester(request: RouteRequest): { userId: string } | RouteAnswer {
  if (request.from === undefined || request.from.trim() === '') return invalid('Requester User Not Found');
  const user = request.account.userByEmail(request.from);
  return user ? { userId: user.id } : invalid('Requester User Not Found');
}

function page(key: string, items: unknown[], query: URLSearchParams): RouteAnswer {
  const limit = Math.min(100, Number(query.get('limit') ?? 25) || 25);
  const offset = Number(query.get('offset') ?? 0) || 0;
  const slice = items.slice(offset, offset + limit);
  return {
    status: 200,
    body: { [key]: slice, limit, offset, more: offset + limit < items.length, total: null },
  };
}

export const REST_ROUTES: RouteDefinition[] = [
  {
    route: 'getIncident',
    method: 'GET',
    pattern: /^\/incidents\/([A-Z0-9]+)$/,
    handle: ({ account, params }) => {
      const incident = account.incident(params[0] ?? '');
      return incident ? { status: 200, body: { incident: account.incidentJson(incident) } } : notFound();
    },
  },
  {
    route: 'createNote',
    method: 'POST',
    pattern: /^\/incidents\/([A-Z0-9]+)\/notes$/,
    handle: (request) => {
      const incident = request.account.incident(request.params[0] ?? '');
      if (!incident) return notFound();
      const who = requester(request);
      if (!('userId' in who)) return who;
      const content = record(record(request.body)?.note)?.content;
      if (typeof content !== 'string' || content.trim() === '') return invalid('Note content is required');
      if (content.length > 25_000) return invalid('Note content is too long (maximum is 25000 characters)');
      const note = {
        id: request.account.newId(),
        incidentId: incident.id,
        content,
        userId: who.userId,
        createdAt: new Date().toISOString(),
      };
      request.account.notes.push(note);
      return { status: 201, body: { note: request.account.noteJson(note) } };
    },
  },
  {
    route: 'listNotes',
    method: 'GET',
    pattern: /^\/incidents\/([A-Z0-9]+)\/notes$/,
    handle: ({ account, params }) => {
      const incident = account.incident(params[0] ?? '');
      if (!incident) return notFound();
      const notes = account.notes.filter((note) => note.incidentId === incident.id);
      return { status: 200, body: { notes: notes.map((note) => account.noteJson(note)) } };
    },
  },
  {
    route: 'createStatusUpdate',
    method: 'POST',
    pattern: /^\/incidents\/([A-Z0-9]+)\/status_updates$/,
    handle: (request) => {
      const incident = request.account.incident(request.params[0] ?? '');
      if (!incident) return notFound();
      const who = requester(request);
      if (!('userId' in who)) return who;
      const body = record(request.body);
      const message = body?.message;
      if (typeof message !== 'string' || message.trim() === '') return invalid('Message is required');
      const subject = typeof body?.subject === 'string' ? body.subject : undefined;
      const update = {
        id: request.account.newId(),
        incidentId: incident.id,
        message,
        ...(subject !== undefined ? { subject } : {}),
        senderId: who.userId,
        createdAt: new Date().toISOString(),
      };
      request.account.statusUpdates.push(update);
      return { status: 200, body: { status_update: request.account.statusUpdateJson(update) } };
    },
  },
  {
    route: 'listOnCalls',
    method: 'GET',
    pattern: /^\/oncalls$/,
    handle: ({ account, query }) => {
      const policies = query.getAll('escalation_policy_ids[]');
      const includeUsers = query.getAll('include[]').includes('users');
      const matching = account.oncalls.filter(
        (oncall) => policies.length === 0 || policies.includes(oncall.escalationPolicyId),
      );
      return page(
        'oncalls',
        matching.map((oncall) => account.oncallJson(oncall, includeUsers)),
        query,
      );
    },
  },
  {
    route: 'listUsers',
    method: 'GET',
    pattern: /^\/users$/,
    handle: ({ account, query }) => {
      // PagerDuty matches `query` against names and e-mail addresses, case-insensitively, in part.
      const text = (query.get('query') ?? '').toLowerCase();
      const users = account.users.filter(
        (user) => user.name.toLowerCase().includes(text) || user.email.toLowerCase().includes(text),
      );
      return page(
        'users',
        users.map((user) => account.fullUser(user)),
        query,
      );
    },
  },
  {
    route: 'createResponderRequest',
    method: 'POST',
    pattern: /^\/incidents\/([A-Z0-9]+)\/responder_requests$/,
    handle: (request) => createResponderRequest(request),
  },
  {
    route: 'getEscalationPolicy',
    method: 'GET',
    pattern: /^\/escalation_policies\/([A-Z0-9]+)$/,
    handle: ({ account, params }) => {
      const policy = account.policy(params[0] ?? '');
      return policy ? { status: 200, body: { escalation_policy: account.policyJson(policy) } } : notFound();
    },
  },
  {
    route: 'listEscalationPolicies',
    method: 'GET',
    pattern: /^\/escalation_policies$/,
    handle: ({ account, query }) =>
      page(
        'escalation_policies',
        account.policies.map((policy) => account.policyJson(policy)),
        query,
      ),
  },
];

function createResponderRequest(request: RouteRequest): RouteAnswer {
  const { account } = request;
  const incident = account.incident(request.params[0] ?? '');
  if (!incident) return notFound();
  const who = requester(request);
  if (!('userId' in who)) return who;
  const body = record(request.body);
  const requesterId = body?.requester_id;
  if (typeof requesterId !== 'string' || !account.user(requesterId)) return invalid('Requester not found');
  const message = typeof body?.message === 'string' ? body.message : '';
  const rawTargets = Array.isArray(body?.responder_request_targets) ? body.responder_request_targets : [];
  const targets: StoredTarget[] = [];
  for (const raw of rawTargets) {
    const target = record(record(raw)?.responder_request_target);
    const id = target?.id;
    const type = target?.type;
    if (typeof id !== 'string') return invalid('Responder request target is invalid');
    if (type === 'user_reference' && account.user(id)) targets.push({ id, type });
    else if (type === 'escalation_policy_reference' && account.policy(id)) targets.push({ id, type });
    else return invalid(`Responder request target ${String(id)} not found`);
  }
  if (targets.length === 0) return invalid('At least one responder request target is required');
  const stored = {
    incidentId: incident.id,
    requesterId,
    message,
    targets,
    requestedAt: new Date().toISOString(),
  };
  account.responderRequests.push(stored);
  const requesterUser = account.user(requesterId);
  return {
    status: 200,
    body: {
      responder_request: {
        incident: { id: incident.id, type: 'incident_reference' },
        requester: requesterUser ? account.userReference(requesterUser) : null,
        requested_at: stored.requestedAt,
        message,
        responder_request_targets: targets.map((target) => ({
          responder_request_target: { ...target, incident_responders: [{ state: 'pending' }] },
        })),
      },
    },
  };
}

type StoredTarget = { id: string; type: 'user_reference' | 'escalation_policy_reference' };
