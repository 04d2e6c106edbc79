"""The service a CLI command acts through: opened as the user the command line names."""

from __future__ import annotations

import sys

from models.open import open_service
from models.service import Service


def _notice(text: str) -> None:
    print(f"marginalia: {text}", file=sys.stderr)


def open_for(args) -> Service:
    return open_service(args.db, args.user, claimed=getattr(args, "user_claimed", True),
                        notices=_notice)
