import type { FastifyRequest } from 'fastify';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * A request from this machine itself: a loopback peer, not relayed by a proxy (a proxy on this machine
 * sets X-Forwarded-For, Forwarded or X-Real-IP, and then the request is not a local one).
 */
export function isLocalRequest(request: Pick<FastifyRequest, 'socket' | 'headers'>): boolean {
  const address = request.socket.remoteAddress;
  const headers = request.headers;
  const forwarded =
    headers['x-forwarded-for'] !== undefined ||
    headers.forwarded !== undefined ||
    headers['x-real-ip'] !== undefined;
  return address !== undefined && LOOPBACK.has(address) && !forwarded;
}
