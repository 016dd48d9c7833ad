# One image for every brandpulse service; the compose command picks the service
# (`brandpulse ingest`, `brandpulse sink`, ...).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY schemas ./schemas
COPY services ./services
COPY infra/clickhouse ./infra/clickhouse
COPY infra/brands.yaml ./infra/brands.yaml
COPY bin ./bin
USER node
# Exec form, the service itself as the process: `node --import tsx` loads the TypeScript in-process
# (no wrapper between docker and the service, so SIGTERM reaches its drain; docs/stopping.md).
# compose adds `init: true`: tini as PID 1 forwards the signals and reaps zombies.
ENTRYPOINT ["node", "--import", "tsx", "services/cli.ts"]
