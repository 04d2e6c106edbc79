from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def nlp():
    """The real English pipeline, loaded once (the suggesters share the same cache)."""
    from models.suggest import pipeline

    loaded, _ = pipeline.load(None)
    return loaded
