"""A gold export writes finished reviews only: an approved gold layer with a conflict
still open is left out (and counted), and goes out once the conflict is decided."""

from __future__ import annotations

from collections import Counter

from tests.review.conftest import at

from exports.usecases import export_project
from models.services.exporting import OPEN_REVIEW


def test_gold_export_leaves_out_an_unfinished_review(team, tmp_path):
    for svc in (team.bob, team.carol):
        team.span(svc, "Mexico City", "GPE")
        svc.set_status(team.doc, "done")
    team.span(team.bob, "Joe Biden", "PERSON")
    team.span(team.carol, "Joe Biden", "ORG")
    team.rita.accept_agreed(team.doc)
    team.rita.set_status(team.doc, "approved", layer="gold")  # by hand, a conflict open
    left: Counter = Counter()
    _, recs = team.rita.export_records("news", "gold", status="finished", left_out=left)
    assert recs == [] and left == Counter({(OPEN_REVIEW, "approved"): 1})
    outcome = export_project(team.rita, "news", "doccano", tmp_path / "g.jsonl", layer="gold")
    lines = outcome.lines()
    assert lines[-2:] == [
        "doccano: left out or changed:",
        "  1 document whose review is not finished (approved, nothing left open): "
        "1 approved with something open; --status all writes them"]
    (conflict,) = team.rita.conflicts(team.doc)
    person = next(v for v in conflict.versions if v.label == "PERSON")
    team.rita.decide(team.doc, "span", *person.refs[0])
    team.rita.approve(team.doc)
    left.clear()
    _, (rec,) = team.rita.export_records("news", "gold", status="finished", left_out=left)
    assert not left
    assert sorted((s.start, s.end, s.label) for s in rec.spans) == sorted(
        [(*at("Mexico City"), "GPE"), (*at("Joe Biden"), "PERSON")])
