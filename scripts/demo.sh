#!/usr/bin/env bash
# Quick start: installs what is needed, then runs the demo (API + workers + a sample batch).
# Pass --once to exit after the routing summary; other flags go to `intake demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-services.sh
exec ./intake demo "$@"
