#!/usr/bin/env bash
# Packs the insurancelake CLI (packages/cli) as it is published. In the repository the CLI depends on
# the construct library through the npm workspace (`"cdk-insurancelake": "file:../.."`, a link to the
# repository root), which an install from a registry cannot resolve; the packed package.json depends
# on this repository's construct version instead. Needs the compiled CLI (packages/cli/lib).
# Usage: scripts/pack-cli.sh [destination folder, default dist/js]; prints the tarball's path.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-$root/dist/js}"
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

cd "$root/packages/cli"
# Exactly the files npm would pack from the workspace (package.json "files"/.npmignore rules applied).
npm pack --dry-run --json --ignore-scripts |
  node -e 'for (const f of JSON.parse(require("fs").readFileSync(0, "utf8"))[0].files) console.log(f.path)' |
  while IFS= read -r file; do
    mkdir -p "$stage/$(dirname "$file")"
    cp -p "$file" "$stage/$file"
  done
version="$(node -p "require('$root/package.json').version")"
cd "$stage"
npm pkg set "dependencies.cdk-insurancelake=$version"
npm pack --ignore-scripts --pack-destination "$dest" --json |
  node -e 'console.log(require("path").join(process.argv[1], JSON.parse(require("fs").readFileSync(0, "utf8"))[0].filename))' "$dest"
