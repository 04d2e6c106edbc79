"""Hand-built layers for the view tests: the seed article labelled, and a big synthetic one."""

from __future__ import annotations

import random
from pathlib import Path

from models.views import ArgumentView, EventView, LayerView, RelationView, SpanView

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_8c189482ad872ddc.txt"


def layer(text: str, spans=(), relations=(), events=()) -> LayerView:
    return LayerView(document_id=1, project_id=1, title="t", text=text, layer_id=1,
                     layer_name="alice", status="in_progress", version=1, spans=list(spans),
                     relations=list(relations), events=list(events))


def find(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    pos = -1
    for _ in range(nth + 1):
        pos = text.index(needle, pos + 1)
    return pos, pos + len(needle)


def seed_layer() -> LayerView:
    """~15 spans (nested ones too), 3 relations, an event with 2 arguments, a suggestion."""
    text = SEED.read_text(encoding="utf-8")
    marks = [
        ("Migrants", 0, "NORP"), ("Honduras", 0, "GPE"), ("Tenosique", 0, "GPE"),
        ("Tabasco", 0, "GPE"), ("Mexico", 0, "GPE"), ("Monday, March 8, 2021", 0, "DATE"),
        ("March 8", 0, "DATE"), ("Joe Biden", 0, "PERSON"), ("Nicolo Filippo Rosso", 0, "PERSON"),
        ("Bloomberg", 0, "ORG"), ("Getty Images", 0, "ORG"), ("WASHINGTON, D.C.", 0, "GPE"),
        ("Reuters", 0, "ORG"), ("U.S.", 2, "GPE"), ("the next 90 days", 0, "DATE"),
        ("Biden", 1, "PERSON"), ("walk", 0, "Transport"), ("Mexico City", 0, "GPE"),
    ]
    spans = []
    for k, (needle, nth, label) in enumerate(marks, start=1):
        s, e = find(text, needle, nth)
        state = "suggested" if needle == "Mexico City" else "accepted"
        source = "model" if state == "suggested" else "manual"
        spans.append(SpanView(k, s, e, label, state=state, source=source))
    by = {sp.label + text[sp.start:sp.end]: sp.id for sp in spans}
    relations = [
        RelationView(1, by["PERSONNicolo Filippo Rosso"], by["ORGBloomberg"], "employed_by"),
        RelationView(2, by["GPETabasco"], by["GPEMexico"], "part_of"),
        RelationView(3, by["GPETenosique"], by["GPETabasco"], "located_in"),
    ]
    events = [EventView(1, by["Transportwalk"], "Transport", (
        ArgumentView(1, "Artifact", span_id=by["NORPMigrants"]),
        ArgumentView(2, "Origin", span_id=by["GPEHonduras"]),
    ))]
    return layer(text, spans, relations, events)


def big_layer(words: int = 100_000, spans: int = 5000, relations: int = 500,
              seed: int = 7) -> LayerView:
    """A long article: paragraphs of 40-120 words, spans on random words, random relations."""
    rng = random.Random(seed)
    vocab = ["the", "government", "said", "on", "Thursday", "that", "migrants", "from",
             "Honduras", "crossed", "border", "officials", "in", "Mexico", "City", "met",
             "reporters", "and", "a", "senior", "official", "of", "U.S.", "1,200", "people,"]
    parts, n = [], 0
    while n < words:
        k = min(words - n, rng.randint(40, 120))
        parts.append(" ".join(rng.choice(vocab) for _ in range(k)) + ".")
        n += k
    text = "\n".join(parts)
    starts = [i for i in range(1, len(text)) if text[i - 1] in " \n" and text[i].isalpha()]
    chosen = sorted(rng.sample(starts, spans))
    labels = ["PERSON", "ORG", "GPE", "DATE", "NORP", "LOC"]
    out = []
    for k, s in enumerate(chosen, start=1):
        e = s
        while e < len(text) and text[e] not in " \n":
            e += 1
        out.append(SpanView(k, s, e, rng.choice(labels),
                            state="suggested" if k % 7 == 0 else "accepted"))
    rels = []
    for r in range(1, relations + 1):
        a = rng.randrange(len(out) - 3)
        rels.append(RelationView(r, out[a].id, out[a + rng.randint(1, 3)].id, "located_in"))
    return layer(text, out, rels)
