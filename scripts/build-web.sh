#!/usr/bin/env bash
# Builds the web app into web/dist when it is missing or older than its sources.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=web/dist/index.html
if [ -f "$stamp" ] && [ -z "$(find web/src web/index.html web/vite.config.ts package-lock.json -newer "$stamp" -print -quit 2>/dev/null)" ]; then
  exit 0
fi
printf '[setup] building the web app (web/dist)\n' >&2
# Tests run with NODE_ENV=test; the bundle must be the production build of React.
NODE_ENV=production npx vite build --config web/vite.config.ts
