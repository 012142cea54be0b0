#!/usr/bin/env bash
# Reproduce static/vendor/ from the npm registry: the map's JavaScript and CSS
# are served by the app itself (or inlined into exported HTML), never loaded
# from a CDN.  The files are committed; this script documents and re-creates
# their provenance.  Each tarball is checked against its pinned npm integrity
# hash before anything is copied.
#
# Versions:
# - leaflet 1.9.4: folium 0.20 links 1.9.3 from a CDN; 1.9.4 is the last 1.9.x,
#   a bug-fix release with the same API.
# - leaflet.markercluster 1.5.3: folium links 1.1.0; 1.5.3 is the current
#   release for Leaflet 1.x, same L.markerClusterGroup API.
# - supercluster 9.1.0: clusters the map's large point layers (runtime.js
#   draws its clusters; markercluster stays only for folium's MarkerCluster
#   plugins, e.g. the benchmark's FastMarkerCluster peer).  Its UMD build
#   dist/supercluster.min.js bundles kdbush 4.1.0 (its only runtime
#   dependency, the same code as kdbush's own index.js), so kdbush is fetched
#   only for its licence, kept next to supercluster's.
# - jquery 3.7.1: the version folium 0.20 links.  Only folium.Popup (HTML
#   popups) and Map.keep_in_front use it; mapping/offline.py adds it to a page
#   only when such an element is present.
#
# Usage: scripts/vendor_assets.sh   (needs npm and network access to the registry)
set -euo pipefail
cd "$(dirname "$0")/.."

dest=static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

declare -A integrity=(
  [leaflet@1.9.4]="sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=="
  [leaflet.markercluster@1.5.3]="sha512-vPTw/Bndq7eQHjLBVlWpnGeLa3t+3zGiuM7fJwCkiMFq+nmRuG3RI3f7f4N4TDX7T4NpbAXpR2+NTRSEGfCSeA=="
  [supercluster@9.1.0]="sha512-WMhsJPm8Tf9f5mKxJ1D0mB5tbCMOFi8wTrm/LGnsJHGg8xkeNT/TWDZuFauOGRISnclbYgnxD7g3xJAfQO3FLg=="
  [kdbush@4.1.0]="sha512-e9vurzrXJQrFX6ckpHP3bvj5l+9CnYzkxDNnNQ1h2QTqdWsUAJgXiKdGNcOa1EY85dU8KbQ+z/FdQdB7P+9yfQ=="
  [jquery@3.7.1]="sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg=="
  [leaflet-draw@1.0.4]="sha512-rsQ6saQO5ST5Aj6XRFylr5zvarWgzWnrg46zQ1MEOEIHsppdC/8hnN8qMoFvACsPvTioAuysya/TVtog15tyAQ=="
)

# fetch SPEC: download the tarball of SPEC and unpack it to $work/SPEC/package
fetch() {
  local spec=$1 tgz got
  tgz=$(cd "$work" && npm pack "$spec" --silent 2>/dev/null | tail -n1)
  got="sha512-$(openssl dgst -sha512 -binary "$work/$tgz" | base64 -w0)"
  if [ "$got" != "${integrity[$spec]}" ]; then
    echo "integrity mismatch for $spec: $got" >&2
    exit 1
  fi
  mkdir -p "$work/$spec"
  tar -xzf "$work/$tgz" -C "$work/$spec"
}

# copy SPEC TARGET FILE...: copy package-relative FILEs into $dest/TARGET
copy() {
  local spec=$1 target=$2
  shift 2
  for f in "$@"; do
    install -D -m 0644 "$work/$spec/package/$f" "$dest/$target/${f#dist/}"
  done
}

rm -rf "$dest"
mkdir -p "$dest"

fetch leaflet@1.9.4
copy leaflet@1.9.4 leaflet LICENSE dist/leaflet.js dist/leaflet.css \
  dist/images/layers.png dist/images/layers-2x.png \
  dist/images/marker-icon.png dist/images/marker-icon-2x.png dist/images/marker-shadow.png

fetch leaflet.markercluster@1.5.3
copy leaflet.markercluster@1.5.3 leaflet.markercluster MIT-LICENCE.txt \
  dist/leaflet.markercluster.js dist/MarkerCluster.css dist/MarkerCluster.Default.css

fetch supercluster@9.1.0
copy supercluster@9.1.0 supercluster LICENSE dist/supercluster.min.js
fetch kdbush@4.1.0
install -D -m 0644 "$work/kdbush@4.1.0/package/LICENSE" "$dest/supercluster/kdbush-LICENSE"

fetch jquery@3.7.1
copy jquery@3.7.1 jquery LICENSE.txt dist/jquery.min.js

# leaflet-draw: drawing areas (e.g. a need that covers a square or an estate)
# on the edit page.  Its npm package carries no licence file; package.json
# says MIT, and the upstream MIT-LICENSE.md is reproduced below.
fetch leaflet-draw@1.0.4
copy leaflet-draw@1.0.4 leaflet-draw dist/leaflet.draw.js dist/leaflet.draw.css \
  dist/images/spritesheet.png dist/images/spritesheet-2x.png dist/images/spritesheet.svg
cat > "$dest/leaflet-draw/MIT-LICENSE.md" <<'LICENCE'
Copyright 2012-2017 Jon West, Jacob Toye, and Leaflet

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of
the Software, and to permit persons to whom the Software is furnished to do so,
subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS
FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
LICENCE

# Source maps are not shipped: drop the trailing sourceMappingURL comments so
# no browser (devtools open or not) asks for a file that is not there.
sed -i '/^\/\/# sourceMappingURL=/d' \
  "$dest/leaflet/leaflet.js" "$dest/leaflet.markercluster/leaflet.markercluster.js" \
  "$dest/jquery/jquery.min.js"

cat > "$dest/README.md" <<EOF
# Vendored map assets

Generated by \`scripts/vendor_assets.sh\` from \`npm pack\` of pinned versions
(integrity-checked); do not edit by hand.  Each directory keeps its package's
licence file.

| package | version | licence | npm integrity |
|---|---|---|---|
| leaflet | 1.9.4 | BSD-2-Clause | ${integrity[leaflet@1.9.4]} |
| leaflet.markercluster | 1.5.3 | MIT | ${integrity[leaflet.markercluster@1.5.3]} |
| supercluster | 9.1.0 | ISC | ${integrity[supercluster@9.1.0]} |
| kdbush (bundled in supercluster.min.js; licence only) | 4.1.0 | ISC | ${integrity[kdbush@4.1.0]} |
| jquery | 3.7.1 | MIT | ${integrity[jquery@3.7.1]} |
| leaflet-draw | 1.0.4 | MIT | ${integrity[leaflet-draw@1.0.4]} |

Only the dist files the map needs are kept; source maps are dropped (and their
\`sourceMappingURL\` comments removed).
EOF

find "$dest" -type f | sort
