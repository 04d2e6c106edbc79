"""The registry of suggesters: each entry builds one from the run's Setup (None: nothing to
do for this project). A new suggester is one module with a `build(setup)` and one line here.

In the order they run: an earlier suggester's span wins the place (the project's own
labels, then its patterns file, then the model); the rules come last, since they link the
entities the others found."""

from __future__ import annotations

from models.suggest import event_rules, ner, relation_rules, ruler, textcat
from models.suggest.suggester import Setup, Suggester

BUILDERS = (
    ruler.from_labels,
    ruler.from_file,
    ner.build,
    event_rules.build,
    relation_rules.build,
    textcat.build,
)


def build_all(setup: Setup) -> list[Suggester]:
    return [s for build in BUILDERS if (s := build(setup)) is not None]
