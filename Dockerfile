# syntax=docker/dockerfile:1
#
# The carrier gateway on Node, production image.
#   docker build -t carrier-gateway .
#   docker run -p 8080:8080 \
#     -e GATEWAY_CONFIG=/config/gateway.json -v "$PWD/config:/config:ro" \
#     -e GATEWAY_API_KEYS -e UPS_CLIENT_ID -e UPS_CLIENT_SECRET ... carrier-gateway
# Configuration and secrets come from the environment (and a mounted config file) at run
# time; none is baked into the image. Without GATEWAY_CONFIG it starts in sandbox mode.
#
# Pinned to an exact Node 24 LTS release; pin the digest too (node:24.x.y-slim@sha256:...)
# in your registry mirror for fully reproducible builds.

# --- 1. production dependencies only, from the lockfile -----------------------------------
FROM node:24.21.0-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- 2. runtime: Node runs the TypeScript sources directly (type stripping) ----------------
FROM node:24.21.0-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json ./
COPY --chown=node:node src ./src
COPY --chown=node:node carriers ./carriers
COPY --chown=node:node sandbox ./sandbox
# The image's own non-root user (uid 1000).
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and gets SIGTERM itself; the gateway drains in-flight requests
# and exits 0 (src/runtime/node/shutdown.ts). `docker run --init` is not needed.
STOPSIGNAL SIGTERM
CMD ["node", "src/runtime/node/main.ts"]
