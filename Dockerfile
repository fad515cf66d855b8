# syntax=docker/dockerfile:1
# Annexa's image: built on node:20 (bookworm), run on distroless Node.js 20 (bookworm): no shell,
# no package manager, no npm, no build tools. A numeric non-root user; nothing is written to the
# root file system at run time (readOnlyRootFilesystem: true works; /tmp is an emptyDir in deploy/).

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Dev dependencies (tsc, esbuild) are needed to build; better-sqlite3 installs its prebuilt binary.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3 esbuild
COPY tsconfig.json ./
COPY bin ./bin
COPY scripts ./scripts
COPY src ./src
COPY test ./test
COPY bench ./bench
COPY examples ./examples
RUN npx tsc -p tsconfig.json \
 && node scripts/bundle.mjs \
 && npm prune --omit=dev \
 && npm cache clean --force

FROM gcr.io/distroless/nodejs20-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/bin ./bin
COPY --from=build /src/dist/bundle ./dist/bundle
COPY --from=build /src/dist/src ./dist/src
COPY --from=build /src/examples ./examples
USER 10001:10001
EXPOSE 8080 8081 8443
ENTRYPOINT ["/nodejs/bin/node", "/app/bin/annexa.js"]
CMD ["--help"]
