"""Event-level pairs on ECB+ facts: two validated sentences of different articles are a predicted
pair when one event of the dossier has evidence (of any of its facts) in each. Same gold as the
shared `ecb.py facts`, which scores facts; this scores the dossier's events.

usage: scripts/ecb-event-pairs.py DOSSIER.json [FOLD]
  DOSSIER.json  `corroborate analyze ../shared/data/ecb-dev/facts-articles.jsonl --format json`
  FOLD          0 or 1: only the pairs of even or odd topics (choose on one, report the other)
"""
import sys, os, json, itertools, collections
SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared')
sys.path.insert(0, os.path.join(SHARED, 'eval'))
import ecb
gold = json.load(open(os.path.join(SHARED, 'data/ecb-dev/facts-gold.json')))
sentences = gold['sentences']
inputs = {}
for line in open(os.path.join(SHARED, 'data/ecb-dev/facts-articles.jsonl')):
    if line.strip():
        r = json.loads(line); inputs[str(r['id'])] = r.get('text') or ''
d = json.load(open(sys.argv[1]))
texts = {ecb.plain_id(x['id']): x.get('text') for x in d['articles']}
by_doc = collections.defaultdict(list)
for key, s in sentences.items():
    by_doc[s['doc']].append((s['sentence'], key, s['text']))
spans = {}
for doc, sents in by_doc.items():
    text = texts.get(doc) or inputs.get(doc)
    if text is not None:
        spans[doc] = ecb.sentence_spans(text, [(k, t) for _, k, t in sorted(sents)])
facts = {f['id']: f for f in d['facts']}
def placed(fids):
    out = []
    for fid in fids:
        for e in facts[fid]['evidence']:
            doc = ecb.plain_id(e['article'])
            keys = [k for k, (b, t) in spans.get(doc, {}).items() if b < e['end'] and e['start'] < t]
            out.append((doc, keys))
    return out
pred = set()
for s in d['stories']:
    for ev in s.get('events', []):
        for (d1, k1), (d2, k2) in itertools.combinations(placed(ev['facts']), 2):
            if d1 != d2:
                pred.update(tuple(sorted((x, y))) for x in k1 for y in k2)
g1 = ecb.gold_pairs(sentences, 1)
fold = sys.argv[2] if len(sys.argv) > 2 else None
if fold is not None:
    keep = lambda pair: int(sentences[pair[0]]['topic']) % 2 == int(fold)
    pred = {x for x in pred if keep(x)}; g1 = {x for x in g1 if keep(x)}
p, r, f = ecb.prf(len(pred & g1), len(pred), len(g1))
print(f'event pairs: predicted {len(pred)}, correct {len(pred & g1)}, gold {len(g1)}; P {p:.3f} R {r:.3f} F1 {f:.3f}')
