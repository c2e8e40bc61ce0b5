#!/usr/bin/env bash
# Installs the Debian packages PropIntel needs, when they are missing.
#   runtime: PostgreSQL 15 server + PostGIS 3, Node.js + npm (installs Leaflet for the maps)
#   test:    runtime + Chromium (Playwright drives Debian's Chromium; it downloads no browser)
#            + PgBouncer (the throughput benchmark's smoke test)
# As root it runs apt-get; otherwise it prints the exact command to run and fails.
set -euo pipefail

profile="${1:-runtime}"
missing=()

if [ -z "${PROPINTEL_DATABASE_URL:-}" ]; then
  [ -x /usr/lib/postgresql/15/bin/pg_ctl ] || missing+=(postgresql-15)
  [ -f /usr/share/postgresql/15/extension/postgis.control ] || missing+=(postgresql-15-postgis-3)
fi
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)  # Leaflet for the maps (make vendor)
if [ "$profile" = "test" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
  # The throughput benchmark's PgBouncer (bench/load.py --pgbouncer; its smoke test runs it).
  [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

command_line="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "PropIntel needs these Debian packages: ${missing[*]}" >&2
  echo "Run as root:  sudo sh -c '$command_line'" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
