import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import aws4 from 'aws4';
import { execa, type ResultPromise } from 'execa';

export const S3_ACCESS_KEY_ID = 'S3RVER';
export const S3_SECRET = 'S3RVER';
export const S3_REGION = 'us-east-1';

export interface LocalS3 {
  /** The endpoint the store talks to: the signature-checking proxy in front of s3rver. */
  endpoint: string;
  bucket: string;
  /** Requests whose SigV4 signature (and payload hash) the proxy checked and accepted. */
  verified: string[];
  /** Requests it refused with 403 SignatureDoesNotMatch. */
  refused: string[];
  /** The next `count` requests get a 503 SlowDown before reaching s3rver. */
  failNext(count: number): void;
  close(): Promise<void>;
}

/**
 * A real S3-compatible server from npm (s3rver, files on disk, in its own process) behind a small proxy that
 * checks each request's SigV4 Authorization header with an independent implementation (the aws4 package),
 * because s3rver itself accepts any V4 signature. Both listen on 127.0.0.1, port 0.
 */
export async function startLocalS3(bucket = 'evidence'): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const { server: s3, port: s3Port } = await startS3rver(directory, bucket);
  const verified: string[] = [];
  const refused: string[] = [];
  let failures = 0;
  const proxy = createServer((req, res) => {
    void handle(req, res);
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const what = `${req.method} ${req.url}`;
    if (!signatureMatches(req, body)) {
      refused.push(what);
      res
        .writeHead(403, { 'content-type': 'application/xml' })
        .end('<Error><Code>SignatureDoesNotMatch</Code></Error>');
      return;
    }
    verified.push(what);
    if (failures > 0) {
      failures--;
      res.writeHead(503, { 'content-type': 'application/xml' }).end('<Error><Code>SlowDown</Code></Error>');
      return;
    }
    const forward = httpRequest(
      { host: '127.0.0.1', port: s3Port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    forward.end(body);
  }
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    verified,
    refused,
    failNext: (count) => {
      failures = count;
    },
    async close() {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      s3.kill('SIGTERM');
      await s3;
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Re-signs the request's signed headers with aws4 and compares; checks the payload hash too. */
function signatureMatches(req: IncomingMessage, body: Buffer): boolean {
  const authorization = req.headers.authorization ?? '';
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (match === null || match[1] !== S3_ACCESS_KEY_ID || match[3] !== S3_REGION) return false;
  const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== createHash('sha256').update(body).digest('hex'))
    return false;
  const signed = (match[4] ?? '').split(';');
  if (!signed.includes('host') || !signed.includes('x-amz-date')) return false;
  const headers: Record<string, string> = {};
  for (const name of signed) headers[name] = String(req.headers[name] ?? '');
  const resigned = aws4.sign(
    // No body: aws4 would add Content-Length to the signed headers; the signed x-amz-content-sha256 stands for it.
    { host: headers['host'], method: req.method, path: req.url, headers, service: 's3', region: S3_REGION },
    { accessKeyId: S3_ACCESS_KEY_ID, secretAccessKey: S3_SECRET },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(resigned.headers?.['Authorization'] ?? ''))?.[1];
  return expected === match[5];
}

/**
 * s3rver's own CLI in a child process. It makes ListObjectsV2 continuation tokens with DES, which OpenSSL 3
 * only has in its legacy provider: without the flag every listing of more than one page fails with 500.
 */
async function startS3rver(
  directory: string,
  bucket: string,
): Promise<{ server: ResultPromise; port: number }> {
  const cli = createRequire(import.meta.url).resolve('s3rver/bin/s3rver.js');
  const server = execa(
    process.execPath,
    [
      '--openssl-legacy-provider',
      cli,
      '-d',
      directory,
      '-a',
      '127.0.0.1',
      '-p',
      '0',
      '--silent',
      '--configure-bucket',
      bucket,
    ],
    { reject: false, stdin: 'ignore' },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    server.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening on [\d.]+:(\d+)/.exec(seen);
      if (match) resolve(Number(match[1]));
    });
    void server.then((result) => reject(new Error(`s3rver exited: ${String(result.stderr)}`)));
  });
  return { server, port };
}
