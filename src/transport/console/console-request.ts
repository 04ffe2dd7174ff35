import type { FastifyRequest } from 'fastify';
import type { Requester } from '../../rollback/progress-snapshot.js';

/** Why a console request was refused, with the HTTP status to answer. */
export class ConsoleRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ConsoleRequestError';
  }
}

const NAME_PATTERN = /^[\p{L}\p{N} ._'-]{1,60}$/u;

/**
 * The console's POSTs must be JSON sent by its own page: a JSON body cannot be posted cross-site without a
 * CORS preflight (which the bot never answers), and an Origin from another site is refused outright. So a
 * web page the on-call engineer happens to open cannot start a rollback through their local console.
 */
export function checkSameOrigin(request: FastifyRequest): void {
  const type = request.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/json')) {
    throw new ConsoleRequestError(415, 'Send the command as JSON from the console page.');
  }
  const origin = request.headers.origin;
  const host = request.headers.host;
  if (origin !== undefined && origin !== 'null') {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      throw new ConsoleRequestError(403, 'Bad Origin header.');
    }
    if (originHost !== host)
      throw new ConsoleRequestError(403, 'Commands are only accepted from the console page itself.');
  }
}

/** The person typing in the console, from the name chosen in the page: requester source `console`. */
export function consoleRequester(body: Record<string, unknown>): Requester {
  const name = typeof body.name === 'string' ? body.name.trim().replace(/\s+/g, ' ') : '';
  if (!NAME_PATTERN.test(name)) {
    throw new ConsoleRequestError(
      400,
      "Choose your name at the top of the page first (letters, digits, spaces, . _ ' -; at most 60).",
    );
  }
  return { id: `console:${name.toLowerCase().replace(/ /g, '.')}`, name, source: 'console' };
}

export function stringField(body: Record<string, unknown>, field: string, max: number): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length > max)
    throw new ConsoleRequestError(400, `"${field}" must be a text of at most ${max} characters.`);
  return value;
}

export function bodyOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new ConsoleRequestError(400, 'Expected a JSON object.');
  return body as Record<string, unknown>;
}
