# cpesim image: `docker build -t cpesim .`, then `docker run --rm cpesim run --help`.
# Two stages so the runtime image carries neither the TypeScript compiler nor the dev dependencies.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
# Only src/ is in the context: tsconfig.json's test/benchmarks/scripts globs then match nothing, and tsc builds dist/src.
RUN npx tsc -p . && npm prune --omit=dev

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
# profiles/ must sit beside package.json: src/paths.ts finds the package root by them.
COPY profiles ./profiles
COPY scenarios ./scenarios
RUN chmod +x dist/src/cli/main.js && ln -s /app/dist/src/cli/main.js /usr/local/bin/cpesim \
 && mkdir -p /results && chown node:node /results
# The image's own unprivileged user (uid 1000); Kubernetes runs it with runAsNonRoot.
USER node
ENTRYPOINT ["cpesim"]
