"""Auto-gold of the plainest documents decided inside the database (issue 19, decision 48):
one statement finds the agreed spans of every document of a project, two write the gold
layers and spans of a run of documents, with no label read into Python; then one audit row
per document (bulk_gold.accepted_row).

A document is decided here only when the per-document rules (models/review/places.py,
bulk_gold.plan_spans) cannot say anything else, so that the result is theirs exactly:
- two annotators or more (non-gold layers with an accepted span, or marked worked), no gold
  layer yet, no decision in the log, and no relations, events or categories in any layer;
- every span all annotators gave (the same offsets and label, accepted) is *alone*: each
  annotator has it once and nothing else of theirs overlaps it. Such a span is a place of
  its own with one version everyone gave, so it is agreed; and as agreed places do not
  overlap, the rule book's overlap policy has nothing to check in a gold that starts empty;
- every such span passes rules 1 and 2 (offsets, a label of the schema), and the first
  annotator's copy (what gold copies, annotators in name order) has no fragments,
  attributes, KB id or note: gold gets exactly its offsets and label.
A span given by some annotators only is at a disputed place, which gold leaves open; any
other document (an agreed span that is not alone, ...) goes to the per-document rules.
"""

from __future__ import annotations

from sqlalchemy import bindparam, text

from models.orm import GOLD
from models.review.labels import WORKED
from models.review.bulk_gold import ACCEPTED_COLUMNS, accepted_row
from models.services.bulk import allocate_ids, insert_rows

TABLE = "auto_gold_agreed"  # a temporary table of this transaction

# Every accepted span of the first annotator (in name order) of a document with two or more:
# `seen` sums, over the accepted spans of the annotator layers overlapping it, 1 for a copy
# of it without fragments, 2^20 for a copy with fragments and 2^40 for any other span. It
# is alone exactly when `seen` = coders (each annotator has it once, by the unique index of
# accepted spans, and nothing else), and given by every annotator only if its copies number
# coders or more; the search reads only what that index holds. `plain`: the first
# annotator's copy, the one gold copies, has no fragments, attributes, KB id or note.
# `longest` bounds the index range the search walks (a span overlapping [start, end)
# starts after start - longest).
_FIRSTS = """
WITH coders AS (
  SELECT l.document_id AS doc, count(*) AS n, min(l.name {collate}) AS first,
    coalesce(max(d.chars), 0) AS chars
  FROM layers l JOIN documents d ON d.id = l.document_id
  WHERE d.project_id = :p AND l.name <> :gold
    AND (l.status IN :worked OR EXISTS (
         SELECT 1 FROM spans x WHERE x.layer_id = l.id AND x.state = 'accepted'))
  GROUP BY l.document_id HAVING count(*) >= 2)
SELECT n.doc, n.n AS coders, n.chars, a.start, a."end", a.label,
  CASE WHEN coalesce(CAST(a.fragments AS TEXT), 'null') = 'null'
    AND CAST(a.attributes AS TEXT) = '{{}}' AND a.kb_id IS NULL AND a.note IS NULL
  THEN 1 ELSE 0 END AS plain,
  {seen} AS seen
FROM coders n
JOIN layers f ON f.document_id = n.doc AND f.name = n.first
JOIN spans a ON a.layer_id = f.id AND a.state = 'accepted'
"""
_WEIGHT = """CASE WHEN o.start <> a.start OR o."end" <> a."end" OR o.label <> a.label
                   THEN 1099511627776
                   WHEN coalesce(nullif(CAST(o.fragments AS TEXT), 'null'), '') = '' THEN 1
                   ELSE 1048576 END"""
_OVERLAPPING = """o.state = 'accepted' AND o.start < a."end" AND o.start > a.start - :longest
       AND o."end" > a.start"""
# SQLite: one search over the document's annotator layers
_SEEN = f"""(SELECT sum({_WEIGHT}) FROM layers c JOIN spans o ON o.layer_id = c.id
   WHERE c.document_id = n.doc AND c.name <> :gold AND {_OVERLAPPING})"""
# PostgreSQL: each layer in a subquery of its own, so that its id leads the index search
# whatever the planner guesses of tables just filled (without statistics it searched by
# offsets across all layers: 400 s for 1,000 documents)
_SEEN_PG = f"""(SELECT sum((SELECT sum({_WEIGHT}) FROM spans o
                     WHERE o.layer_id = c.id AND {_OVERLAPPING}))
   FROM layers c WHERE c.document_id = n.doc AND c.name <> :gold)"""
# the project's longest accepted annotator span
_LONGEST = """
SELECT coalesce(max(s."end" - s.start), 0) FROM spans s
JOIN layers l ON l.id = s.layer_id JOIN documents d ON d.id = l.document_id
WHERE d.project_id = :p AND l.name <> :gold AND s.state = 'accepted'
"""
AGREED = "t.seen % 1099511627776 / 1048576 + t.seen % 1048576 >= t.coders"
ALONE = "t.seen = t.coders"

