#!/usr/bin/env bash
# Builds one fuzz target of fuzz/ with the flags cargo-fuzz uses (sanitizer coverage for
# libFuzzer; no AddressSanitizer, which needs nightly std) on stable Rust via
# RUSTC_BOOTSTRAP=1, then runs it for SECONDS. Crashes land in fuzz/artifacts/TARGET/.
# Usage: scripts/fuzz.sh TARGET [SECONDS]     (TARGET: html feed warc json dates server store)
#        scripts/fuzz.sh --build-only          (builds every target; what CI could run)
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
export RUSTC_BOOTSTRAP=1
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
# an explicit --target keeps RUSTFLAGS off build scripts and proc macros (as cargo-fuzz does)
host="$(rustc -vV | sed -n 's/^host: //p')"
if [[ "${1:-}" == "--build-only" ]]; then
  cargo build --release --bins --target "$host"
  exit 0
fi
target="$1"
seconds="${2:-60}"
cargo build --release --bin "$target" --target "$host"
mkdir -p "corpus/$target" "artifacts/$target"
# seed with the target's own seeds (fuzz/seeds/TARGET), else the ingest fixtures, so the
# fuzzer starts from real shapes
if [[ -d "seeds/$target" ]]; then
  cp -n "seeds/$target"/* "corpus/$target/"
else
  cp -n ../crates/ingest/tests/fixtures/* "corpus/$target/" 2>/dev/null || true
fi
"target/$host/release/$target" "corpus/$target" -artifact_prefix="artifacts/$target/" \
  -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10
