"""Suggesters: labels proposed by spaCy pipelines, patterns and dependency rules.

Everything here is plain Python on top of spaCy (no Qt). spaCy itself is imported lazily,
inside the functions that need it, so the application starts without waiting for it.

- pipeline.py   which pipeline a project uses, loading it once per process
- mapping.py    pipeline labels -> schema labels (per project, editable)
- trim.py       trimming suggested spans of whitespace and punctuation
- suggester.py  the Suggester protocol, what suggesters propose, the Setup they are built from
- suggesters.py the registry: the suggesters a run builds, in the order they run
- ner.py        the spaCy model's entities (and spancat spans) as suggestions
- ruler.py      EntityRuler patterns (a JSONL file, the project's own labels) as suggestions
- event_rules.py / relation_rules.py  the schema's dependency rules for events and relations
- patterns.py   building and checking the EntityRulers
- relations.py  the fast matcher of relation rules (spaCy's DependencyMatcher for the rest)
- analyze.py    one parsed Doc -> the suggesters in turn -> stored tuples (no database)
- writer.py     storing suggestions in bulk, one transaction per batch, on a writer thread
- runner.py     the job: batches of documents through nlp.pipe, analysis, the writer
- train.py      model in the loop: training a NER (+ spancat) from accepted labels
- uncertainty.py ordering documents by how unsure a model is about them
"""
