#!/usr/bin/env bash
# Makes sure the Debian chromium package is installed: the report render test drives it headless
# (playwright-core, no browser download). Installs it with apt-get when missing and we are root;
# otherwise fails with a message that says what to install. Prints the browser's path on stdout.
set -euo pipefail
browser=/usr/bin/chromium

if [ -x "$browser" ]; then
  echo "$browser"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "insurancelake: the report test needs Chromium at $browser; install the Debian package as root: apt-get install -y chromium fonts-dejavu-core" >&2
  exit 1
fi
# Several jest workers may start at once: one installs, the others wait and then find it installed.
exec 9>/tmp/insurancelake-ensure-chromium.lock
flock 9
if [ ! -x "$browser" ]; then
  echo "insurancelake: installing the Debian chromium package (apt-get install -y chromium fonts-dejavu-core)" >&2
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine may have no package lists yet; an install from stale lists is retried after an update.
  if ! apt-get install -y --no-install-recommends chromium fonts-dejavu-core >&2; then
    apt-get update >&2
    apt-get install -y --no-install-recommends chromium fonts-dejavu-core >&2
  fi
fi
if [ ! -x "$browser" ]; then
  echo "insurancelake: apt-get installed chromium but $browser is missing" >&2
  exit 1
fi
echo "$browser"
