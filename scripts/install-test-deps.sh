#!/usr/bin/env bash
# Installs what the test suite needs beyond Rust: Debian's chromium and chromedriver, used by
# the browser test (crates/cli/tests/it/browser.rs). Idempotent: does nothing when
# /usr/bin/chromium and /usr/bin/chromedriver are already there. Uses only the distribution's
# package registry.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
