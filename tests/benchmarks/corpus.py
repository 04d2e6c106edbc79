"""Generated corpora for the benchmarks: news-like articles with labeled spans."""

from __future__ import annotations

import json
import random
from pathlib import Path

WORDS = ("the government said on official border migrants city report police minister "
         "week plans talks country president security office people year new law court "
         "after before during with from into across against under over between").split()
NAMES = ["Ana Lopez", "Joe Biden", "Mexico City", "Reuters", "Lisbon", "Kamala Harris",
         "El Salvador", "United Nations", "Guatemala", "Monday"]
LABELS = {"Ana Lopez": "PERSON", "Joe Biden": "PERSON", "Mexico City": "GPE",
          "Reuters": "ORG", "Lisbon": "GPE", "Kamala Harris": "PERSON",
          "El Salvador": "GPE", "United Nations": "ORG", "Guatemala": "GPE", "Monday": "DATE"}


def article(rng: random.Random, words: int, spans: int) -> tuple[str, list[tuple[int, int, str]]]:
    """About `words` words with `spans` labeled names spread evenly through it."""
    parts: list[str] = []
    out: list[tuple[int, int, str]] = []
    pos = 0
    every = max(1, words // max(spans, 1))
    for i in range(words):
        if i % every == 0 and len(out) < spans:
            name = rng.choice(NAMES)
            out.append((pos, pos + len(name), LABELS[name]))
            token = name
        else:
            token = rng.choice(WORDS)
        parts.append(token)
        pos += len(token) + 1
        if i % 25 == 24:
            parts[-1] += "."
            pos += 1
    return " ".join(parts), out


def write_doccano(path: Path, n: int, words: int = 500, spans: int = 20, seed: int = 7) -> list:
    rng = random.Random(seed)
    docs = []
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text, sp = article(rng, words, spans)
            text = f"Article {i}. {text}"
            shift = len(f"Article {i}. ")
            sp = [(s + shift, e + shift, lab) for s, e, lab in sp]
            docs.append((text, sp))
            fh.write(json.dumps({"text": text, "entities": [
                {"id": j, "start_offset": s, "end_offset": e, "label": lab}
                for j, (s, e, lab) in enumerate(sp)], "relations": []}) + "\n")
    return docs
