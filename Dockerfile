# One image for every brandpulse service; the compose command picks the service
# (`brandpulse ingest`, `brandpulse sink`, ...).
#
# Node 24, the Active LTS line (security fixes until April 2028); Node 20 left maintenance in April
# 2026. The development machines and CI still run Node 20.19+, which `engines` keeps supported.
#
# Three stages: `build` compiles the TypeScript with `npm run build` (tsconfig.build.json, relative
# `.ts` imports rewritten to `.js`); `deps` installs the production dependencies only; the runtime
# image holds those, the compiled JavaScript and the data files the code reads, and runs plain node:
# no tsx and no compiler at run time.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY services ./services
COPY dashboards ./dashboards
# The runtime tree: every compiled file where its TypeScript was, so the files the code finds next to
# itself (services/nlp/models, ../../schemas, ../../infra) are where they are in the repo.
RUN npm run build \
 && find services dashboards -name '*.ts' -delete \
 && cp -R dist/services dist/dashboards . \
 && rm -rf dist

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production
# package.json: "type": "module" makes node read the compiled .js as ES modules.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY schemas ./schemas
COPY infra/clickhouse ./infra/clickhouse
COPY infra/brands.yaml ./infra/brands.yaml
COPY --from=build /app/services ./services
COPY --from=build /app/dashboards ./dashboards
USER node
# Exec form, the service itself as the process: no wrapper between docker and the service, so SIGTERM
# reaches its drain (docs/stopping.md). compose adds `init: true`: tini as PID 1 forwards the signals
# and reaps zombies.
ENTRYPOINT ["node", "services/cli.js"]
