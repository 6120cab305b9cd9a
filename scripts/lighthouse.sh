#!/usr/bin/env bash
# Lighthouse (npm's `lighthouse`, driving Debian's Chromium) on the sample site's page types,
# mobile and desktop: prints a Markdown table of the four category scores, as recorded in
# docs/lighthouse.md. Not a test: scores depend on the machine; what must hold (no
# accessibility violation) is asserted by tests/integration/accessibility.rs.
#
#   scripts/lighthouse.sh            # needs chromium (apt-get install chromium) and npm
#
# Lighthouse is installed into a temporary folder from the npm registry (LIGHTHOUSE_VERSION).
set -euo pipefail
cd "$(dirname "$0")/.."

version=${LIGHTHOUSE_VERSION:-12}
port=${PORT:-18830}
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

echo "installing lighthouse@$version ..." >&2
npm install --silent --no-audit --no-fund --prefix "$work/lh" "lighthouse@$version" >&2
lighthouse="$work/lh/node_modules/.bin/lighthouse"

echo "building the sample ..." >&2
cargo build --release --quiet
target/release/tradekb build -q -o "$work/site" --base-url "http://127.0.0.1:$port/"

python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/site" >/dev/null 2>&1 &
server=$!
sleep 1

pages=(
  "home|"
  "article|policies/changsha-customs-reply/"
  "section|policies/"
  "tag|tags/central-western/"
  "city|cities/changsha/"
  "timeline|timeline/"
  "search page|search/"
  "search results|search/?q=%E9%95%BF%E6%B2%99"
)
flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
--disable-background-networking --disable-component-update --disable-sync"

echo "| page | form factor | performance | accessibility | best practices | SEO |"
echo "|---|---|---:|---:|---:|---:|"
for entry in "${pages[@]}"; do
  name=${entry%%|*}
  path=${entry#*|}
  for preset in mobile desktop; do
    out="$work/$name-$preset.json"
    extra=()
    [ "$preset" = desktop ] && extra=(--preset=desktop)
    CHROME_PATH=/usr/bin/chromium "$lighthouse" "http://127.0.0.1:$port/$path" \
      --quiet --chrome-flags="$flags" "${extra[@]}" \
      --only-categories=performance,accessibility,best-practices,seo \
      --output=json --output-path="$out" >&2
    python3 - "$out" "$name" "$preset" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
cats = report["categories"]
score = lambda k: round((cats[k]["score"] or 0) * 100)
row = [score(k) for k in ("performance", "accessibility", "best-practices", "seo")]
print(f"| {sys.argv[2]} | {sys.argv[3]} | " + " | ".join(map(str, row)) + " |")
for k in ("performance", "accessibility", "best-practices", "seo"):
    for ref in cats[k]["auditRefs"]:
        a = report["audits"][ref["id"]]
        if ref["weight"] and a["score"] is not None and a["score"] < 1:
            print(f"  {k}: {a['id']} ({a['score']}): {a['title']}", file=sys.stderr)
EOF
  done
done
