#!/usr/bin/env python3
"""Two-fold story figures on the dev sets, for choosing cluster settings.

Usage: scripts/story-folds.py BINARY [--config FILE] [--sets ecb,fnc,meter,semeval] [--keep DIR]

Each set is analysed whole, once; B-cubed F1 is then read on each half of it and on the
whole. Halves: ECB+ by topic parity (the topic is the article id's prefix), FNC-1 by the
parity of each gold story's smallest body id, METER by the parity of each catchline's
position in sorted order. A setting is chosen on one half and reported on the other.
SemEval (pairs, not stories) is reported whole only. Paths are relative to the
repository root; data come from ../shared.
"""
import argparse, collections, json, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")
sys.path.insert(0, os.path.join(SHARED, "eval"))
import fnc1  # noqa: E402


def plain(i):
    return str(i).split("#")[-1]


def bcubed(gold, pred, ids, missing_alone):
    # as the shared scorers do: FNC-1 counts an article in no story as one alone, the
    # others leave it out
    ids = [i for i in ids if i in gold and (missing_alone or i in pred)]
    for i in ids:
        pred.setdefault(i, "missing:" + i)
    g, p = collections.defaultdict(set), collections.defaultdict(set)
    for i in ids:
        g[gold[i]].add(i)
        p[pred[i]].add(i)
    n = max(1, len(ids))
    bp = sum(len(g[gold[i]] & p[pred[i]]) / len(p[pred[i]]) for i in ids) / n
    br = sum(len(g[gold[i]] & p[pred[i]]) / len(g[gold[i]]) for i in ids) / n
    return bp, br, (2 * bp * br / (bp + br) if bp + br else 0.0)


def analyze(binary, articles, config, out):
    cmd = [binary, "analyze", articles, "--format", "json", "-q"]
    if config:
        cmd += ["--config", config]
    with open(out, "w") as f:
        subprocess.run(cmd, stdout=f)  # an unreadable input exits 1, the rest is analysed
    d = json.load(open(out))
    pred = {}
    for n, s in enumerate(d.get("stories", [])):
        for a in s.get("articles", []):
            pred.setdefault(plain(a), f"s{n}")
    return pred


def report(name, gold, pred, fold_of, missing_alone=False):
    row = [name]
    for k in (0, 1):
        ids = [i for i in gold if fold_of(i) == k]
        row.append("fold%d %.4f" % (k, bcubed(gold, dict(pred), ids, missing_alone)[2]))
    bp, br, bf = bcubed(gold, dict(pred), list(gold), missing_alone)
    row.append("full %.4f (P %.3f R %.3f)" % (bf, bp, br))
    print("  ".join(row), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--config")
    ap.add_argument("--sets", default="ecb,fnc,meter,semeval")
    ap.add_argument("--keep", help="folder for the dossiers (default: a temporary one)")
    a = ap.parse_args()
    out = a.keep or tempfile.mkdtemp()
    os.makedirs(out, exist_ok=True)
    sets = a.sets.split(",")
    data = os.path.join(SHARED, "data")
    if "ecb" in sets:
        gold = json.load(open(os.path.join(data, "ecb-dev", "stories.json")))
        pred = analyze(a.binary, os.path.join(data, "ecb-dev", "articles.jsonl"), a.config, os.path.join(out, "ecb.json"))
        report("ecb", gold, pred, lambda i: int(i.split("_")[0]) % 2)
    if "fnc" in sets:
        fdir = os.path.join(data, "fnc1-train")
        bodies = fnc1.read_csv(os.path.join(fdir, "train_bodies.csv"))
        gold = fnc1.gold_stories(bodies, fnc1.read_csv(os.path.join(fdir, "train_stances.csv")))
        least = {}
        for b, s in gold.items():
            least[s] = min(least.get(s, int(b)), int(b))
        arts = os.path.join(out, "fnc.jsonl")
        if not os.path.exists(arts):
            fnc1.write_jsonl(arts, ({"id": b["Body ID"], "text": b["articleBody"]} for b in bodies))
        pred = analyze(a.binary, arts, a.config, os.path.join(out, "fnc.json"))
        report("fnc", gold, pred, lambda i: least[gold[i]] % 2, True)
    if "meter" in sets:
        g = json.load(open(os.path.join(data, "meter-dev", "gold.json")))
        folder_of = {plain(i): f for f, ids in g["stories"].items() for i in ids}
        gold = {i: f.split("/")[0] + "/" + f.split("/")[-1] for i, f in folder_of.items()}
        order = {c: n for n, c in enumerate(sorted(set(gold.values())))}
        pred = analyze(a.binary, os.path.join(data, "meter-dev", "articles.jsonl"), a.config, os.path.join(out, "meter.json"))
        report("meter-catchline", gold, pred, lambda i: order[gold[i]] % 2)
        report("meter-day", folder_of, pred, lambda i: order[gold[i]] % 2)
    if "semeval" in sets:
        analyze(a.binary, os.path.join(data, "semeval8-dev", "articles.jsonl"), a.config, os.path.join(out, "semeval.json"))
        r = subprocess.run([sys.executable, os.path.join(SHARED, "eval", "semeval8.py"), "stories", "--pairs",
                            os.path.join(data, "semeval8-dev", "pairs.jsonl"), "--pred", os.path.join(out, "semeval.json")],
                           capture_output=True, text=True, check=True)
        print("semeval  " + r.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
