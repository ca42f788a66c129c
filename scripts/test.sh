#!/usr/bin/env bash
# The test command (npm test): makes sure services run, then the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-services.sh --browser
exec npx vitest run "$@"
