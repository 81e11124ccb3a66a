#!/usr/bin/env bash
# Install the headless browser the tests drive. Debian's chromium where apt is available
# (as on CI); elsewhere Playwright's own Chromium download (a laptop, a hosted runner).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  exit 0
fi
echo "install-browser: no Debian chromium here; using Playwright's own Chromium" >&2
"${1:-.venv/bin/python}" -m playwright install --with-deps chromium 2>/dev/null \
  || "${1:-.venv/bin/python}" -m playwright install chromium
