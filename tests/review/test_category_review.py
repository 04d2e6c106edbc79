"""Document categories in review: an exclusive group is one place, each category of a
multi-label group another; decide, undo and the bulk actions work on them as on spans, in
the core and through `marginalia review`."""

from __future__ import annotations

import json

import pytest

from models import operations as ops
from models.errors import ValidationError
from tests.review.conftest import make_team


@pytest.fixture
def news(sqlite_url):
    from models.store import Store

    store = Store(sqlite_url)
    team = make_team(store)
    team.url = sqlite_url
    yield team
    store.dispose()


def _gold(team):
    return sorted(team.rita.load(team.doc, "gold").accepted_categories)


def _category_conflicts(team):
    return [c for c in team.rita.review(team.doc).conflicts if c.kind == "category"]


def test_an_exclusive_group_is_one_conflict_decided_undone_and_approved(news):
    t = news
    t.bob.set_category(t.doc, "politics")
    t.carol.set_category(t.doc, "crime")
    (c,) = _category_conflicts(t)
    assert (c.id, c.place, c.missing) == ("category:Topic", "Topic", ())
    assert {(v.label, v.annotators) for v in c.versions} == {("politics", ("bob",)),
                                                            ("crime", ("carol",))}
    crime = next(v for v in c.versions if v.label == "crime")
    politics = next(v for v in c.versions if v.label == "politics")
    t.rita.decide(t.doc, "category", *politics.refs[0])
    assert _gold(t) == ["politics"]
    with pytest.raises(ValidationError, match="exclusive .one of."):
        t.rita.decide(t.doc, "category", *crime.refs[0], how="also")
    second = t.rita.decide(t.doc, "category", *crime.refs[0])  # replaces politics in gold
    assert _gold(t) == ["crime"]
    (c,) = _category_conflicts(t)
    assert {v.label: v.decided for v in c.versions} == {"crime": "accept",
                                                       "politics": "replaced"}
    assert not c.open
    t.rita.run(ops.inverses([second]))  # undone: politics is gold's again
    assert _gold(t) == ["politics"]
    t.rita.decide(t.doc, "category", *crime.refs[0])
    t.rita.approve(t.doc)
    assert t.rita.load(t.doc, "gold").status == "approved"


def test_multi_label_categories_are_places_of_their_own_and_bulk_actions_take_them(news):
    from models.schema import Category, CategoryGroup

    t = news
    schema = t.alice.schema(t.pid)
    schema.categories.append(CategoryGroup("Flags", exclusive=False, categories=[
        Category("opinion"), Category("breaking")]))
    t.alice.save_schema(t.pid, schema)
    for svc in (t.bob, t.carol):
        svc.set_category(t.doc, "breaking")  # agreed: auto-gold takes it
    t.bob.set_category(t.doc, "opinion")
    (c,) = _category_conflicts(t)
    assert (c.id, c.missing) == ("category:opinion", ("carol",))
    assert t.rita.review(t.doc).agreed_open == 1
    t.rita.accept_agreed(t.doc)
    assert _gold(t) == ["breaking"]
    ch = t.rita.reject_rest(t.doc)
    assert ch.after["decided"] == 1 and _gold(t) == ["breaking"]
    assert [v.decided for v in _category_conflicts(t)[0].versions] == ["reject"]
    t.rita.run(ops.inverses([ch]))
    t.rita.accept_annotator(t.doc, "bob", "opinion")
    assert _gold(t) == ["breaking", "opinion"]


def test_review_cli_lists_category_conflicts_and_decides_them_by_ref(news, cli):
    t = news
    t.bob.set_category(t.doc, "sports")
    t.carol.set_category(t.doc, "culture")
    r = cli("--db", t.url, "--user", "rita", "review", "--project", "news", "--document",
            str(t.doc), "--json")
    assert r.returncode == 0, r.stderr
    (doc,) = json.loads(r.stdout)
    (c,) = [c for c in doc["conflicts"] if c["kind"] == "category"]
    assert c["text"] == "Topic" and c["id"] == "category:Topic"
    ref = next(v["ref"] for v in c["versions"] if v["label"] == "culture")
    assert ref.startswith("category:")
    r = cli("--db", t.url, "--user", "rita", "review", "--project", "news", "--document",
            str(t.doc), "--accept", ref)
    assert r.returncode == 0, r.stderr
    assert _gold(t) == ["culture"]
    r = cli("--db", t.url, "--user", "rita", "review", "--project", "news", "--document",
            str(t.doc), "--reject", "category:999:1")
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1
    assert "no category 999" in r.stderr
