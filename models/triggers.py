"""Which event type a trigger word belongs to, by the lemmas the schema lists (`triggers`).

The window has no parser loaded when an annotator presses E, so the word's lemma is
guessed from English inflection (walked, walks, walking -> walk; fled -> flee) and the
forms are compared with each event type's trigger lemmas."""

from __future__ import annotations

from models.schema import Schema

# Irregular forms of verbs that news events are triggered by.
IRREGULAR = {"fled": "flee", "met": "meet", "paid": "pay", "sent": "send", "gave": "give",
             "given": "give", "lent": "lend", "shot": "shoot", "went": "go", "gone": "go",
             "came": "come", "held": "hold", "led": "lead", "left": "leave", "sold": "sell",
             "bought": "buy", "took": "take", "taken": "take", "fought": "fight",
             "caught": "catch", "brought": "bring", "struck": "strike", "stole": "steal",
             "stolen": "steal", "spoke": "speak", "spoken": "speak", "told": "tell",
             "won": "win", "lost": "lose", "ran": "run", "began": "begin", "begun": "begin"}


def lemma_candidates(word: str) -> list[str]:
    """The word (lower case) and the lemmas its English endings may come from."""
    w = word.strip().lower()
    out = [w]
    if w in IRREGULAR:
        out.append(IRREGULAR[w])
    for suffix in ("ing", "ed", "es", "s", "d"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 2:
            stem = w[: -len(suffix)]
            out.append(stem)
            if suffix in ("ing", "ed"):
                out.append(stem + "e")  # arriving -> arrive
                if len(stem) > 2 and stem[-1] == stem[-2]:
                    out.append(stem[:-1])  # planned -> plan
            if suffix in ("es", "ed") and stem.endswith("i"):
                out.append(stem[:-1] + "y")  # tries, tried -> try
    return list(dict.fromkeys(out))


def event_type_for(schema: Schema, word: str) -> str | None:
    """The first event type whose trigger lemmas include a lemma of `word` (a phrase: its
    last word), else None."""
    words = word.split()
    if not words:
        return None
    forms = lemma_candidates(words[-1])
    for form in forms:  # the word itself before any guessed lemma
        for ev in schema.events:
            if form in (t.lower() for t in ev.triggers):
                return ev.name
    return None
