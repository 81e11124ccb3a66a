#!/usr/bin/env bash
# Install the headless browser the tests drive: Debian's chromium where this is Debian with
# apt and root (as on CI); elsewhere (a laptop, a hosted Ubuntu runner whose chromium is a
# snap) Playwright's own Chromium download.
#   usage: tools/install-browser.sh [PYTHON]
set -euo pipefail
# Chinese pages need a CJK font (fonts-noto-cjk), whether or not Chromium was already there:
# without one, Chinese renders as empty boxes (tests/site/test_cjk_font.py fails).
python="${1:-.venv/bin/python}"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -n "$(fc-list :lang=zh family 2>/dev/null)" ] || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} = 0 ]; then
  exit 0
fi
if grep -qx 'ID=debian' /etc/os-release 2>/dev/null && command -v apt-get >/dev/null; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
if [ -x /usr/bin/chromium ]; then
  echo "install-browser: no apt here; install a CJK font (e.g. Noto Sans CJK) yourself" >&2
  exit 1
fi
echo "install-browser: no Debian chromium here; installing Playwright's Chromium" >&2
"$python" -m playwright install --with-deps chromium || "$python" -m playwright install chromium
