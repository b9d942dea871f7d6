#!/usr/bin/env python3
"""How well can any pairwise-similarity clustering do on the FNC-1 story gold?

An offline reference for issue 4's quality target, not part of the product or its tests.
It clusters the FNC-1 training bodies with average-link agglomerative clustering over
several similarity signals, with the threshold chosen on the gold itself (so every figure
is an upper bound for that signal), and fits a logistic-regression combination of all
signals on the gold pairs, in sample. It also reports how often an article's nearest
neighbour is in its own gold story.

Needs numpy, scipy and scikit-learn (pip install numpy scipy scikit-learn), and:
  python3 ../shared/eval/fnc1.py articles --bodies B.csv --out articles.jsonl
  corroborate embed articles.jsonl -o vectors.jsonl      # optional: adds MiniLM cosines
  python3 scripts/story-ceiling.py --articles articles.jsonl --bodies B.csv \
      --stances S.csv [--vectors vectors.jsonl]
"""
import argparse
import json
import re
import sys
from collections import defaultdict

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression


def gold_stories(bodies_csv, stances_csv):
    sys.path.insert(0, str(__import__("pathlib").Path(bodies_csv).resolve().parents[2] / "eval"))
    import fnc1  # the scorer's own definition of the gold components

    return fnc1.gold_stories(fnc1.read_csv(bodies_csv), fnc1.read_csv(stances_csv))


def bcubed(pred, gold):
    by_pred, by_gold = defaultdict(set), defaultdict(set)
    for i, (p, g) in enumerate(zip(pred, gold)):
        by_pred[p].add(i)
        by_gold[g].add(i)
    prec = rec = 0.0
    for i, (p, g) in enumerate(zip(pred, gold)):
        both = len(by_pred[p] & by_gold[g])
        prec += both / len(by_pred[p])
        rec += both / len(by_gold[g])
    prec, rec = prec / len(gold), rec / len(gold)
    return 2 * prec * rec / (prec + rec), prec, rec


def best_average_link(sim, gold):
    dist = np.clip(1 - (sim + sim.T) / 2, 0, None)
    np.fill_diagonal(dist, 0)
    tree = linkage(squareform(dist, checks=False), method="average")
    return max(
        (bcubed(fcluster(tree, t, "distance"), gold), t) for t in np.arange(0.2, 1.0, 0.01)
    )


def sentences(text):
    return re.split(r"(?<=[.!?])\s+", text.strip())


def proper_nouns(text):
    out = []
    for s in sentences(text):
        for w in s.split()[1:]:
            w = re.sub(r"\W", "", w)
            if len(w) > 1 and w[0].isupper():
                out.append(w.lower())
    return " ".join(out)


def cosines(docs, **kw):
    v = TfidfVectorizer(sublinear_tf=True, **kw).fit_transform(docs)
    return (v @ v.T).toarray()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", required=True)
    ap.add_argument("--bodies", required=True)
    ap.add_argument("--stances", required=True)
    ap.add_argument("--vectors")
    a = ap.parse_args()
    arts = [json.loads(line) for line in open(a.articles, encoding="utf-8")]
    gold_of = gold_stories(a.bodies, a.stances)
    gold = np.array([gold_of[str(x["id"])] for x in arts])
    texts = [x["text"] for x in arts]
    signals = {
        "words": cosines(texts, stop_words="english", min_df=2),
        "lead (3 sentences)": cosines(
            [" ".join(sentences(t)[:3]) for t in texts], stop_words="english", min_df=2
        ),
        "proper nouns": cosines([proper_nouns(t) for t in texts], min_df=2),
        "word bigrams": cosines(texts, stop_words="english", min_df=2, ngram_range=(2, 2)),
    }
    if a.vectors:
        vec = {}
        for line in open(a.vectors, encoding="utf-8"):
            r = json.loads(line)
            vec[str(r["id"])] = r["vector"]
        e = np.array([vec[str(x["id"])] for x in arts], dtype=np.float64)
        e /= np.linalg.norm(e, axis=1, keepdims=True)
        signals["MiniLM"] = e @ e.T
    print(f"{len(arts)} articles, {len(set(gold))} gold stories")
    print("signal                 1-NN in own story   best average-link B-cubed F1 / P / R (threshold)")
    for name, sim in signals.items():
        s = sim.copy()
        np.fill_diagonal(s, -1)
        nn = (gold[s.argmax(1)] == gold).mean()
        (f, p, r), t = best_average_link(sim, gold)
        print(f"{name:22} {nn:17.3f}   {f:.3f} / {p:.3f} / {r:.3f} ({1 - t:.2f})")
    iu = np.triu_indices(len(arts), 1)
    x = np.array([s[iu] for s in signals.values()]).T
    x = np.hstack([x, np.sqrt(np.clip(x, 0, 1))])
    y = (gold[iu[0]] == gold[iu[1]]).astype(int)
    some = x[:, : len(signals)].max(1) > 0.05
    model = LogisticRegression(max_iter=2000).fit(x[some], y[some])
    learned = np.zeros((len(arts), len(arts)))
    learned[iu] = model.predict_proba(x)[:, 1]
    learned = learned + learned.T
    np.fill_diagonal(learned, 1)
    (f, p, r), t = best_average_link(learned, gold)
    print(f"all signals, logistic regression fitted on the gold pairs (in sample): "
          f"B-cubed {f:.3f} / {p:.3f} / {r:.3f}")


if __name__ == "__main__":
    main()
