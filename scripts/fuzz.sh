#!/usr/bin/env bash
# Builds the fuzz targets of fuzz/ with the flags cargo-fuzz uses (sanitizer coverage for
# libFuzzer; no AddressSanitizer, which needs nightly std) on stable Rust via
# RUSTC_BOOTSTRAP=1, then runs them. Needs only Rust and a C++ compiler (libfuzzer-sys
# builds libFuzzer from its crate). Crashes land in fuzz/artifacts/TARGET/.
# Usage: scripts/fuzz.sh TARGET [SECONDS]     (TARGET: html feed warc json dates server store)
#        scripts/fuzz.sh --all [SECONDS]       (each target in turn, then one summary line
#                                              each: runs, coverage, corpus, crashes)
#        scripts/fuzz.sh --build-only          (builds every target; what CI could run)
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
if ! command -v c++ >/dev/null && ! command -v g++ >/dev/null && ! command -v clang++ >/dev/null; then
  echo "scripts/fuzz.sh needs a C++ compiler to build libFuzzer (Debian: apt-get install g++)" >&2
  exit 2
fi
TARGETS=(html feed warc json dates server store)
export RUSTC_BOOTSTRAP=1
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
# an explicit --target keeps RUSTFLAGS off build scripts and proc macros (as cargo-fuzz does)
host="$(rustc -vV | sed -n 's/^host: //p')"
if [[ "${1:-}" == "--build-only" ]]; then
  cargo build --release --bins --target "$host"
  exit 0
fi

# run TARGET SECONDS: fuzzes one target, its log in fuzz/logs/TARGET.log
run() {
  local target="$1" seconds="$2"
  mkdir -p "corpus/$target" "artifacts/$target" logs
  # seed with the target's own seeds (fuzz/seeds/TARGET), else the ingest fixtures, so the
  # fuzzer starts from real shapes
  if [[ -d "seeds/$target" ]]; then
    cp -n "seeds/$target"/* "corpus/$target/"
  else
    cp -n ../crates/ingest/tests/fixtures/* "corpus/$target/" 2>/dev/null || true
  fi
  "target/$host/release/$target" "corpus/$target" -artifact_prefix="artifacts/$target/" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    2>&1 | tee "logs/$target.log"
}

# summary TARGET: one line from its log
summary() {
  local log="logs/$1.log" last runs crashes
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  crashes=$(find "artifacts/$1" -type f | wc -l)
  printf '%-7s runs %-10s %s  crashes %s\n' "$1" "${runs:-?}" \
    "$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' <<<"$last")" "$crashes"
}

if [[ "${1:-}" == "--all" ]]; then
  seconds="${2:-60}"
  cargo build --release --bins --target "$host"
  for t in "${TARGETS[@]}"; do run "$t" "$seconds" >/dev/null || true; done
  for t in "${TARGETS[@]}"; do summary "$t"; done
  exit 0
fi
target="$1"
seconds="${2:-60}"
cargo build --release --bin "$target" --target "$host"
run "$target" "$seconds"
summary "$target"
