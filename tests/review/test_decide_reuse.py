"""A decision handed a review's annotators' labels, gold and marker reuses them only when
nothing of the document was stored since; then it returns the review after it, which must
be what a fresh read gives."""

from tests.review.conftest import at
from tests.review.test_review_window import _setup


def _decide(team, view, version, how="accept"):
    return team.rita.decide(team.doc, version.kind, *version.refs[0], how=how,
                            annotations=view.annotations, since=view.marker, seen=view.seen)


def _open_versions(view):
    return [v for c in view.conflicts if c.open for v in c.versions if v.decided is None]


def test_the_review_after_a_decision_is_a_fresh_reads(team):
    _setup(team)
    view = team.rita.review(team.doc)
    for how in ("accept", "reject", "also"):
        v = _open_versions(view)[0]
        update = _decide(team, view, v, how).after["update"]
        fresh = team.rita.review(team.doc)
        assert (update.conflicts, update.agreed_open, update.marker) == \
            (fresh.conflicts, fresh.agreed_open, fresh.marker)
        assert update.seen == fresh.seen  # gold and the decisions, as read fresh
        view.conflicts, view.marker, view.seen = update.conflicts, update.marker, update.seen
    gold = {(s.start, s.end, s.label) for s in team.rita.load(team.doc, "gold").spans
            if s.state == "accepted"}
    assert (*at("Mexican"), "NORP") in gold  # the first decision: bob's version accepted


def test_anything_stored_since_means_a_fresh_read_and_no_update(team):
    _setup(team)
    view = team.rita.review(team.doc)
    team.span(team.carol, "Tijuana", "LOC")  # meanwhile, on carol's desktop
    v = _open_versions(view)[0]
    change = _decide(team, view, v)
    assert "update" not in change.after  # the caller reads the review again
    # the decision read carol's new label: Tijuana, bob's GPE alone before, now has her LOC
    fresh = team.rita.review(team.doc)
    tijuana = next(c for c in fresh.conflicts if (c.start, c.end) == at("Tijuana"))
    assert sorted((v.label, v.annotators) for v in tijuana.versions) == \
        [("GPE", ("bob",)), ("LOC", ("carol",))]
    assert tijuana.missing == ()
    assert sum(c.open for c in fresh.conflicts) == sum(c.open for c in view.conflicts) - 1


def test_a_decision_on_reused_labels_copies_the_annotators_label_whole(team):
    """Reusing the labels read at the marker, the decision reads no row of the version it
    names: what goes into gold (note, link, attributes) must still be the annotator's."""
    _setup(team)
    bobs = team.bob.load(team.doc).spans
    mexican = next(s for s in bobs if (s.start, s.end) == at("Mexican"))
    team.bob.set_note(mexican.id, "demonym")
    team.bob.set_kb_id(mexican.id, "Q96")
    view = team.rita.review(team.doc)  # after bob's edits: the marker is theirs
    v = next(v for v in _open_versions(view) if v.annotators == ("bob",)
             and v.key[:2] == at("Mexican"))
    assert "update" in _decide(team, view, v).after  # the labels were reused
    gold = next(s for s in team.rita.load(team.doc, "gold").spans
                if (s.start, s.end) == at("Mexican"))
    source = team.bob.load(team.doc).span(mexican.id)
    assert (gold.label, gold.note, gold.kb_id, gold.attributes) == \
        ("NORP", "demonym", "Q96", source.attributes)


def test_a_version_not_as_shown_is_refused_even_when_nothing_was_stored_since(team):
    import pytest

    from models.errors import StaleWriteError

    _setup(team)
    view = team.rita.review(team.doc)
    v = _open_versions(view)[0]
    row_id, version = v.refs[0]
    with pytest.raises(StaleWriteError):
        team.rita.decide(team.doc, v.kind, row_id, version + 1, annotations=view.annotations,
                         since=view.marker, seen=view.seen)
    assert team.rita.load(team.doc, "gold").spans == []
