"""File > Import... and File > Export...: the dialogs run the CLI's use cases in the
background and end with the report of what was stored, written or left out."""

from __future__ import annotations

import json
import shutil

from PySide6.QtCore import Qt

from tests.conftest import ROOT

BRAT = ROOT / "tests" / "fixtures" / "formats" / "brat"


def brat_folder(tmp_path, extra_entity="Weapon"):
    """The brat fixture, its annotation.conf listing one entity no .ann line uses."""
    folder = tmp_path / "brat"
    shutil.copytree(BRAT, folder)
    conf = folder / "annotation.conf"
    conf.write_text(conf.read_text().replace("[entities]\n", f"[entities]\n{extra_entity}\n"))
    return folder


def open_dialog(qtbot, window, action):
    window.actions_by_name[action].trigger()
    dlg = window.current_dialog
    qtbot.waitExposed(dlg)
    return dlg


def run(qtbot, window, dlg):
    qtbot.mouseClick(dlg.run, Qt.LeftButton)
    qtbot.waitUntil(lambda: not window.jobs.busy() and not dlg.panel.running, timeout=20000)


def test_import_dialog_reads_a_brat_folder_with_its_annotation_conf(qtbot, window, db,
                                                                     tmp_path):
    folder = brat_folder(tmp_path)
    dlg = open_dialog(qtbot, window, "import")
    dlg.add_path(folder)
    assert "(brat)" in dlg.paths.item(0).text()  # the format detected, shown before import
    run(qtbot, window, dlg)

    titles = [d.title for d in db.documents(window.ws.project_id)]
    assert "news1" in titles
    # the conf's entity that no label uses is in the schema: the conf was read, not guessed
    assert "Weapon" in db.schema("news").entity_names
    assert "Weapon" in window.ws.schema.entity_names  # and the window follows
    palette = window.palette_list
    assert any("Weapon" in palette.item(i).text() for i in range(palette.count()))
    report = dlg.panel.report.toPlainText()
    assert "stored 1 document(s)" in report and "8 spans" in report
    assert "annotation.conf" in report


def test_import_dialog_strict_refuses_and_stores_nothing(qtbot, window, db, tmp_path):
    folder = brat_folder(tmp_path)
    before = len(db.documents(window.ws.project_id))
    dlg = open_dialog(qtbot, window, "import")
    dlg.add_path(folder)
    dlg.strict.setChecked(True)
    run(qtbot, window, dlg)
    assert len(db.documents(window.ws.project_id)) == before
    assert "Weapon" not in db.schema("news").entity_names
    assert dlg.panel.status.text().startswith("⚠")


def test_import_dialog_puts_labels_in_the_chosen_annotators_layer(qtbot, window, db,
                                                                   tmp_path):
    dlg = open_dialog(qtbot, window, "import")
    dlg.add_path(brat_folder(tmp_path))
    dlg.annotator.setText("bob")
    run(qtbot, window, dlg)
    doc = next(d for d in db.documents(window.ws.project_id) if d.title == "news1")
    assert "bob" in db.layer_names(window.ws.project_id)
    assert db.load(doc.id).spans == []  # alice's own layer holds none of them


def test_export_dialog_writes_the_format_and_reports_what_it_left_out(qtbot, window, db,
                                                                       tmp_path):
    doc_id = window.ws.documents[0].id
    text = db.load(doc_id).text
    start = text.index("the")
    db.create_span(doc_id, start, start + 3, "ORG")
    out = tmp_path / "out.jsonl"

    dlg = open_dialog(qtbot, window, "export")
    dlg.format.setCurrentIndex(dlg.format.findData("prodigy"))
    dlg.out.setText(str(out))
    run(qtbot, window, dlg)  # default: finished documents only, and none is done yet
    assert out.read_text() == ""
    assert "prodigy: left out or changed:\n  1 document not finished (done or approved): " \
        "1 in progress; --status all writes them" in dlg.panel.report.toPlainText()

    dlg.status.setCurrentIndex(dlg.status.findData("all"))
    run(qtbot, window, dlg)
    (line,) = out.read_text().splitlines()
    task = json.loads(line)
    assert [(s["start"], s["end"], s["label"]) for s in task["spans"]] == \
        [(start, start + 3, "ORG")]
    assert "prodigy: 1 documents, 1 spans" in dlg.panel.report.toPlainText()


def test_export_dialog_shows_only_the_options_of_the_format(qtbot, window):
    dlg = open_dialog(qtbot, window, "export")
    dlg.format.setCurrentIndex(dlg.format.findData("conll"))
    assert dlg.scheme.isVisibleTo(dlg) and not dlg.dev.isVisibleTo(dlg)
    dlg.format.setCurrentIndex(dlg.format.findData("spacy"))
    assert dlg.dev.isVisibleTo(dlg) and not dlg.scheme.isVisibleTo(dlg)
    dlg.format.setCurrentIndex(dlg.format.findData("brat"))
    assert not dlg.misaligned.isVisibleTo(dlg)


