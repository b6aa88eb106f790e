#!/usr/bin/env bash
# Builds the Python package with jsii-pacmak, installs the wheel into a fresh virtual environment
# and synthesizes an InsuranceLake from Python, cdk-nag clean (test/bindings/python_smoke_app.py).
# Needs the compiled library (.jsii); `npm test` compiles first.
set -euo pipefail
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="$(command -v python3.11 || command -v python3)"
venv="$root/build/bindings-venv"

npx jsii-pacmak --target python --outdir dist
wheel="$(ls -t dist/python/*.whl | head -n 1)"
# The construct ships no command (the insurancelake CLI is the cdk-insurancelake-cli npm package), so
# the wheel must not declare a console script that would start a file the package does not have.
"$python" - "$wheel" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
scripts = [n for n in names if n.endswith("entry_points.txt") or ".data/scripts/" in n or "/_jsii/bin/" in n]
if scripts:
    sys.exit(f"python bindings: the wheel declares commands the construct does not ship: {scripts}")
PY

[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
# The floor aws-cdk-lib we build against, so the smoke test is reproducible.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "aws-cdk-lib==2.270.0" "cdk-nag==3.0.2" "$wheel"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheel"
"$venv/bin/python" test/bindings/python_smoke_app.py

# Java: the sources are generated and checked; the Maven build needs aws-cdk-lib >= 2.270 from Maven
# Central, which the registry reachable here does not serve yet (newest: 2.263.0).
rm -rf dist/java-src
npx jsii-pacmak --target java --code-only --outdir dist/java-src
java_class="$(find dist/java-src -path '*io/github/cdkinsurancelake/InsuranceLake.java' | head -n 1)"
if [ -z "$java_class" ] || ! grep -q "public class InsuranceLake extends software.constructs.Construct" "$java_class"; then
  echo "java bindings: InsuranceLake.java was not generated as expected" >&2
  exit 1
fi
echo "java bindings: generated $(find dist/java-src -name '*.java' | wc -l) sources"
