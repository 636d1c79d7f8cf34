#!/bin/sh
# Chromium and a CJK font for the browser tests (Debian). Idempotent: does nothing when both are there.
# Never `playwright install`: it downloads a browser, which fails on offline machines.
set -eu
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy"; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 && SUDO="sudo -n" || { echo "install_browser.sh: need root or sudo to apt-get install chromium" >&2; exit 1; }
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-wqy-microhei >/dev/null
test -x /usr/bin/chromium
