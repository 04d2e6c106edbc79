"""The Service facade: the one door the window and the CLI use into the core.

Split by area, one small class each (projects, documents, labels, transfer, review,
suggest), all in one wrapping style (models/service/base.py `_op`): every method runs one
core function in its own unit of work and commits it before returning, so every edit is
stored when it is made. Methods return plain dataclasses (models.views)."""

from __future__ import annotations

from models.service.base import ServiceBase, acting_user
from models.service.documents import DocumentsFacade
from models.service.labels import LabelsFacade
from models.service.projects import ProjectsFacade
from models.service.review import ReviewFacade
from models.service.suggest import SuggestFacade
from models.service.transfer import TransferFacade


class Service(ProjectsFacade, DocumentsFacade, LabelsFacade, TransferFacade, ReviewFacade,
              SuggestFacade, ServiceBase):
    """Service(store, user): what the acting user may do, by area (see the mixins)."""


__all__ = ["Service", "acting_user"]
