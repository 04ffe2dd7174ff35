import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

/**
 * Idle connections are kept 4 s (a little less than the 5 s servers such as Node's close them after, so a
 * connection is not reused just as the server closes it), the most recently used reused first.
 */
const KEEP_ALIVE = { keepAlive: true, scheduling: 'lifo', timeout: 4_000 } as const;

/** The options that decide whom a connection talks to and as whom (server name, CA, client certificate). */
const IDENTITY = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;

/**
 * Keep-alive agents for one cluster. @kubernetes/client-node 1.x gives every request a new agent of its
 * own (`KubeConfig.applySecurityAuthentication` → `createAgent`), so no connection is ever reused: each
 * API call opens a new TCP connection and, against a real API server, makes a new TLS handshake.
 * `reuse(fresh)` answers a keep-alive agent built once from the fresh agent's options and reused for as
 * long as they stay the same; a rotated client certificate or CA (client-node reads the files on every
 * request) gets an agent of its own. Agents of other kinds (a proxy's) are left as they are.
 */
export class KeepAliveAgents {
  private current: { fingerprint: string; agent: http.Agent } | undefined;

  /** The keep-alive agent to send a request through instead of `fresh`; undefined: keep `fresh`. */
  reuse(fresh: unknown): http.Agent | undefined {
    const Kind = plainAgentKind(fresh);
    if (Kind === undefined) return undefined;
    const options = (fresh as { options?: Record<string, unknown> }).options ?? {};
    const fingerprint = fingerprintOf(Kind, options);
    if (this.current?.fingerprint !== fingerprint) {
      // The agent it replaces keeps its connections in flight; its idle ones close after the timeout.
      this.current = { fingerprint, agent: new Kind({ ...options, ...KEEP_ALIVE }) };
    }
    return this.current.agent;
  }
}

/** http.Agent or https.Agent themselves (not a subclass, such as a proxy agent), else undefined. */
function plainAgentKind(agent: unknown): typeof http.Agent | typeof https.Agent | undefined {
  if (typeof agent !== 'object' || agent === null) return undefined;
  const kind = agent.constructor;
  if (kind === https.Agent) return https.Agent;
  if (kind === http.Agent) return http.Agent;
  return undefined;
}

/** A digest of the agent kind and its identity options (key material is hashed, never kept as text). */
function fingerprintOf(kind: typeof http.Agent, options: Record<string, unknown>): string {
  const hash = createHash('sha256').update(kind === https.Agent ? 'https' : 'http');
  for (const name of IDENTITY) {
    const values: unknown[] = Array.isArray(options[name]) ? options[name] : [options[name]];
    for (const value of values) {
      hash.update(`\0${name}=`);
      if (Buffer.isBuffer(value)) hash.update(value);
      else if (value !== undefined) hash.update(JSON.stringify(value) ?? String(value));
    }
  }
  return hash.digest('hex');
}
