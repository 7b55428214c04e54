#!/usr/bin/env bash
# One command: set up (including test tools and system packages) and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
scripts/system-packages.sh || echo "waarschuwing: systeempakketten niet (volledig) geïnstalleerd; tests die ze nodig hebben worden overgeslagen"
scripts/axe.sh || echo "waarschuwing: axe-core niet beschikbaar; de toegankelijkheidstests worden overgeslagen"
echo "== ruff check"
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
