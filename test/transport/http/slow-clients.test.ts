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
/** Node checks the timeouts every 500 ms at these settings; a socket's close then takes a moment. */
const SLACK_MS = 2_500;

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

  it('closes drip-fed headers within the headers timeout, and still answers others meanwhile', async () => {
    const held = await Promise.all(
      Array.from({ length: 200 }, () => open(url, 'POST /slack/events HTTP/1.1\r\nHost: bot\r\nX-A: ')),
    );
    for (const h of held) drip(h, 'aaaaaaaa', 300);
    const health = await fetch(new URL('/healthz', url));
    expect(health.status).toBe(200);
    const closed = await Promise.all(held.map((h) => h.closedAfter));
    expect(Math.max(...closed)).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
  }, 20_000);

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
    expect(Math.max(...closed)).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
    const status = (h: Held) => /^HTTP\/1\.1 (\d{3})/.exec(h.received())?.[1] ?? 'closed';
    // Each heavy body is refused: too large (413), or too many being received at once (503).
    expect(heavy.map(status).filter((s) => s !== '413' && s !== '503')).toEqual([]);
    const partialStatuses = partial.map(status);
    expect(partialStatuses.filter((s) => s === '503').length).toBeGreaterThan(0);
    console.log('heavy', count(heavy.map(status)), 'partial', count(partialStatuses));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const after = await bot.rssMb();
    console.log(`RSS idle ${idle.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, after ${after.toFixed(0)} MB`);
    expect(peak - idle).toBeLessThan(80);
    expect(after - idle).toBeLessThan(50);
    expect((await fetch(new URL('/healthz', url))).status).toBe(200);
  }, 20_000);
});
