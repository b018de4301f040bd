#!/usr/bin/env bash
# Installs the system tools the tests use when they are missing (Debian, as root or via sudo).
# Each entry: a command the tests run, and the Debian package that provides it.
set -euo pipefail
needed=(
  # tests/browser.rs opens the HTML report in headless Chromium.
  chromium:chromium
  # tests/process.rs runs the reference stdio bridge, devices/examples/atp_relay.py.
  python3:python3
  # tests/pdf.rs counts the PDF's pages and reads its text.
  pdftotext:poppler-utils
  pdfinfo:poppler-utils
  # tests/catalog_web.rs drives the staff page in headless Chromium through WebDriver.
  chromedriver:chromium-driver
)
# Files the tests need that are not commands: a path, and the package that provides it.
files=(
  # Chinese text in the PDF report needs a CJK font.
  /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc:fonts-noto-cjk
)
missing=()
for entry in "${needed[@]}"; do
  cmd=${entry%%:*}
  pkg=${entry##*:}
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
done
for entry in "${files[@]}"; do
  path=${entry%%:*}
  pkg=${entry##*:}
  [ -e "$path" ] || missing+=("$pkg")
done
# tests/catalog.rs runs against a throwaway PostgreSQL cluster (scripts/pg-cluster.sh).
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u | sed '/^$/d')
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing test tools: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
