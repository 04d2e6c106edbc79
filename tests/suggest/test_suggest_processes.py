"""Suggest on several processes (spaCy's n_process): the same suggestions as one process,
stored in document order by the one writer, progress in order, cancel between batches,
and a second run stores nothing new."""

from __future__ import annotations

from models.records import DocumentRecord
from models.suggest.runner import worker_count

PEOPLE = [("Angela Merkel", "Paris"), ("Joe Biden", "Berlin"), ("Emmanuel Macron", "Rome"),
          ("Olaf Scholz", "Madrid"), ("Pedro Sanchez", "Lisbon"), ("Mark Rutte", "Vienna"),
          ("Giorgia Meloni", "Athens"), ("Justin Trudeau", "Dublin"),
          ("Kamala Harris", "Mexico City"), ("Ana Lopez", "Guatemala")]


def _project(service, name: str) -> int:
    texts = [f"{who} met officials of the United Nations in {where} on Tuesday, Reuters said."
             for who, where in PEOPLE]
    service.import_records(name, [DocumentRecord(text=t, title=f"d{i}")
                                  for i, t in enumerate(texts)])
    return service.project_id(name)


def _stored(service, pid: int) -> list[tuple]:
    return [(d.title, sorted((s.start, s.end, s.label, s.suggester)
                             for s in service.load(d.id).spans))
            for d in service.documents(pid)]


def test_two_processes_store_what_one_stores_in_document_order(nlp, service):
    one, two = _project(service, "one"), _project(service, "two")
    single = service.suggest(one, batch_size=2, processes=1)
    seen: list[int] = []
    multi = service.suggest(two, batch_size=2, processes=2,
                            progress=lambda done, total, batch: seen.append(done))
    assert (multi.documents, multi.spans, multi.events, multi.relations) == \
        (single.documents, single.spans, single.events, single.relations)
    assert multi.spans >= 2 * len(PEOPLE)  # each names a person and a place at least
    assert _stored(service, two) == _stored(service, one)
    assert seen == [2, 4, 6, 8, 10]  # one writer, batch after batch
    # stored in document order: span ids grow with the document
    firsts = [min(s.id for s in service.load(d.id).spans) for d in service.documents(two)]
    assert firsts == sorted(firsts)
    again = service.suggest(two, batch_size=2, processes=2)
    assert again.spans == again.events == again.relations == 0 and again.skipped > 0
    assert _stored(service, two) == _stored(service, one)


def test_cancel_with_two_processes_keeps_whole_batches(nlp, service):
    pid = _project(service, "cancel")
    asked = []

    def cancel() -> bool:  # asked once a batch is full: the second time, stop
        asked.append(1)
        return len(asked) >= 2

    report = service.suggest(pid, batch_size=2, processes=2, cancel=cancel)
    assert report.cancelled and report.documents == 2 and report.total == len(PEOPLE)
    assert [d.title for d in service.documents(pid) if d.suggestions] == ["d0", "d1"]


def test_a_small_job_parses_in_this_process():
    assert worker_count(1, 32, None) == 1  # the open document: no fork
    assert worker_count(40, 32, 4) == 1  # one whole batch
    assert worker_count(1000, 32, 2) == 2
    assert worker_count(1000, 32, 1) == 1
