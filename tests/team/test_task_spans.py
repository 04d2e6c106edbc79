"""A shared span of two Prodigy tasks on a PostgreSQL team database: each task comes back
as itself through delete and undo (tests/exports/test_task_spans.py), and an annotator's
task links are hers alone (row-level security on task_spans)."""

from __future__ import annotations

import psycopg
import pytest

from tests.exports.test_task_spans import check_shared_span


def test_postgres_team_each_task_keeps_a_shared_span_and_links_stay_in_their_layer(
        team_db, tmp_path):
    ann = team_db.service(team_db.ann)
    check_shared_span(ann, ann.store, tmp_path)
    with team_db.raw(team_db.ann) as conn:
        (task, span), = conn.execute("SELECT task_id, span_id FROM task_spans").fetchall()
    with team_db.raw(team_db.bob) as conn:
        # another annotator sees no link of hers, and can make none into her tasks
        assert conn.execute("SELECT count(*) FROM task_spans").fetchone() == (0,)
        with pytest.raises(psycopg.Error, match="row-level security"):
            conn.execute("INSERT INTO task_spans (task_id, span_id) VALUES (%s, %s)",
                         (task, span))
        assert conn.execute("DELETE FROM task_spans WHERE task_id = %s",
                            (task,)).rowcount == 0
