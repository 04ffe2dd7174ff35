import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP request with headers fetch() will not send as given (Host above all), as a browser fooled by
 * DNS rebinding or a hand-made client would send them.
 */
export function rawHttp(
  base: string,
  path: string,
  options: { host?: string; method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
        headers: { host: `${options.host ?? url.hostname}:${url.port}`, ...options.headers },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          // An event stream never ends: its first bytes are enough.
          body += chunk;
          if (response.headers['content-type']?.startsWith('text/event-stream')) response.destroy();
        });
        const done = () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
        response.on('end', done);
        response.on('close', done);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}
