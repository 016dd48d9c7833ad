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
ENTRYPOINT ["node", "bin/brandpulse.mjs"]