def test_import_dialog_reads_doccano_columns_a_user_named(qtbot, window, db, tmp_path):
    """doccano's import dialog lets the text and label keys have other names; ours too."""
    src = tmp_path / "reviews.jsonl"
    rows = [{"review": "Lovely quiet hotel.", "verdict": ["positive"]},
            {"review": "Mo Farah ran.", "verdict": [[0, 8, "PER"]], "page": 3}]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    dlg = open_dialog(qtbot, window, "import")
    text_col, label_col = dlg.reader_options["doccano_text_column"][0], \
        dlg.reader_options["doccano_label_column"][0]
    assert not text_col.isVisibleTo(dlg)  # only with doccano chosen
    dlg.format.setCurrentIndex(dlg.format.findData("doccano"))
    assert text_col.isVisibleTo(dlg) and label_col.isVisibleTo(dlg)
    assert (text_col.text(), label_col.text()) == ("text", "label")  # doccano's defaults
    text_col.setText("review")
    label_col.setText("verdict")
    dlg.add_path(src)
    run(qtbot, window, dlg)

    texts = {db.load(d.id).text: d.id for d in db.documents(window.ws.project_id)}
    assert {"Lovely quiet hotel.", "Mo Farah ran."} <= set(texts)
    spans = db.load(texts["Mo Farah ran."]).spans
    assert [(s.start, s.end, s.label) for s in spans] == [(0, 8, "PER")]
    assert db.load(texts["Lovely quiet hotel."]).accepted_categories == ["positive"]
    assert "stored 2 document(s)" in dlg.panel.report.toPlainText()


def test_import_dialog_refuses_a_record_without_the_named_text_column(qtbot, window, db,
                                                                       tmp_path):
    src = tmp_path / "reviews.jsonl"
    src.write_text('{"review": "Fine."}\n{"text": "no review key"}\n', encoding="utf-8")
    before = len(db.documents(window.ws.project_id))
    dlg = open_dialog(qtbot, window, "import")
    dlg.format.setCurrentIndex(dlg.format.findData("doccano"))
    dlg.reader_options["doccano_text_column"][0].setText("review")
    dlg.add_path(src)
    run(qtbot, window, dlg)
    assert len(db.documents(window.ws.project_id)) == before  # nothing half-stored
    status = dlg.panel.status.text()
    assert status.startswith("⚠") and f"{src}:2:" in status and '"review"' in status


def test_doccano_fasttext_is_a_choice_of_both_dialogs(qtbot, window, db, tmp_path):
    """The import dialog's doccano form is a choice among the declared ones (fastText only
    when chosen: a .txt is plain text), and the export dialog offers the same forms."""
    src = tmp_path / "reviews.txt"
    src.write_text("__label__positive Lovely quiet hotel.\n", encoding="utf-8")
    dlg = open_dialog(qtbot, window, "import")
    dlg.format.setCurrentIndex(dlg.format.findData("doccano"))
    form = dlg.reader_options["doccano_import_form"][0]
    assert form.isVisibleTo(dlg) and form.currentText() == "auto"
    assert [form.itemText(i) for i in range(form.count())] == ["auto", "csv", "tsv",
                                                               "fasttext", "xlsx"]
    form.setCurrentText("fasttext")
    dlg.add_path(src)
    run(qtbot, window, dlg)
    texts = {db.load(d.id).text: d.id for d in db.documents(window.ws.project_id)}
    assert db.load(texts["Lovely quiet hotel."]).accepted_categories == ["positive"]
    dlg.close()

    dlg = open_dialog(qtbot, window, "export")
    dlg.format.setCurrentIndex(dlg.format.findData("doccano"))
    assert {dlg.form_.itemData(i) for i in range(dlg.form_.count())} >= {"csv", "tsv",
                                                                        "fasttext"}


def test_the_import_dialog_offers_a_delimiter_with_doccanos_csv_only(qtbot, window, db,
                                                                     tmp_path):
    """doccano's CSV import offers its delimiters (comma, tab, semicolon, pipe, space); the
    choice is shown with a form that is CSV (or chosen by extension), not with fastText."""
    src = tmp_path / "reviews.csv"
    src.write_text("text;label\nLovely quiet hotel.;positive\n", encoding="utf-8")
    dlg = open_dialog(qtbot, window, "import")
    delimiter = dlg.reader_options["doccano_delimiter"][0]
    form = dlg.reader_options["doccano_import_form"][0]
    assert not delimiter.isVisibleTo(dlg)  # only with doccano chosen
    dlg.format.setCurrentIndex(dlg.format.findData("doccano"))
    assert delimiter.isVisibleTo(dlg) and delimiter.currentText() == "auto"
    assert [delimiter.itemText(i) for i in range(delimiter.count())] == [
        "auto", "comma", "tab", "semicolon", "pipe", "space"]
    for other in ("fasttext", "xlsx"):
        form.setCurrentText(other)
        assert not delimiter.isVisibleTo(dlg)
    form.setCurrentText("csv")
    assert delimiter.isVisibleTo(dlg)
    delimiter.setCurrentText("semicolon")
    dlg.add_path(src)
    run(qtbot, window, dlg)
    texts = {db.load(d.id).text: d.id for d in db.documents(window.ws.project_id)}
    assert db.load(texts["Lovely quiet hotel."]).accepted_categories == ["positive"]
