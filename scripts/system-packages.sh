#!/usr/bin/env bash
# Debian packages some features and tests need (OCR, headless browser); installed only when missing and possible.
set -uo pipefail
need=()
for pair in "tesseract:tesseract-ocr" "chromium:chromium" "chromedriver:chromium-driver"; do
  cmd="${pair%%:*}"; pkg="${pair#*:}"
  command -v "$cmd" >/dev/null 2>&1 || need+=("$pkg")
done
[ -f /usr/share/tesseract-ocr/5/tessdata/nld.traineddata ] || ls /usr/share/tesseract-ocr/*/tessdata/nld.traineddata >/dev/null 2>&1 || need+=("tesseract-ocr-nld")
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "ontbrekende systeempakketten: ${need[*]} (installeer ze met apt-get als root)"; exit 1
fi
echo "== systeempakketten installeren: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
