"""The database: SQLite pragmas, Alembic owning the schema, newer databases refused."""

import pytest
from sqlalchemy import text

from models.errors import StorageError
from models.store import Store, head_revision


def test_sqlite_is_wal_with_foreign_keys(sqlite_url):
    st = Store(sqlite_url)
    with st.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert st.current_revision() == head_revision()
    assert st.integrity_ok()


def test_migrations_match_the_models(db_url):
    """Alembic's autogenerate finds nothing to add: the migration files are the schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from models.orm import Base

    st = Store(db_url)
    with st.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_newer_database_is_refused(sqlite_url):
    st = Store(sqlite_url)
    with st.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_future'"))
    st.dispose()
    with pytest.raises(StorageError, match="newer Marginalia"):
        Store(sqlite_url)


def test_environment_variable_sets_the_database(tmp_path, monkeypatch):
    from models.store import default_url

    monkeypatch.setenv("MARGINALIA_DB", f"sqlite:///{tmp_path}/env.db")
    assert default_url().endswith("env.db")


def test_head_constant_matches_the_migration_scripts():
    from models.migrations import HEAD

    assert HEAD == head_revision()
