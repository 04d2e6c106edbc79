"""doccano's CSV, TSV and fastText readers fed malformed and random input: a successful
import or a clean one-line error naming the file, with nothing stored; never a traceback.
(test_fuzz_importers.py does this per --format; these forms are one format's options.)"""

import itertools
import os

import pytest
from hypothesis import HealthCheck, given, settings

from desktop.cli.main import one_line
from exports.base import ImportOptions
from exports.usecases import import_paths
from models.errors import DomainError
from models.open import open_service
from tests.hardening.fuzz_db import fresh_db, scratch
from tests.hardening.test_fuzz_importers import mutations  # the same byte mutations

EXAMPLES = int(os.environ.get("MARGINALIA_FUZZ_EXAMPLES", "25"))  # as test_fuzz_importers

SAMPLES = {
    "csv": ("a.csv", b'text,label,shop\n"Terrible, customer service.",negative#service,12\n'
                     b'Great price.,positive,\n'),
    "tsv": ("a.tsv", b"text\tlabel\nTerrible service.\tnegative#service\nGreat.\t\n"),
    "fasttext": ("a.txt", b"__label__negative __label__service Terrible service.\n"
                          b"__label__positive Great price.\nNo label.\n"),
}


@pytest.mark.parametrize("form", sorted(SAMPLES))
def test_fuzz_doccano_table_reader(form, monkeypatch):
    monkeypatch.setenv("MARGINALIA_DEBUG", "1")
    name, sample = SAMPLES[form]
    options = ImportOptions(doccano_import_form=form)
    with scratch() as tmp:
        service = open_service(fresh_db(tmp), "fuzz")
        f = tmp / name
        numbers = itertools.count()
        f.write_bytes(sample)
        assert import_paths(service, "sample", [f], "doccano", options=options)

        @settings(max_examples=EXAMPLES, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture,
                                         HealthCheck.too_slow])
        @given(mutations(sample))
        def check(data):
            project = f"p{next(numbers)}"
            f.write_bytes(data)
            try:
                import_paths(service, project, [f], "doccano", options=options)
            except DomainError as exc:
                line = one_line(str(exc))
                assert name in line or f"'{project}'" in line, line  # names the file
                assert project not in {p.name for p in service.list_projects()}

        try:
            check()
        finally:
            service.store.dispose()
