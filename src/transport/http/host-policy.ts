import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `exempt`: a route the host policy does not apply to: a signed webhook (its signature authenticates
     * it, whatever name it was sent to) or a probe that reveals nothing (/healthz, /readyz).
     */
    hostPolicy?: 'exempt';
  }
}

/** The answer to a request sent by a page of another site. */
export const FOREIGN_ORIGIN = 'Requests are only accepted from the pages of this bot itself.';

/** The loopback names every installation answers to. */
export const LOOPBACK_HOST_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * One host and origin policy for every route (console, API, reports, metrics, dashboard): a request must
 * name one of the bot's own hosts in `Host` (the configured public host, HOST, the loopback names) and,
 * when a browser sends `Origin`, come from one of them too. A DNS-rebinding page (evil.example resolved to
 * 127.0.0.1) sends `Host: evil.example` and is refused with 421; a page of another site driving the
 * browser is refused with 403. An IP-literal Host is accepted: rebinding needs a name of the attacker's,
 * and probes and Prometheus address pods by IP.
 */
export class HostPolicy {
  private readonly allowed: Set<string>;

  constructor(extraHosts: readonly string[] = []) {
    this.allowed = new Set([...LOOPBACK_HOST_NAMES, ...extraHosts.map(normaliseHost).filter(Boolean)]);
  }

  /** Whether a `Host` header (with or without its port) names this bot. */
  allowsHost(host: string | undefined): boolean {
    const name = hostnameOf(host);
    if (name === '') return false;
    if (this.allowed.has(name)) return true;
    return isIP(name.startsWith('[') ? name.slice(1, -1) : name) !== 0;
  }

  /** Whether an `Origin` header (absent and "null" pass: not sent by a page of another site) is ours. */
  allowsOrigin(origin: string | undefined): boolean {
    if (origin === undefined || origin === 'null') return true;
    try {
      return this.allowsHost(new URL(origin).host);
    } catch {
      return false;
    }
  }

  /** Refuses, before anything else runs, every request the policy does not allow (exempt routes aside). */
  install(app: FastifyInstance): void {
    app.addHook('onRequest', async (request, reply) => {
      if (request.routeOptions.config?.hostPolicy === 'exempt') return;
      if (!this.allowsHost(request.headers.host)) {
        return reply.code(421).send({ error: 'This server only answers on its own host names.' });
      }
      if (!this.allowsOrigin(request.headers.origin)) {
        return reply.code(403).send({ error: FOREIGN_ORIGIN });
      }
    });
  }
}

/** "Example.COM." -> "example.com"; "::1" -> "[::1]"; a host with its port keeps the name only. */
function normaliseHost(host: string): string {
  const trimmed = host.trim().toLowerCase().replace(/\.$/, '');
  return isIP(trimmed) === 6 ? `[${trimmed}]` : hostnameOf(trimmed);
}

/** The host name of a Host header without its port ("[::1]:3000" -> "[::1]"), lower case. */
function hostnameOf(host: string | undefined): string {
  if (!host) return '';
  const lower = host.trim().toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  return (lower.split(':')[0] ?? '').replace(/\.$/, '');
}
