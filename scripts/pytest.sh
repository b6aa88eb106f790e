#!/usr/bin/env bash
# Runs the engine's Python checks: ruff, mypy (strict) on the engine and the local package, then
# pytest on local Spark. Sets up .venv first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="$("$root/scripts/python-env.sh" | tail -n 1)"
cd "$root"
# The repository's own Ivy cache of the Spark jars (the CLI uses the user's cache folder).
export INSURANCELAKE_IVY_DIR="${INSURANCELAKE_IVY_DIR:-$root/build/ivy}"
"$python" -m ruff check assets/glue packages/cli/python test/python test/bindings bench
# Settings (strict, the per-library exceptions) are in pyproject.toml.
"$python" -m mypy assets/glue/insurancelake_etl assets/glue/etl_*.py assets/glue/glue_runtime.py assets/glue/glue_dq.py \
  packages/cli/python/insurancelake_local
mkdir -p test-reports
"$python" -m pytest test/python --junitxml=test-reports/pytest.xml -p no:cacheprovider "$@"
