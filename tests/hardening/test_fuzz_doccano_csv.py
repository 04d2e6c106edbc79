"""doccano's CSV, TSV and fastText readers fed malformed and random input: a successful
import or a clean one-line error naming the file, with nothing stored; never a traceback.
(test_fuzz_importers.py does this per --format; these forms are one format's options.)"""

import pytest

from exports.base import ImportOptions
from exports.usecases import import_paths
from models.open import open_service
from tests.hardening.fuzz_db import fresh_db, scratch
from tests.hardening.test_fuzz_importers import fuzz_reader  # the same mutations and checks

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
    with scratch() as tmp:  # the unmutated sample imports
        service = open_service(fresh_db(tmp), "fuzz")
        f = tmp / name
        f.write_bytes(sample)
        try:
            assert import_paths(service, "sample", [f], "doccano", options=options)
        finally:
            service.store.dispose()
    with scratch() as tmp:
        fuzz_reader("doccano", name, sample, {}, tmp, options=options)
