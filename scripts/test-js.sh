#!/usr/bin/env bash
# Our own browser code (static/, outside static/vendor): `node --check` on every
# file, then the node unit tests of its pure parts (static/tests/*.test.js,
# node's built-in runner).  Installs Debian's nodejs when node is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs
fi
mapfile -t files < <(find static -name '*.js' -not -path 'static/vendor/*' | sort)
for file in "${files[@]}"; do
  node --check "$file"
done
echo "node --check: ${#files[@]} plików OK"
node --test static/tests/
