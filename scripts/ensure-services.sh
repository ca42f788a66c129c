#!/usr/bin/env bash
# Makes this machine ready to run intake: npm packages, fonts, PostgreSQL and Redis.
# Starts what is installed but stopped; installs what is missing when run as root on Debian;
# otherwise says exactly what to do. Only local services (127.0.0.1/localhost) are managed.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/intake}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
is_root() { [ "$(id -u)" = 0 ]; }
apt_updated=""
apt_install() {
  is_root || die "missing Debian packages: $*. Run as root: apt-get update && apt-get install -y $*"
  if [ -z "$apt_updated" ]; then say "apt-get update"; apt-get update -qq; apt_updated=1; fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
host_of() { node -e 'const u=new URL(process.argv[1]);console.log(u.hostname)' "$1"; }
port_of() { node -e 'const u=new URL(process.argv[1]);console.log(u.port||process.argv[2])' "$1" "$2"; }
is_local() { case "$1" in 127.0.0.1|localhost|::1|'[::1]') return 0;; *) return 1;; esac; }

# --- Node and npm packages ---------------------------------------------------------------
command -v node >/dev/null || die "Node.js 20 or newer is required (https://nodejs.org or Debian's nodejs package)"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || die "Node.js 20 or newer is required (found $(node --version))"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# --- Chromium for the browser tests (scripts/test.sh passes --browser) -----------------------
if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null; then apt_install chromium; fi

# --- Tools the tests check archive PDFs with (tests/unit/archive-pdf.test.ts): qpdf --check and
# Debian's python3-pikepdf (run with /usr/bin/python3, not a pyenv python) ---------------------
if [ "${1:-}" = "--browser" ]; then
  command -v qpdf >/dev/null || apt_install qpdf
  /usr/bin/python3 -c 'import pikepdf' 2>/dev/null || apt_install python3-pikepdf
fi

# --- Fonts (sample scans are rendered with DejaVu; the independent evaluation set, npm run
# eval:independent, with Debian's other font packages so that it shares no face with them) ----
# (grep without -q: with pipefail, fc-list killed by SIGPIPE would fail the test and reinstall every run)
if ! fc-list 2>/dev/null | grep -i "DejaVu Sans" >/dev/null; then apt_install fonts-dejavu-core fontconfig; fi
ie_fonts=""
[ -f /usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf ] || ie_fonts="$ie_fonts fonts-liberation"
[ -f /usr/share/fonts/truetype/freefont/FreeSerif.ttf ] || ie_fonts="$ie_fonts fonts-freefont-ttf"
[ -f /usr/share/fonts/opentype/urw-base35/NimbusRoman-Regular.otf ] || ie_fonts="$ie_fonts fonts-urw-base35"
[ -f /usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf ] || ie_fonts="$ie_fonts fonts-noto-core"
[ -f /usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf ] || ie_fonts="$ie_fonts fonts-crosextra-carlito"
[ -f /usr/share/fonts/truetype/crosextra/Caladea-Regular.ttf ] || ie_fonts="$ie_fonts fonts-crosextra-caladea"
[ -f /usr/share/fonts/truetype/cmu/cmuntt.ttf ] || ie_fonts="$ie_fonts fonts-cmu"
if [ -n "$ie_fonts" ]; then
  if is_root; then apt_install $ie_fonts
  else say "optional (npm run eval:independent): apt-get install$ie_fonts"; fi
fi

# --- OCR language data: Debian's "fast" models for Norwegian and English, the default OCR_LANGS
# (and the tesseract CLI the OCR benchmark compares against). Optional: without them OCR reads
# the npm packages' slower models.
if [ ! -f /usr/share/tesseract-ocr/5/tessdata/nor.traineddata ] || [ ! -f /usr/share/tesseract-ocr/5/tessdata/eng.traineddata ] || ! command -v tesseract >/dev/null || [ ! -x /usr/bin/time ]; then
  if is_root; then apt_install tesseract-ocr tesseract-ocr-nor tesseract-ocr-eng time
  else say "optional: apt-get install tesseract-ocr tesseract-ocr-nor tesseract-ocr-eng (faster OCR models; npm's are used until then)"; fi
fi

# --- PostgreSQL ----------------------------------------------------------------------------
pg_host=$(host_of "$DATABASE_URL"); pg_port=$(port_of "$DATABASE_URL" 5432)
pg_up() { command -v pg_isready >/dev/null && pg_isready -q -h "$pg_host" -p "$pg_port"; }
if ! pg_up; then
  is_local "$pg_host" || die "PostgreSQL at $pg_host:$pg_port does not answer; start it or set DATABASE_URL"
  installed_pg=""
  if ! command -v pg_ctlcluster >/dev/null; then apt_install postgresql; installed_pg=1; fi
  version=$(ls /etc/postgresql | sort -n | tail -1)
  if [ -n "$installed_pg" ]; then
    # A fresh server only allows password or peer logins; local development uses trust on loopback.
    hba="/etc/postgresql/$version/main/pg_hba.conf"
    sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
    say "PostgreSQL $version installed; loopback connections trusted ($hba)"
  fi
  say "starting PostgreSQL $version"
  is_root || die "PostgreSQL is stopped; start it with: sudo pg_ctlcluster $version main start"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || pg_ctlcluster "$version" main start
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || die "PostgreSQL did not start; see /var/log/postgresql/"
fi

# --- Redis ---------------------------------------------------------------------------------
r_host=$(host_of "$REDIS_URL"); r_port=$(port_of "$REDIS_URL" 6379)
redis_up() { command -v redis-cli >/dev/null && [ "$(redis-cli -h "$r_host" -p "$r_port" ping 2>/dev/null)" = PONG ]; }
if ! redis_up; then
  is_local "$r_host" || die "Redis at $r_host:$r_port does not answer; start it or set REDIS_URL"
  command -v redis-server >/dev/null || apt_install redis-server
  say "starting Redis on port $r_port"
  mkdir -p /tmp/intake-redis
  # As BullMQ asks: append-only persistence (a restart keeps the queued jobs) and noeviction (Redis
  # refuses writes when full instead of silently dropping job keys).
  redis-server --daemonize yes --bind 127.0.0.1 --port "$r_port" --save "" --appendonly yes --appendfsync everysec \
    --maxmemory-policy noeviction --dir /tmp/intake-redis --logfile /tmp/intake-redis/redis.log
  for _ in $(seq 1 30); do redis_up && break; sleep 0.5; done
  redis_up || die "Redis did not start; see /tmp/intake-redis/redis.log"
else
  # A Redis we did not start: say what is wrong, never change it (it may be shared).
  policy=$(redis-cli -h "$r_host" -p "$r_port" config get maxmemory-policy 2>/dev/null | sed -n 2p || true)
  aof=$(redis-cli -h "$r_host" -p "$r_port" config get appendonly 2>/dev/null | sed -n 2p || true)
  [ -z "$policy" ] || [ "$policy" = noeviction ] || say "WARN: Redis at $r_host:$r_port has maxmemory-policy $policy; BullMQ needs noeviction (jobs may be evicted). Set it in redis.conf: maxmemory-policy noeviction"
  [ -z "$aof" ] || [ "$aof" = yes ] || say "WARN: Redis at $r_host:$r_port runs without append-only persistence; a restart loses queued jobs. Set it in redis.conf: appendonly yes"
fi
# --- The web app (served by the API from web/dist) -----------------------------------------
bash scripts/build-web.sh
say "ready: PostgreSQL $pg_host:$pg_port, Redis $r_host:$r_port"
