#!/usr/bin/env bash
# Check, and where possible install, what the operating system must provide.
#   scripts/system-deps.sh build   Pango and fonts, for WeasyPrint's PDF
#   scripts/system-deps.sh test    the above plus Debian's Chromium and poppler-utils, for the tests,
#                                  and axe-core (pinned, from the npm registry, with npm) in $AXE_CACHE for the browser test
# Installs with apt-get (through sudo when not root); otherwise says what is missing and exits 1.
set -euo pipefail
need=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-liberation)
if [ "${1:-build}" = "test" ]; then
  need+=(chromium poppler-utils)
fi
missing=()
for package in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
install_axe() {
  # The browser test runs axe-core in the page; it is fetched here, once, never while tests run.
  local cache="${AXE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/social-work-visioning}"
  [ -f "$cache/node_modules/axe-core/axe.min.js" ] && [ "$(cat "$cache/axe-version" 2>/dev/null)" = "$AXE_VERSION" ] && return 0
  if ! command -v npm >/dev/null; then
    echo "error: npm not found; install it (apt-get install npm) to fetch axe-core for the browser test" >&2
    exit 1
  fi
  mkdir -p "$cache"
  if ! npm install --no-save --no-audit --no-fund --silent --prefix "$cache" "axe-core@$AXE_VERSION" >/dev/null; then
    echo "error: could not install axe-core $AXE_VERSION from the npm registry into $cache" >&2
    exit 1
  fi
  echo "$AXE_VERSION" > "$cache/axe-version"
}
AXE_VERSION=4.14.1
if [ ${#missing[@]} -eq 0 ]; then
  [ "${1:-build}" = "test" ] && install_axe
  exit 0
fi
echo "system packages missing: ${missing[*]}; installing them with apt-get"
if ! command -v apt-get >/dev/null; then
  echo "error: apt-get not found; install these packages by hand: ${missing[*]}" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then sudo="sudo"; else
    echo "error: not root and no sudo; ask an administrator to run: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq || true
if ! $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  echo "error: could not install: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
[ "${1:-build}" = "test" ] && install_axe
exit 0
