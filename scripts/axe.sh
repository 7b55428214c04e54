#!/usr/bin/env bash
# axe-core (accessibility checks for the browser tests) from the npm registry into .cache/axe/; only when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
target=".cache/axe/axe.min.js"
version="${AXE_VERSION:-4}"
[ -s "$target" ] && exit 0
if ! command -v npm >/dev/null 2>&1; then
  echo "npm ontbreekt: axe-core niet gedownload (de toegankelijkheidstests worden overgeslagen)"; exit 1
fi
mkdir -p .cache/axe
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "== axe-core@$version downloaden naar .cache/axe/"
tarball="$(cd "$work" && npm pack --silent "axe-core@$version" 2>/dev/null | tail -n 1)"
tar -xzf "$work/$tarball" -C "$work" package/axe.min.js package/package.json
cp "$work/package/axe.min.js" "$target.tmp" && mv "$target.tmp" "$target"
sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$work/package/package.json" | head -n 1 > .cache/axe/VERSION