# Per document with a row above (two annotators or more, the first with an accepted span):
# its spans that go in, and whether it is decided here: no gold, no decision, nothing but
# spans, and every span all annotators gave is alone, plain (what gold copies of the first
# annotator's) and within rules 1 and 2. The others go to the per-document rules.
_DOCUMENTS = f"""
SELECT t.doc, sum(CASE WHEN {ALONE} THEN 1 ELSE 0 END) AS spans,
  CASE WHEN sum(CASE WHEN {AGREED} AND NOT ({ALONE} AND t.plain = 1 AND t.label IN :labels
                     AND 0 <= t.start AND t.start < t."end"
                     AND t."end" <= t.chars) THEN 1 ELSE 0 END) = 0
  AND NOT EXISTS (SELECT 1 FROM layers g WHERE g.document_id = t.doc AND g.name = :gold)
  AND NOT EXISTS (SELECT 1 FROM audit_log r WHERE r.document_id = t.doc
                  AND r.table_name = 'review' AND r.action = 'adjudicate')
  AND NOT EXISTS (SELECT 1 FROM layers k JOIN relations x ON x.layer_id = k.id
                  WHERE k.document_id = t.doc)
  AND NOT EXISTS (SELECT 1 FROM layers k JOIN events x ON x.layer_id = k.id
                  WHERE k.document_id = t.doc)
  AND NOT EXISTS (SELECT 1 FROM layers k JOIN document_categories x ON x.layer_id = k.id
                  WHERE k.document_id = t.doc) THEN 1 ELSE 0 END AS here
FROM {{table}} t GROUP BY t.doc
"""


class AgreedInSql:
    """The agreed spans of a project's documents, found in the database and kept in a
    temporary table for the writes; `decided`: {document id: its agreed spans} of the
    documents decided here (every other document goes to the per-document rules)."""

    def __init__(self, s, project_id: int, labels: list[str]):
        self.s, self.project_id = s, project_id
        self.pg = s.get_bind().dialect.name == "postgresql"
        common = {"p": project_id, "gold": GOLD, "worked": list(WORKED)}
        common["longest"] = s.execute(text(_LONGEST), common).scalar()
        s.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
        head = f"CREATE TEMP TABLE {TABLE} ON COMMIT DROP AS" if self.pg \
            else f"CREATE TEMP TABLE {TABLE} AS"
        # the first annotator by code point, as Python sorts names (not the server's locale)
        firsts = _FIRSTS.format(seen=_SEEN_PG if self.pg else _SEEN,
                                collate='COLLATE "C"' if self.pg else "")
        s.execute(text(f"{head} {firsts}").bindparams(bindparam("worked", expanding=True)),
                  common)
        s.execute(text(f"CREATE INDEX {TABLE}_doc ON {TABLE} (doc, start)"))
        self.decided: dict[int, int] = {
            d: n for d, n, here in s.execute(
                text(_DOCUMENTS.format(table=TABLE)).bindparams(
                    bindparam("labels", expanding=True)),
                {"gold": GOLD, "labels": list(labels) or [""]}) if here}

    def write(self, docs: list[int], user: str, now) -> dict[int, list[int]]:
        """Gold for `docs`, decided here and in id order with no other document under
        review between them: their gold layers, spans and audit rows, ids in document order
        then text order as the per-document step makes them. Returns {document: its new span
        ids}."""
        s, pg = self.s, self.pg
        with_spans = [d for d in docs if self.decided[d]]
        if not with_spans:
            return {}
        layer_ids = allocate_ids(s, "layers", len(with_spans))
        span_ids = allocate_ids(s, "spans", sum(self.decided[d] for d in with_spans))
        run = {"lo": with_spans[0], "hi": with_spans[-1], "gold": GOLD, "now": now,
               "layer_ids": layer_ids, "span_ids": span_ids}

        def ids(name: str, order: str) -> tuple[str, str]:
            # SQLite gives a row without an id the next one, in the order the rows come;
            # PostgreSQL's sequence does not promise that: its ids, indexed by row number
            if not pg:
                return "", ""
            return "id, ", f"(CAST(:{name} AS BIGINT[]))[row_number() OVER (ORDER BY {order})], "

        json = "CAST({} AS JSON)" if pg else "{}"
        # between lo and hi the table holds only these documents' rows: a document with
        # two annotators (a row here) not decided here is reviewed in Python, between runs
        mine = f"t.doc BETWEEN :lo AND :hi AND {ALONE}"
        col, val = ids("layer_ids", "doc")
        s.execute(text(
            f"INSERT INTO layers ({col}document_id, name, user_id, status, version, "
            f"updated_at) SELECT {val}doc, :gold, NULL, 'in_progress', 2, :now FROM ("
            f"SELECT DISTINCT t.doc FROM {TABLE} t WHERE {mine}) x ORDER BY doc"), run)
        col, val = ids("span_ids", "t.doc, t.start")
        s.execute(text(
            f'INSERT INTO spans ({col}layer_id, start, "end", label, fragments, attributes, '
            f"kb_id, note, source, suggester, state, score, version) SELECT {val}g.id, "
            f"t.start, t.\"end\", t.label, {json.format(repr('null'))}, "
            f"{json.format(repr('{}'))}, NULL, NULL, 'manual', NULL, 'accepted', NULL, 1 "
            f"FROM {TABLE} t JOIN layers g ON g.document_id = t.doc AND g.name = :gold "
            f"WHERE {mine} ORDER BY t.doc, t.start"), run)
        out, it = {}, iter(span_ids)
        for d in with_spans:
            out[d] = [next(it) for _ in range(self.decided[d])]
        insert_rows(s, "audit_log", ACCEPTED_COLUMNS, [
            accepted_row(now, user, lid, self.project_id, d, out[d])
            for d, lid in zip(with_spans, layer_ids)])
        return out

    def close(self) -> None:
        self.s.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
