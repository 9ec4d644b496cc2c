"""Mapping stage: propose, review and confirm how an export lands in Odoo."""

from .document import confirm, content_hash, load, require_confirmed, save
from .propose import propose

__all__ = ["confirm", "content_hash", "load", "propose", "require_confirmed", "save"]
