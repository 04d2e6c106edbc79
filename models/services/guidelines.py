"""The project's annotation guidelines: Markdown stored in the project's settings.

Everyone reads them; only admins change them (audited, as a schema change is)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from models.errors import FormatError, NotFoundError, ValidationError
from models.orm import Project
from models.services.context import Actor, audit, check_admin

SETTING = "guidelines"
MAX_CHARS = 1_000_000  # a handbook, not a corpus


def _project(s: Session, project_id: int) -> Project:
    p = s.get(Project, project_id)
    if p is None:
        raise NotFoundError(f"no project with id {project_id}")
    return p


def get_guidelines(s: Session, project_id: int) -> str:
    return str((_project(s, project_id).settings or {}).get(SETTING) or "")


def set_guidelines(s: Session, actor: Actor, project_id: int, text: str) -> str:
    check_admin(actor, "change the guidelines")
    if "\x00" in text:
        raise ValidationError("the guidelines hold a NUL byte (binary data), refused")
    if len(text) > MAX_CHARS:
        raise ValidationError(f"guidelines of {len(text):,} characters are over the limit of "
                              f"{MAX_CHARS:,}")
    p = _project(s, project_id)
    before = (p.settings or {}).get(SETTING) or ""
    p.settings = {**(p.settings or {}), SETTING: text}
    audit(s, actor, "guidelines", "projects", project_id, project_id=project_id,
          before={"chars": len(before)}, after={"chars": len(text)})
    return text


def read_guidelines_file(path: str | Path) -> str:
    """A Markdown (or plain text) file's text; one-line errors naming the file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FormatError(str(path), None, f"cannot read: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise FormatError(str(path), None, f"not UTF-8 text (byte {exc.start})") from None
