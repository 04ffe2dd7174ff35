/**
 * A fake Prometheus serving `GET /api/v1/query` with the answers the test sets per query: vectors, scalars,
 * range vectors or API errors. A query it was not given returns an empty vector (a valid query matching no
 * series); one with unbalanced brackets or quotes is a `bad_data` parse error, as Prometheus answers.
 */
import { startFakeHttpServer, type FakeHttpServer, type JsonReply } from './fake-http-server.js';

export type FakeQueryAnswer =
  | { vector: { metric: Record<string, string>; value: number | string }[] }
  | { matrix: { metric: Record<string, string>; values: (number | string)[] }[] }
  | { scalar: number | string }
  | { error: { errorType: string; error: string; status?: number } };

export interface FakePrometheus extends FakeHttpServer {
  setAnswer(query: string, answer: FakeQueryAnswer): void;
}

const text = (value: number | string): string =>
  typeof value === 'string'
    ? value
    : Number.isNaN(value)
      ? 'NaN'
      : value === Infinity
        ? '+Inf'
        : value === -Infinity
          ? '-Inf'
          : String(value);

function balanced(query: string): boolean {
  const closing: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  let quote: string | undefined;
  for (const char of query) {
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (closing[char]) stack.push(closing[char]);
    else if (')]}'.includes(char) && stack.pop() !== char) return false;
  }
  return stack.length === 0 && quote === undefined;
}

export async function startFakePrometheus(): Promise<FakePrometheus> {
  const answers = new Map<string, FakeQueryAnswer>();
  const server = await startFakeHttpServer((url): JsonReply => {
    if (url.pathname !== '/api/v1/query') return { status: 404, body: '404 page not found' };
    const query = url.searchParams.get('query') ?? '';
    const now = Date.now() / 1000;
    if (query.trim() === '' || !balanced(query))
      return {
        status: 400,
        body: {
          status: 'error',
          errorType: 'bad_data',
          error: `invalid parameter "query": 1:1: parse error: unexpected end of input in ${JSON.stringify(query)}`,
        },
      };
    const answer = answers.get(query) ?? { vector: [] };
    if ('error' in answer)
      return {
        status: answer.error.status ?? 422,
        body: { status: 'error', errorType: answer.error.errorType, error: answer.error.error },
      };
    if ('scalar' in answer)
      return {
        status: 200,
        body: { status: 'success', data: { resultType: 'scalar', result: [now, text(answer.scalar)] } },
      };
    if ('matrix' in answer)
      return {
        status: 200,
        body: {
          status: 'success',
          data: {
            resultType: 'matrix',
            result: answer.matrix.map((s) => ({
              metric: s.metric,
              values: s.values.map((v, i) => [now - (s.values.length - 1 - i) * 15, text(v)]),
            })),
          },
        },
      };
    return {
      status: 200,
      body: {
        status: 'success',
        data: {
          resultType: 'vector',
          result: answer.vector.map((s) => ({ metric: s.metric, value: [now, text(s.value)] })),
        },
      },
    };
  });
  return { ...server, setAnswer: (query, answer) => void answers.set(query, answer) };
}
