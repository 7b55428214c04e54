#!/usr/bin/env bash
# One command: set up, build the index from corpus/ on first start, and serve Kennisbank on http://127.0.0.1:5000
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/kennisbank serve --corpus corpus "$@"
