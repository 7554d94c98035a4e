#!/usr/bin/env bash
# Rebuilds the explorer (`npm ci && npm run build`) and fails when the committed dist/ differs
# from the fresh build, like the schema-freshness test. Skips, loudly, when the npm registry
# cannot be reached (cargo builds the server from the committed dist/ without Node.js).
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v npm >/dev/null 2>&1; then
  echo "!! ================================================================="
  echo "!! npm is not installed: the explorer freshness check is SKIPPED"
  echo "!! ================================================================="
  exit 0
fi
if ! timeout 20 npm ping >/dev/null 2>&1; then
  echo "!! ================================================================="
  echo "!! the npm registry does not answer: the explorer freshness check is SKIPPED"
  echo "!! ================================================================="
  exit 0
fi
npm ci --no-audit --no-fund
npm run build
if ! git diff --exit-code --stat -- dist || [ -n "$(git ls-files --others --exclude-standard -- dist)" ]; then
  echo "telemetry-api/explorer/dist is stale: run \`npm ci && npm run build\` in telemetry-api/explorer and commit dist/" >&2
  git ls-files --others --exclude-standard -- dist >&2
  exit 1
fi
echo "explorer dist/ is fresh"
