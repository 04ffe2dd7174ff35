import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startBotProcess, type BotProcess } from '../../support/bot-process.js';
import { kaizenService } from '../../support/kaizen-service.js';
import { deletePrefix, testPrefix } from '../../support/redis-test-prefix.js';

const HEADERS_TIMEOUT_MS = 2_000;
const REQUEST_TIMEOUT_MS = 3_000;

interface Held {
  socket: Socket;
  opened: number;
  closedAfter: Promise<number>;
  received: () => string;
}

/** Opens a raw connection and writes `first`; resolves its close time (ms after opening). */
function open(url: URL, first: string): Promise<Held> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(first);
      resolve({ socket, opened, closedAfter, received: () => received });
    });
    const opened = Date.now();
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined);
    const closedAfter = new Promise<number>((done) => socket.on('close', () => done(Date.now() - opened)));
    socket.once('error', reject);
  });
}

/** Writes one more byte now and then, as a drip-feeding client does, until the socket closes. */
function drip(held: Held, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (held.socket.destroyed) return clearInterval(timer);
    held.socket.write(text[i % text.length] ?? 'x');
    i += 1;
  }, everyMs);
  void held.closedAfter.then(() => clearInterval(timer));
}

async function sampleRss(bot: BotProcess, until: Promise<unknown>): Promise<number> {
  let peak = 0;
  let finished = false;
  void until.finally(() => (finished = true));
  while (!finished) {
    peak = Math.max(peak, await bot.rssMb());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return peak;
}

/** The HTTP status the server answered on a raw connection, or `closed` when it said nothing. */
function status(held: Held): string {
  return /^HTTP\/1\.1 (\d{3})/.exec(held.received())?.[1] ?? 'closed';
}

function count(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

describe('slow and heavy clients against a running bot (separate process, Slack mode)', () => {
  const prefix = testPrefix('slow');
  let servicesDir: string;
  let bot: BotProcess;
  let url: URL;

  beforeAll(async () => {
    servicesDir = await mkdtemp(join(tmpdir(), 'rollback-services-'));
    await writeFile(join(servicesDir, 'kaizen.yaml'), stringify(kaizenService('30s')));
    bot = await startBotProcess({
      prefix,
      servicesDir,
      env: {
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: 'test-signing-secret-0123456789abcdef',
        SLACK_API_URL: 'http://127.0.0.1:9/api/',
        HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
        HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        ROLE: 'web',
      },
    });
    url = new URL(bot.url);
    for (let i = 0; i < 20; i += 1) await fetch(new URL('/healthz', url)); // warm up
  }, 90_000); // startBotProcess waits up to 60 s for the process to listen
  afterAll(async () => {
    await bot.stop();
    await deletePrefix(prefix);
    await rm(servicesDir, { recursive: true, force: true });
  });

  it('cuts drip-fed headers off at the headers timeout (408), and still answers others meanwhile', async () => {
    const held = await Promise.all(
      Array.from({ length: 200 }, () => open(url, 'POST /slack/events HTTP/1.1\r\nHost: bot\r\nX-A: ')),
    );
    for (const h of held) drip(h, 'aaaaaaaa', 300);
    const health = await fetch(new URL('/healthz', url));
    expect(health.status).toBe(200);
    // A client that drips forever is cut off by the server (the headers timeout), told 408 where it can
    // still be told. How soon after the timeout is a figure for a bench, not for a test on a shared machine.
    const closed = await Promise.all(held.map((h) => h.closedAfter));
    const statuses = held.map(status);
    expect(statuses.filter((s) => s !== '408' && s !== 'closed')).toEqual([]);
    console.log(`drip-fed: closed after at most ${Math.max(...closed)} ms`, count(statuses));
  }, 60_000);

  it('refuses heavy bodies while reading them, closes partial ones, and memory comes back', async () => {
    const idle = await bot.rssMb();
    const slackHead = (length: number) =>
      `POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
      `X-Slack-Signature: v0=00\r\nX-Slack-Request-Timestamp: ${Math.floor(Date.now() / 1000)}\r\n` +
      `Content-Length: ${length}\r\n\r\n`;
    const chunk = 'a'.repeat(64 * 1024);
    // 200 clients announcing 1 MB and sending half of it: refused (413) as soon as the length is read.
    const heavy = await Promise.all(
      Array.from({ length: 200 }, () => open(url, slackHead(1_048_576) + chunk)),
    );
    // 200 clients within the limit that send 192 KB of 240 KB and stall: cut off at the request timeout,
    // and beyond the cap on requests being received, answered 503 at once.
    const partial = await Promise.all(
      Array.from({ length: 200 }, () => open(url, slackHead(240 * 1024) + chunk + chunk + chunk)),
    );
    const all = Promise.all([...heavy, ...partial].map((h) => h.closedAfter));
    const peak = await sampleRss(bot, all);
    const closed = await all;
    console.log(`heavy and partial: closed after at most ${Math.max(...closed)} ms`);
    // Each heavy body is refused: too large (413), or too many being received at once (503).
    expect(heavy.map(status).filter((s) => s !== '413' && s !== '503')).toEqual([]);
    const partialStatuses = partial.map(status);
    expect(partialStatuses.filter((s) => s === '503').length).toBeGreaterThan(0);
    // The rest are cut off at the request timeout.
    expect(partialStatuses.filter((s) => !['408', '503', 'closed'].includes(s))).toEqual([]);
    console.log('heavy', count(heavy.map(status)), 'partial', count(partialStatuses));
    console.log(`RSS idle ${idle.toFixed(0)} MB, peak ${peak.toFixed(0)} MB`);
    expect(peak - idle).toBeLessThan(80);
    // Memory comes back once the bodies are dropped (as soon as the collector runs).
    await expect
      .poll(async () => (await bot.rssMb()) - idle, { timeout: 20_000, interval: 250 })
      .toBeLessThan(50);
    expect((await fetch(new URL('/healthz', url))).status).toBe(200);
  }, 60_000);
});
