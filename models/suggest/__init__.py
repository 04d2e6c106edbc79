"""Suggesters: labels proposed by spaCy pipelines, patterns and dependency rules.

Everything here is plain Python on top of spaCy (no Qt). spaCy itself is imported lazily,
inside the functions that need it, so the application starts without waiting for it.

- pipeline.py   which pipeline a project uses, loading it once per process
- mapping.py    pipeline labels -> schema labels (per project, editable)
- trim.py       trimming suggested spans of whitespace and punctuation
- patterns.py   EntityRuler patterns from a JSONL file and from the project's own labels
- analyze.py    one parsed Doc -> entity, event and relation suggestions (no database)
- writer.py     storing suggestions in bulk, one transaction per batch, on a writer thread
- runner.py     the job: batches of documents through nlp.pipe, analysis, the writer
- train.py      model in the loop: training a NER (+ spancat) from accepted labels
- uncertainty.py ordering documents by how unsure a model is about them
"""
