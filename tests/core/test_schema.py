"""The label schema: the shipped news schema, TOML/JSON/brat round trips, validation."""

import json

import pytest

from models.errors import ValidationError
from models.brat_conf import parse_brat_conf, to_brat_conf
from models.schema import Schema, default_schema
from models.schema_files import load_schema


def test_default_news_schema_has_what_annotators_need():
    s = default_schema()
    for label in ("PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "MONEY"):
        assert s.entity(label), label
    for ev in ("Arrest", "Transport", "Meet", "Transfer-Money", "Sentence", "Appoint",
               "Attack", "Demonstrate"):
        assert s.event(ev) and s.event(ev).roles and s.event(ev).triggers, ev
    assert s.relations_allowed("PERSON", "ORG") == ["member_of", "employed_by", "leader_of"]
    assert s.entity("PERSON").key == "1"
    assert len({e.color for e in s.entities}) == len(s.entities)  # distinct colours


def test_toml_and_json_round_trip(tmp_path):
    s = default_schema()
    for name in ("s.toml", "s.json"):
        s.save(tmp_path / name)
        back = Schema.load(tmp_path / name)
        assert back.to_dict() == {**s.to_dict(), "name": back.name}


def test_brat_conf_round_trip():
    s = default_schema()
    back = parse_brat_conf(to_brat_conf(s))
    assert back.entity_names == s.entity_names
    assert back.relation("employed_by").heads == ["PERSON"]
    assert [r.name for r in back.event("Arrest").roles] == ["Person", "Agent", "Place", "Time"]
    assert back.attribute("Certainty").values == ["certain", "likely", "speculative"]


def test_brat_conf_file_loads(tmp_path):
    conf = tmp_path / "annotation.conf"
    conf.write_text("[entities]\nProtein\nEntity\n[relations]\nEquiv\tArg1:Protein, Arg2:Protein"
                    ", <REL-TYPE>:symmetric-transitive\n[events]\nBinding\tTheme+:Protein\n"
                    "[attributes]\nNegation\tArg:<EVENT>\n")
    s = load_schema(conf)
    assert s.entity_names == ["Protein", "Entity"]
    assert s.relation("Equiv").symmetric
    assert s.event("Binding").roles[0].name == "Theme"


@pytest.mark.parametrize("data,expect", [
    ({"entities": [{"name": "A"}, {"name": "A"}]}, "defined twice"),
    ({"entities": [{"name": "A", "key": "1"}, {"name": "B", "key": "1"}]}, "already used"),
    ({"entities": [{"name": "A", "overlap": "sometimes"}]}, "overlap must be"),
    ({"relations": [{"name": "r", "heads": ["NOPE"]}]}, "unknown entity label 'NOPE'"),
    ({"entities": [{"name": "A", "colour": "red"}]}, "not a valid schema"),
])
def test_bad_schema_files_name_the_problem(tmp_path, data, expect):
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(data))
    with pytest.raises(ValidationError, match=expect) as info:
        Schema.load(f)
    assert "bad.json" in str(info.value)
