"""Suggestions and the model in the loop (spaCy is imported lazily)."""

from __future__ import annotations


class SuggestFacade:
    # ---- suggestions and the model in the loop (issue 4; spaCy is imported lazily) -----------
    def suggest(self, project: str | int, *, model: str | None = None,
                patterns: str | None = None, documents: str = "all",
                document_ids: list[int] | None = None, batch_size: int = 32,
                progress=None, cancel=None, processes: int | None = None,
                threshold: float | None = None):
        """Suggest entities, events, relations and document categories into the acting
        user's layer; returns a SuggestReport. progress(done, total, batch) runs on the
        calling thread. Parsing runs on `processes` processes (None: every core; 1: this
        process only). `threshold`: the textcat threshold of this run (default: the
        project's setting)."""
        from models.suggest.runner import run_suggest

        return run_suggest(self, project, model=model, patterns=patterns, documents=documents,
                           document_ids=document_ids, batch_size=batch_size,
                           progress=progress, cancel=cancel, processes=processes,
                           threshold=threshold)

    def textcat_threshold(self, project_id: int) -> float:
        """The score at or above which the text classifier suggests a category."""
        from models.suggest.textcat import threshold_of

        return threshold_of(self.project_settings(project_id))

    def set_textcat_threshold(self, project_id: int, value: float) -> None:
        from models.errors import ValidationError
        from models.suggest.textcat import SETTING

        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                0.0 <= value <= 1.0):
            raise ValidationError(f"the textcat threshold must be in [0, 1], not {value!r}")
        self.set_project_setting(project_id, SETTING, float(value))

    def suggest_document(self, document_id: int, *, model: str | None = None):
        """Suggest for one document (the open one)."""
        from models.services import layers

        with self.store.session() as s:
            project_id = layers.get_document(s, document_id).project_id
        return self.suggest(project_id, model=model, document_ids=[document_id])

    def suggest_pipeline(self, project_id: int) -> str | None:
        """The pipeline the project suggests with (None: the default English one)."""
        from models.suggest.pipeline import SETTING

        return self.project_settings(project_id).get(SETTING)

    def set_suggest_pipeline(self, project_id: int, name: str | None) -> str:
        """Choose the project's pipeline (package name or directory); checked, not loaded.
        Returns its suggester name."""
        from models.suggest.pipeline import SETTING, resolve

        key, display = resolve(name or None)
        self.set_project_setting(project_id, SETTING, key if name else None)
        return display

    def label_mapping(self, project_id: int, model: str | None = None
                      ) -> list[tuple[str, str | None]]:
        """Every label of the pipeline and the schema label it becomes (None: dropped).
        Loads the pipeline (seconds, once per process)."""
        from models.suggest import mapping, pipeline

        settings = self.project_settings(project_id)
        nlp, _ = pipeline.load(pipeline.project_pipeline(settings, model))
        return mapping.table(self.schema(project_id), settings, pipeline.ner_labels(nlp))

    def set_label_mapping(self, project_id: int, new: dict[str, str | None]) -> dict[str, str]:
        """Store the project's mapping (pipeline label -> schema label, '' or None drops);
        a target the schema lacks is refused, naming it."""
        from models.suggest import mapping

        clean = mapping.validate(self.schema(project_id), new)
        self.set_project_setting(project_id, mapping.SETTING, clean)
        return clean

    def set_patterns_file(self, project_id: int, path: str | None) -> int:
        """Use a JSONL patterns file for the project (None: none); returns how many
        patterns it has. A bad line is refused with file:line."""
        from models.suggest import patterns

        n = 0
        if path:
            from pathlib import Path

            import spacy

            path = str(Path(path).expanduser().resolve())
            found = patterns.read_patterns(path, self.schema(project_id))
            patterns.build_ruler(spacy.blank("en"), found, where=path)
            n = len(found)
        self.set_project_setting(project_id, patterns.SETTING, path or None)
        return n

    def suggester_stats(self, project_id: int) -> dict[str, dict[str, int]]:
        """suggester -> {"suggested", "accepted", "rejected", "edited"}."""
        from models.services.suggester_stats import suggester_stats

        with self.store.session() as s:
            return suggester_stats(s, project_id)

    def documents_by_uncertainty(self, project_id: int, *, model: str | None = None,
                                 limit: int | None = None, progress=None, cancel=None,
                                 kind: str = "entities"):
        """(document id, uncertainty) with the documents the model is least sure about
        first (its entities, or with kind="categories" its text classifier's categories);
        documents already done or approved in the user's layer are left out."""
        from models.suggest.uncertainty import rank_documents

        return rank_documents(self, project_id, model=model, limit=limit, progress=progress,
                              cancel=cancel, kind=kind)

    def train_model(self, project: str | int, out: str, *, layer: str | None = None,
                    max_steps: int | None = None, seed: int = 0, progress=None, cancel=None):
        """Train a NER (+ spancat) from accepted and gold labels into `out`, register
        out/model-best as the project's pipeline; returns a TrainReport."""
        from models.suggest.train import train_project

        return train_project(self, project, out, layer=layer, max_steps=max_steps, seed=seed,
                             progress=progress, cancel=cancel)
