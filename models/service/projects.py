"""Projects, their schema, settings and guidelines; users and the audit chain."""

from __future__ import annotations

from typing import Any


from models.schema import Schema
from models.services import projects
from models.views import ProjectSummary
from models.service.base import _op


class ProjectsFacade:
    # ---- projects and schema --------------------------------------------------------------
    def create_project(self, name: str, schema: Schema | None = None) -> ProjectSummary:
        with self.store.session() as s:
            p = projects.create_project(s, self._actor(s), name, schema)
            return ProjectSummary(p.id, p.name, 0, 1, p.created_at.isoformat(timespec="seconds"))

    def list_projects(self) -> list[ProjectSummary]:
        with self.store.session() as s:
            return projects.list_projects(s)

    def project_id(self, name: str) -> int:
        with self.store.session() as s:
            return projects.get_project(s, name).id

    def schema(self, project: str | int) -> Schema:
        with self.store.session() as s:
            pid = project if isinstance(project, int) else projects.get_project(s, project).id
            return projects.current_schema(s, pid)

    def save_schema(self, project_id: int, schema: Schema) -> Schema:
        with self.store.session() as s:
            return projects.save_schema(s, self._actor(s), project_id, schema)

    def project_settings(self, project_id: int) -> dict[str, Any]:
        from models.orm import Project

        with self.store.session() as s:
            return dict(s.get(Project, project_id).settings or {})

    def set_project_setting(self, project_id: int, key: str, value: Any) -> None:
        """Change one project setting (the suggest pipeline, mapping, auto-gold...): admins
        only, audited."""
        from models.orm import Project
        from models.services.context import audit, check_admin

        with self.store.session() as s:
            actor = self._actor(s)
            check_admin(actor, "change the project's settings")
            p = s.get(Project, project_id)
            if p is None:
                from models.errors import NotFoundError

                raise NotFoundError(f"no project with id {project_id}")
            before = (p.settings or {}).get(key)
            p.settings = {**(p.settings or {}), key: value}
            audit(s, actor, "set_setting", "projects", project_id, project_id=project_id,
                  before={key: before}, after={key: value})

    def guidelines(self, project_id: int) -> str:
        from models.services import guidelines

        with self.store.session() as s:
            return guidelines.get_guidelines(s, project_id)

    def set_guidelines(self, project_id: int, text: str) -> str:
        """Admins only; `text` is Markdown."""
        from models.services import guidelines

        with self.store.session() as s:
            return guidelines.set_guidelines(s, self._actor(s), project_id, text)

    def import_guidelines(self, project_id: int, path: str) -> str:
        from models.services import guidelines

        return self.set_guidelines(project_id, guidelines.read_guidelines_file(path))

    rename_label = _op(projects.rename_label)
    delete_label = _op(projects.delete_label)

    # ---- users ------------------------------------------------------------------------------
    def add_user(self, name: str, role: str = "annotator",
                 password: str | None = None) -> str:
        """Add a user or change their role (admins only, audited). On a team database the
        user is a login role with this password (needed for a new one); returns the role
        they had ('' for a new user)."""
        from models.services.users import add_user

        with self.store.session() as s:
            return add_user(s, self._actor(s), name, role, password)

    def list_users(self) -> list[tuple[str, str]]:
        """(name, role) of every user (admins only; audited)."""
        from models.services.users import list_users

        with self.store.session() as s:
            return list_users(s, self._actor(s))

    def verify_audit(self, project: str | None = None, head: str | None = None):
        """Follow the audit log's hash chain (team databases; reviewers and admins)."""
        from models.services.users import verify_audit

        with self.store.session() as s:
            return verify_audit(s, self._actor(s), project, head)
