#!/usr/bin/env bash
# scripts/setup-browser.sh — Debian's Chromium and ChromeDriver for the web client's browser
# tests (idempotent; needs root or sudo). Without them those tests are skipped with a reason.
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "chromium is missing and this user cannot install it: browser tests will be skipped" >&2
    exit 0
  fi
fi
if command -v apt-get >/dev/null; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
else
  echo "no apt-get: install chromium and chromedriver yourself; browser tests will be skipped" >&2
fi
