#!/usr/bin/env bash
# Creates (or refreshes) the repository's development Python virtual environment in .venv with the
# pinned engine, CLI and test requirements (the tests use it; the insurancelake CLI makes its own, with
# the run-time requirements only, in the user's cache folder). Idempotent: reinstalls only when a
# requirements file changed.
# Prints the venv's python path on the last line of stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${INSURANCELAKE_VENV:-$root/.venv}"
reqs=("$root/assets/glue/requirements.txt" "$root/packages/cli/python/requirements.txt" "$root/assets/glue/requirements-dev.txt" "$root/assets/glue/requirements.lock")

find_python() {
  for candidate in "${INSURANCELAKE_PYTHON:-}" python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

if ! command -v java >/dev/null 2>&1; then
  echo "insurancelake: Java 17 is required for local Spark; install a JDK 17 (e.g. apt-get install openjdk-17-jdk) and put java on PATH" >&2
  exit 1
fi
# Several processes (parallel test runs, the CLI) may call this at once: one sets up, the others wait.
mkdir -p "$root/build"
exec 9>"$root/build/.python-env.lock"
flock 9
if [ ! -x "$venv/bin/python" ]; then
  python="$(find_python)" || {
    echo "insurancelake: Python 3.11 is required (the Glue 5.1 Python); install it and put python3.11 on PATH, or set INSURANCELAKE_PYTHON" >&2
    exit 1
  }
  "$python" -m venv "$venv" >&2
fi

stamp="$venv/.requirements.sha256"
want="$(cat "${reqs[@]}" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  echo "insurancelake: installing Python requirements into $venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$root/assets/glue/requirements-dev.txt" -c "$root/assets/glue/requirements.lock" >&2
  echo "$want" >"$stamp"
fi
echo "$venv/bin/python"
