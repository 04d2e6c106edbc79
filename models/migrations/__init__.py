"""Alembic migrations. HEAD names the newest revision so that opening an up-to-date
database need not load Alembic at all (a test checks it matches the scripts)."""

HEAD = "0009"
