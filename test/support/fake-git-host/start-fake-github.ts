/**
 * A local stand-in for GitHub's REST API, as much of it as the revert pull request uses, answering as
 * GitHub does: `Authorization: Bearer <token>` (or `token <token>`) else 401 "Bad credentials";
 * `POST /repos/{owner}/{repo}/pulls` 201 with `html_url` and `number` (and a Location header), 422
 * "Validation Failed" when the head branch is not in the repository or a pull request for it is already
 * open; `GET /repos/{owner}/{repo}/pulls?head=owner:branch&base=&state=` lists them. The repository is a
 * real bare git repository: the head branch must have been pushed there.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execaSync } from 'execa';

export interface FakePull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
  html_url: string;
}

export interface FakeGithubRequest {
  method: string;
  path: string;
  /** The Authorization header as sent (tests check its form, then never print it). */
  authorization: string | undefined;
  body: unknown;
}

export interface FakeGithub {
  /** The API base URL (`http://127.0.0.1:<port>`). */
  url: string;
  requests: FakeGithubRequest[];
  pulls: FakePull[];
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request';

export async function startFakeGithub(options: {
  token: string;
  /** `owner/repo` → the bare repository it serves. */
  repos: Record<string, string>;
}): Promise<FakeGithub> {
  const requests: FakeGithubRequest[] = [];
  const pulls: FakePull[] = [];
  let base = '';
  const route = (
    req: IncomingMessage,
    body: unknown,
  ): { status: number; body: unknown; headers?: Record<string, string> } => {
    const url = new URL(req.url ?? '/', base);
    const auth = req.headers.authorization;
    if (auth !== `Bearer ${options.token}` && auth !== `token ${options.token}`)
      return {
        status: 401,
        body: {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
          status: '401',
        },
      };
    const match = /^\/repos\/([^/]+)\/([^/]+)\/pulls$/.exec(url.pathname);
    const repo = match ? options.repos[`${match[1]}/${match[2]}`] : undefined;
    if (!match || !repo)
      return { status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } };
    const owner = match[1] ?? '';
    if (req.method === 'GET') {
      const head = url.searchParams.get('head');
      const baseRef = url.searchParams.get('base');
      const state = url.searchParams.get('state') ?? 'open';
      const listed = pulls.filter(
        (p) =>
          (head === null || `${owner}:${p.head}` === head) &&
          (baseRef === null || p.base === baseRef) &&
          (state === 'all' || p.state === state),
      );
      return { status: 200, body: listed.map((p) => pullJson(p, owner)) };
    }
    if (req.method !== 'POST') return { status: 404, body: { message: 'Not Found' } };
    const input = (body ?? {}) as { title?: unknown; head?: unknown; base?: unknown; body?: unknown };
    if (typeof input.title !== 'string' || typeof input.head !== 'string' || typeof input.base !== 'string')
      return invalid([{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
    if (!hasBranch(repo, input.head))
      return invalid([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    if (!hasBranch(repo, input.base))
      return invalid([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    if (pulls.some((p) => p.state === 'open' && p.head === input.head && p.base === input.base))
      return invalid([
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `A pull request already exists for ${owner}:${input.head}.`,
        },
      ]);
    const number = pulls.length + 1;
    const pull: FakePull = {
      number,
      title: input.title,
      body: typeof input.body === 'string' ? input.body : '',
      head: input.head,
      base: input.base,
      state: 'open',
      html_url: `${base}/${owner}/${match[2] ?? ''}/pull/${number}`,
    };
    pulls.push(pull);
    return {
      status: 201,
      body: pullJson(pull, owner),
      headers: { Location: `${base}/repos/${owner}/${match[2] ?? ''}/pulls/${number}` },
    };
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        return send(res, { status: 400, body: { message: 'Problems parsing JSON' } });
      }
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body,
      });
      send(res, route(req, body));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    pulls,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function invalid(errors: unknown[]) {
  return {
    status: 422,
    body: { message: 'Validation Failed', errors, documentation_url: DOCS, status: '422' },
  };
}

function hasBranch(repo: string, branch: string): boolean {
  const result = execaSync('git', ['-C', repo, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], {
    reject: false,
    stdin: 'ignore',
  });
  return result.exitCode === 0;
}

function pullJson(pull: FakePull, owner: string): Record<string, unknown> {
  return {
    number: pull.number,
    state: pull.state,
    title: pull.title,
    body: pull.body,
    html_url: pull.html_url,
    head: { ref: pull.head, label: `${owner}:${pull.head}` },
    base: { ref: pull.base, label: `${owner}:${pull.base}` },
  };
}

function send(
  res: ServerResponse,
  reply: { status: number; body: unknown; headers?: Record<string, string> },
): void {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'X-GitHub-Api-Version-Selected': '2022-11-28',
    ...reply.headers,
  });
  res.end(text);
}
