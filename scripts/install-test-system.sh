#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium (browser tests, driven by
# Playwright's Python API — never `playwright install`), GDAL's Python
# utilities (the GeoPackage validator), ogrinfo (edits made outside the app,
# as QGIS makes them, in tests/test_store_outside_edits.py) and PostGIS for the
# PostgreSQL 15 server (the PostGIS backend's tests), LibreOffice Writer and
# poppler-utils (the yearly report's DOCX laid out as a PDF, its pages read back),
# and QGIS's Python bindings (a headless QGIS opens our GeoPackages with their
# styles, tests/test_export_qgis.py).  Installs only what is missing.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
[ -f /usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py ] || need+=(python3-gdal)
command -v ogrinfo >/dev/null || need+=(gdal-bin)
[ -f /usr/lib/python3/dist-packages/qgis/core/__init__.py ] || need+=(python3-qgis)
dpkg-query -W -f='${Status}' postgresql-15-postgis-3 2>/dev/null | grep -q "ok installed" \
  || need+=(postgresql-15-postgis-3)
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
command -v pdftotext >/dev/null || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  # No recommended packages: QGIS and LibreOffice would pull in desktops otherwise.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
