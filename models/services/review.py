"""Review services: visible layers, the review of a document, decisions, progress, the
history of one label, users' roles and a cheap change marker for polling windows."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.errors import NotFoundError, ValidationError
from models.orm import (
    GOLD,
    LAYER_STATUSES,
    AuditLog,
    Document,
    Event,
    Layer,
    Relation,
    Span,
)
from models.review import adjudication
from models.review.agreement import project_agreement
from models.review.views import LayerInfo, ReviewSummary, ReviewUpdate, ReviewView
from models.services.context import Actor, check_layer_read, check_reviewer
from models.services.bulk import no_gc
from models.services.layers import get_document, list_documents, load_layer
from models.services.projects import get_project
from models.views import DocumentSummary


def visible_layers(s: Session, actor: Actor, document_id: int) -> list[LayerInfo]:
    """The layers of a document the actor may see: annotators their own, reviewers all
    (gold first, then annotators by name)."""
    get_document(s, document_id)
    rows = s.scalars(select(Layer).where(Layer.document_id == document_id)).all()
    ids = [r.id for r in rows]

    def counts(model, state):
        if not ids:
            return {}
        return dict(s.execute(select(model.layer_id, func.count(model.id)).where(
            model.layer_id.in_(ids), model.state == state).group_by(model.layer_id)).all())

    spans, sugg = counts(Span, "accepted"), counts(Span, "suggested")
    rels, evs = counts(Relation, "accepted"), counts(Event, "accepted")
    out = []
    for lay in sorted(rows, key=lambda x: (x.name != GOLD, x.name)):
        if not actor.is_reviewer and lay.name != actor.name:
            continue
        out.append(LayerInfo(lay.name, lay.status, lay.version, spans.get(lay.id, 0),
                             rels.get(lay.id, 0), evs.get(lay.id, 0), sugg.get(lay.id, 0),
                             lay.name == GOLD, lay.name == actor.name))
    return out


def review_document(s: Session, actor: Actor, document_id: int) -> ReviewView:
    """A document in review mode: every annotator's layer, gold, and the conflicts (open
    and decided, in text order). Reads only: auto-gold is an explicit step (AcceptAgreed)."""
    check_reviewer(actor, "review documents")
    doc = get_document(s, document_id)
    from models.review.places import ReviewState

    st = ReviewState(s, document_id)
    gold = load_layer(s, document_id, GOLD, include_rejected=False)
    return ReviewView(doc.id, doc.project_id, doc.title, doc.text, list(st.names),
                      {n: load_layer(s, document_id, n, include_rejected=False)
                       for n in st.names},
                      gold, st.conflicts(include_decided=True), len(st.agreed_open()),
                      gold.status, change_marker(s, document_id=document_id),
                      st.annotations, st.seen())


# audit tables whose rows name their layer (layer_id in the row written or removed)
_LAYER_ROWS = ("spans", "relations", "events", "document_categories")


def review_update(s: Session, actor: Actor, document_id: int, annotations,
                  since: int) -> ReviewUpdate | None:
    """The conflicts again after steps that wrote only gold and the decision log since
    change marker `since` (a review window's own decision): the annotators' labels and
    places as read then (ReviewView.annotations) are reused, gold and the decisions are
    read fresh. None when anything else of the document was stored since (another
    annotator's edit), or by someone else (another reviewer's gold): load the whole review."""
    check_reviewer(actor, "review documents")
    from models.review.places import ReviewState

    gold_id = s.scalar(select(Layer.id).where(Layer.document_id == document_id,
                                              Layer.name == GOLD))
    marker = since
    for row_id, table, before, after, at, who in s.execute(
            select(AuditLog.row_id, AuditLog.table_name, AuditLog.before, AuditLog.after,
                   AuditLog.id, AuditLog.user_name).where(AuditLog.document_id == document_id,
                                                          AuditLog.id > since)):
        marker = max(marker, at)
        if who != actor.name:
            return None  # another reviewer's gold: the caller patched in only its own step
        if table == "review":
            continue  # the decision log
        if table == "layers" and row_id is not None and row_id == gold_id:
            continue
        row = after or before or {}
        if gold_id is None or table not in _LAYER_ROWS or row.get("layer_id") != gold_id:
            return None  # not gold's, or not known to be: the caller reloads everything
    if annotations is None:
        return None
    st = ReviewState(s, document_id, annotations)
    return ReviewUpdate(st.conflicts(include_decided=True), len(st.agreed_open()), marker,
                        st.seen())


def review_queue(s: Session, actor: Actor, project_id: int) -> list[dict]:
    """The documents with two or more annotators, most disagreement first, with the number
    of open conflicts each still has."""
    check_reviewer(actor, "review documents")
    from models.orm import Project
    from models.review.places import states_of

    project = s.get(Project, project_id)
    if project is None:
        raise NotFoundError(f"no project with id {project_id}")
    ranked = project_agreement(s, project_id)["documents"]
    with no_gc():  # a project's labels, places and versions: no cycles among them
        states = states_of(s, project_id)
        for row in ranked:
            st = states.get(row["id"])
            left = adjudication.pending(s, row["id"]) if st is None else {
                "conflicts": len(st.conflicts()), "agreed": len(st.agreed_open())}
            row["open_conflicts"] = left["conflicts"]
            row["agreed_open"] = left["agreed"]
    return ranked


def review_project(s: Session, actor: Actor, project_id: int,
                   document_ids: list[int] | None = None) -> list[ReviewSummary]:
    """What review_document says of each of these documents (in this order), read for all
    of them at once; by default of the review queue's documents, in its order."""
    check_reviewer(actor, "review documents")
    if document_ids is None:
        document_ids = [row["id"] for row in project_agreement(s, project_id)["documents"]]
    with no_gc():  # a project's labels, places and versions: no cycles among them
        return _summaries(s, actor, project_id, document_ids)


def _summaries(s: Session, actor: Actor, project_id: int,
               document_ids: list[int]) -> list[ReviewSummary]:
    from models.review.places import states_of

    states = states_of(s, project_id)
    docs = {d: (title, text) for d, title, text in s.execute(
        select(Document.id, Document.title, Document.text).where(
            Document.project_id == project_id))}
    out = []
    for d in document_ids:
        if d not in docs:
            raise NotFoundError(f"document {d} is not in project {project_id}")
        st = states.get(d)
        if st is None:  # fewer than two annotators: what its own review shows
            view = review_document(s, actor, d)
            out.append(ReviewSummary(d, view.title, view.text, view.annotators,
                                     view.gold_status, view.conflicts, view.agreed_open))
            continue
        out.append(ReviewSummary(d, *docs[d], list(st.names),
                                 st.gold.status if st.gold is not None else "new",
                                 st.conflicts(include_decided=True), len(st.agreed_open())))
    return out


def agreement(s: Session, actor: Actor, project: str | int) -> dict:
    pid = project if isinstance(project, int) else get_project(s, project).id
    return project_agreement(s, pid)


def change_marker(s: Session, *, project_id: int | None = None,
                  document_id: int | None = None) -> int:
    """A number that grows whenever something is stored (the newest audit row id): a window
    polls it with a QTimer and reloads when it moved. Per document it reads one index."""
    q = select(func.max(AuditLog.id))
    if document_id is not None:
        q = q.where(AuditLog.document_id == document_id)
    elif project_id is not None:
        q = q.where(AuditLog.project_id == project_id)
    return s.scalar(q) or 0


def label_history(s: Session, actor: Actor, document_id: int, kind: str,
                  row_id: int) -> list[dict]:
    """Who created, changed, accepted, rejected or deleted one label, when, before and
    after (oldest first), for the side panel."""
    table = {"span": "spans", "relation": "relations", "event": "events"}.get(kind)
    if table is None:
        raise ValidationError(f"no history for a {kind}")
    get_document(s, document_id)
    from models.review.history import ACCEPT_AGREED, describe

    # a span auto-gold put in is audited with its document's others in one row (decision 51)
    mine = (AuditLog.table_name == table) & (AuditLog.row_id == row_id)
    if kind == "span":
        mine = mine | (AuditLog.action == ACCEPT_AGREED)
    rows = [r for r in s.scalars(select(AuditLog).where(
        AuditLog.document_id == document_id, mine).order_by(AuditLog.id))
        if r.action != ACCEPT_AGREED or row_id in (r.after or {}).get("spans", ())]
    if rows and not actor.is_reviewer:
        layer_id = next((r.row_id if r.action == ACCEPT_AGREED else
                         (r.after or r.before or {}).get("layer_id") or
                         ((r.before or {}).get(kind) or {}).get("layer_id") for r in rows), None)
        layer = s.get(Layer, layer_id) if layer_id else None
        if layer is not None:
            check_layer_read(actor, layer.name)
    out = []
    for a in rows:
        row = {"at": a.at.isoformat(timespec="seconds"), "user": a.user_name,
               "action": a.action, "table": a.table_name, "row": a.row_id,
               "before": a.before, "after": a.after}
        row["text"] = describe(row)
        out.append(row)
    return out


def documents_by_status(s: Session, actor: Actor, project_id: int, statuses: list[str] | str,
                        layer: str | None = None) -> list[DocumentSummary]:
    """The document list filtered on the workflow status of one layer (default: own)."""
    wanted = [statuses] if isinstance(statuses, str) else list(statuses)
    bad = [x for x in wanted if x not in LAYER_STATUSES]
    if bad:
        raise ValidationError(f"status {bad[0]!r} is not one of {', '.join(LAYER_STATUSES)}")
    name = layer or actor.name
    check_layer_read(actor, name)
    return [d for d in list_documents(s, project_id, name) if d.status in wanted]


def progress(s: Session, actor: Actor, project_id: int) -> dict[str, dict[str, int]]:
    """Per annotator: how many documents are in each workflow status (no layer = new)."""
    total = s.scalar(select(func.count(Document.id))
                     .where(Document.project_id == project_id)) or 0
    out: dict[str, dict[str, int]] = {}
    rows = s.execute(select(Layer.name, Layer.status, func.count(Layer.id))
                     .join(Document, Document.id == Layer.document_id)
                     .where(Document.project_id == project_id, Layer.name != GOLD)
                     .group_by(Layer.name, Layer.status)).all()
    for name, status, n in rows:
        row = out.setdefault(name, {st: 0 for st in LAYER_STATUSES})
        row[status] = row.get(status, 0) + n  # a Prodigy answer (rejected, ignored) too
    for name, row in out.items():
        row["new"] += total - sum(row.values())
        row["documents"] = total
    if not actor.is_reviewer:
        out = {k: v for k, v in out.items() if k == actor.name}
    return dict(sorted(out.items()))


def set_role(s: Session, actor: Actor, name: str, role: str) -> None:
    """Change a user's role (admins only, audited; on a team database their group role)."""
    from models.services.users import set_role as change

    change(s, actor, name, role)
