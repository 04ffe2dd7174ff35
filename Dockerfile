# syntax=docker/dockerfile:1
# Build stage: install all dependencies, compile TypeScript, then drop the development dependencies.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# TypeScript survives the prune: it is also an optional peer of valibot (used by Bull Board), which npm marks
# "devOptional" and keeps. Nothing needs it at run time (24 MB).
RUN npm run build && npm prune --omit=dev --no-audit --no-fund \
  && rm -rf node_modules/typescript node_modules/.bin/tsc node_modules/.bin/tsserver

# Runtime stage: production dependencies, compiled code, the service catalog; runs as the non-root `node`
# user (uid 1000). The code is owned by root and read-only to that user. It writes nothing but temporary
# files, so it runs with a read-only root filesystem given a writable /tmp (and /app/.data, used by the
# demo): `docker run --read-only --tmpfs /tmp --tmpfs /app/.data ...`; in Kubernetes, emptyDir volumes
# (manifests/base/*/deployment.yaml).
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000
# git and ssh for the host strategies, CA certificates for Slack and TLS to Redis, tini as PID 1 (signals
# reach node, zombies are reaped).
RUN apt-get update \
  && apt-get install -y --no-install-recommends git openssh-client ca-certificates tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The local web console's CSS and script are served from the source tree (no copy step at build).
COPY --from=build /app/src/transport/console/assets ./src/transport/console/assets
COPY package.json ./
COPY config ./config
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
# 3000: the web role (Slack, reports, /api, /admin/queues, /metrics); 3001: a worker's probes and metrics.
EXPOSE 3000 3001
# /healthz of the web role (PORT), or of a worker-only process (WORKER_HTTP_PORT, on loopback by default);
# a worker started with WORKER_HTTP_PORT=off has none, so for it the check is that the process runs.
# Kubernetes ignores HEALTHCHECK and uses the Deployment's probes.
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "const e = process.env; const port = e.ROLE === 'worker' ? (e.WORKER_HTTP_PORT || 3001) : (e.PORT || 3000); if (port === 'off') process.exit(0); fetch('http://127.0.0.1:' + port + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# --max-semi-space-size=4: V8's young generation grows to 2 x 16 MB during start-up and stays there; 4 MB
# semi-spaces keep an idle bot about 20 MB smaller (BENCHMARKS.md, "Idle RSS"). Same flags as `npm start`.
CMD ["node", "--enable-source-maps", "--max-semi-space-size=4", "dist/main/main.js"]
