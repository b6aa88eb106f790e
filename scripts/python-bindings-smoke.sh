#!/usr/bin/env bash
# Builds the Python package with jsii-pacmak, installs the wheel into a fresh virtual environment
# and synthesizes an InsuranceLake from Python (test/bindings/python_smoke_app.py).
# Needs the compiled library (.jsii); `npm test` compiles first.
set -euo pipefail
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="$(command -v python3.11 || command -v python3)"
venv="$root/build/bindings-venv"

npx jsii-pacmak --target python --outdir dist
wheel="$(ls -t dist/python/*.whl | head -n 1)"

[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
# The floor aws-cdk-lib we build against, so the smoke test is reproducible.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "aws-cdk-lib==2.270.0" "$wheel"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheel"
"$venv/bin/python" test/bindings/python_smoke_app.py
