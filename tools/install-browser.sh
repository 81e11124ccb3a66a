#!/usr/bin/env bash
# Install the headless browser the tests drive: Debian's chromium where this is Debian with
# apt and root (as on CI); elsewhere (a laptop, a hosted Ubuntu runner whose chromium is a
# snap) Playwright's own Chromium download.
#   usage: tools/install-browser.sh [PYTHON]
set -euo pipefail
python="${1:-.venv/bin/python}"
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if grep -qx 'ID=debian' /etc/os-release 2>/dev/null && command -v apt-get >/dev/null; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  exit 0
fi
echo "install-browser: no Debian chromium here; installing Playwright's Chromium" >&2
"$python" -m playwright install --with-deps chromium || "$python" -m playwright install chromium
