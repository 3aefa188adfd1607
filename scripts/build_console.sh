#!/usr/bin/env bash
# Builds the web console (web/, Vite + TypeScript) into OUT_DIR, installing its npm packages
# from the lockfile when they are missing or the lockfile changed. Called by CMake (target console).
set -euo pipefail
out=${1:?usage: build_console.sh OUT_DIR}
cd "$(dirname "$0")/../web"
stamp=node_modules/.portico-lock-stamp
if [[ ! -f $stamp ]] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
npm run --silent build -- --outDir "$out" --emptyOutDir --logLevel warn
