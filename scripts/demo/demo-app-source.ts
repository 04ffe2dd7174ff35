/**
 * The demo application's server script as it is at one version: a tiny Node HTTP server whose /health
 * answers its version. v0.8.0 is the "bad deploy": its home page fails, its health check still passes.
 */
export function demoAppSource(version: string): string {
  const broken = version === 'v0.8.0';
  return `// Demo app ${version}: started by scripts/demo/restart-app.mjs with the port in DEMO_APP_PORT.
import { createServer } from 'node:http';

const VERSION = ${JSON.stringify(version)};
const port = Number(process.env.DEMO_APP_PORT ?? 3900);

const server = createServer((request, response) => {
  if (request.url === '/health') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: 'ok', version: VERSION, pid: process.pid }));
    return;
  }
  ${broken ? "response.writeHead(500, { 'content-type': 'text/plain' });\n  response.end(`checkout is broken in ${VERSION}\\n`);" : "response.writeHead(200, { 'content-type': 'text/plain' });\n  response.end(`hello from the demo app ${VERSION}\\n`);"}
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;
}

export const DEMO_VERSIONS = ['v0.6.0', 'v0.7.0', 'v0.8.0'] as const;
