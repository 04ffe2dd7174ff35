# syntax=docker/dockerfile:1
# Build stage: install all dependencies, compile TypeScript, then drop the development dependencies.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

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
EXPOSE 3000
# The web role answers /healthz; a worker (ROLE=worker) serves no HTTP, so for it the check is that the
# process runs. Kubernetes ignores HEALTHCHECK and uses the Deployment's probes.
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "if (process.env.ROLE === 'worker') process.exit(0); fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "dist/main/main.js"]
