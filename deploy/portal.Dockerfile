# The operator portal (Next.js): built once with `npm ci` + `next build`, served by `next start`.
#   docker build -f deploy/portal.Dockerfile -t konstruct-portal .
FROM node:22-bookworm-slim AS build
ENV NEXT_TELEMETRY_DISABLED=1
WORKDIR /portal
COPY portal/package.json portal/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY portal/ ./
RUN npm run build

FROM node:22-bookworm-slim
ENV NEXT_TELEMETRY_DISABLED=1 NODE_ENV=production
WORKDIR /portal
COPY --from=build --chown=node /portal ./
USER node
EXPOSE 3000
CMD ["npm", "run", "start"]
