#!/usr/bin/env bash
# Builds the sample site, serves it on 127.0.0.1 and takes screenshots of its main pages
# with headless Chromium at 1280 and 390 pixels wide, in light and dark mode.
# Needs Debian's chromium and fonts-noto-cjk:  apt-get install -y chromium fonts-noto-cjk
# Usage: scripts/screenshots.sh [OUT_DIR]   (default /tmp/tradekb-shots)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/tradekb-shots}
port=${PORT:-8765}
site=$(mktemp -d)
mkdir -p "$out"

cargo run --release -q -- build --base-url "http://127.0.0.1:$port/" -o "$site/public" -q
python3 -m http.server "$port" --bind 127.0.0.1 -d "$site/public" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$site"' EXIT
sleep 1

pages=(
  "home|"
  "article|pilots/first-batch/"
  "policy|policies/changsha-customs-reply/"
  "cities|cities/"
  "city|cities/changsha/"
  "tags|tags/"
  "section|policies/"
)
shoot() { # name url width scheme
  local profile
  profile=$(mktemp -d)
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --window-size="$3,2400" \
    ${4:+--blink-settings=preferredColorScheme=$4} \
    --screenshot="$out/$1" "$2" >/dev/null 2>&1
  rm -rf "$profile"
}
for entry in "${pages[@]}"; do
  name=${entry%%|*}
  path=${entry#*|}
  for width in 1280 390; do
    shoot "$name-$width.png" "http://127.0.0.1:$port/$path" "$width" ""
    shoot "$name-$width-dark.png" "http://127.0.0.1:$port/$path" "$width" 0
  done
done
ls "$out"
