#!/usr/bin/env bash
# Runs the engine's Python checks: ruff, then pytest on local Spark. Sets up .venv first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="$("$root/scripts/python-env.sh" | tail -n 1)"
cd "$root"
"$python" -m ruff check assets/glue test/python test/bindings bench
mkdir -p test-reports
"$python" -m pytest test/python --junitxml=test-reports/pytest.xml -p no:cacheprovider "$@"
