# syntax=docker/dockerfile:1
# One image for every process of the token seeder (docs/deploy.md):
#   docker build -t token-seeder:local .
#   docker run … token-seeder:local                                   the API (the default command), port 8080
#   docker run … token-seeder:local node apps/worker/dist/main.js     a worker (health and metrics: MTS_WORKER_HTTP_PORT)
#   docker run … token-seeder:local node apps/ida-sandbox/dist/main.js   the IDA sandbox, for demos only
# The same Node major in every stage: better-sqlite3 is compiled in `deps` and runs in `runtime` (its ABI is fixed
# per major). Pin a full version (e.g. NODE_VERSION=20.20.2) for reproducible builds.
ARG NODE_VERSION=20

# 0. manifests: the root and every workspace's package.json and the lockfile, nothing else. The stages that install
# copy only this, so their `npm ci` layers are reused until a manifest or the lockfile changes.
FROM node:${NODE_VERSION}-bookworm AS manifests
WORKDIR /src
COPY . .
RUN set -eu; mkdir -p /manifests; \
    cp package.json package-lock.json /manifests/; \
    for dir in libs/* apps/*; do mkdir -p "/manifests/$dir"; cp "$dir/package.json" "/manifests/$dir/"; done

# 1. build: the whole workspace with its dev dependencies, compiled by Nx (tsc per project, in dependency order).
FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /src
ENV NX_NO_CLOUD=true NX_DAEMON=false NX_TUI=false
COPY --from=manifests /manifests/ ./
# Install scripts: none run here (the build only needs tsc), as in the repository, where allowScripts lets only
# better-sqlite3 run its own.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npx nx run-many -t build --output-style=static
# What the runtime needs of each workspace besides its package.json: its compiled dist (and the authenticator's
# bin); no sources, tests or dev tooling.
RUN set -eu; mkdir -p /out/deploy; \
    for dir in libs/* apps/*; do \
      mkdir -p "/out/$dir"; \
      if [ -d "$dir/dist" ]; then cp -R "$dir/dist" "/out/$dir/"; fi; \
      if [ -d "$dir/bin" ]; then cp -R "$dir/bin" "/out/$dir/"; fi; \
    done; \
    find /out -name '.tsbuildinfo' -delete; \
    cp -R deploy/demo /out/deploy/

# 2. deps: production dependencies only (the lockfile names every workspace, so npm ci needs all their manifests),
# with better-sqlite3 compiled here (python3, make and g++ are in this image, not in the slim one), so the runtime
# image carries no compiler.
FROM node:${NODE_VERSION}-bookworm AS deps
WORKDIR /app
COPY --from=manifests /manifests/ ./
# Only better-sqlite3's install script runs (package.json allowScripts): no other package's script (analytics,
# optional native extras) runs in the build.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 \
 && npm cache clean --force

# 3. runtime: slim Node, the production node_modules, the compiled apps and libs; runs as the image's `node` user
# (uid 1000, numeric so Kubernetes' runAsNonRoot can check it).
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    MTS_DATA_DIR=/var/lib/mts
WORKDIR /app
# node_modules and the workspace manifests (with any workspace-local node_modules npm nested there), then the builds.
COPY --from=deps /app/ ./
COPY --from=build /out/ ./
# The embedded default (no MTS_DATABASE_URL) keeps SQLite, files and the key file here; mount a volume on it. On
# PostgreSQL nothing durable is written here.
RUN mkdir -p /var/lib/mts && chown 1000:1000 /var/lib/mts && chmod 0700 /var/lib/mts
USER 1000:1000
# API (PORT), worker health and metrics (MTS_WORKER_HTTP_PORT), IDA sandbox (IDA_SANDBOX_PORT).
EXPOSE 8080 9464 8090
CMD ["node", "apps/api/dist/main.js"]
