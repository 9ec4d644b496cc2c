"""The mapping file: reading, writing, validation, content hash and confirmation."""

from __future__ import annotations

import getpass
import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import MappingError, MappingNotConfirmed

HEADER = """\
# novo2odoo mapping. Review every entry, edit what is wrong, then run `novo2odoo confirm` on
# this file. `migrate` refuses a mapping that is unconfirmed or changed after confirmation.
#
# objects.<object>.columns.<header>.targets: the Odoo fields a CSV column fills and the
#   conversion applied; an empty list skips the column. x_ fields are created on the target.
# value_maps: how Novo values become Odoo values (status to stage, priority, department to
#   team, staff to user). staff.<key>.action is match, create, fallback or unassigned.
# confidence (0 to 1) and reason explain why the tool proposed each entry. Check low values.
"""


class _Loose(BaseModel):
    model_config = ConfigDict(extra="allow")


class TargetRef(_Loose):
    field: str
    convert: str


class ColumnMap(_Loose):
    source: str
    targets: list[TargetRef] = Field(default_factory=list)
    confidence: float = 1.0
    reason: str = ""


class ObjectMap(_Loose):
    file: str
    encoding: str
    delimiter: str
    date_style: Literal["mdy", "dmy", "iso"]
    model: Optional[str]
    columns: dict[str, ColumnMap] = Field(default_factory=dict)
    fixed: dict[str, Any] = Field(default_factory=dict)


class CustomField(_Loose):
    model: str
    name: str
    type: Literal["char", "text", "html", "integer", "float", "boolean", "date", "datetime", "selection", "many2one"]
    label: str
    relation: Optional[str] = None
    selection: list[str] = Field(default_factory=list)


class Settings(_Loose):
    timezone: str
    default_country: str = "US"
    decimal_comma: bool = False
    module: str = "novo_migration"
    batch_size: int = Field(200, ge=1, le=5000)


class StaffEntry(_Loose):
    action: Literal["match", "create", "fallback", "unassigned"]
    user: Optional[str] = None
    email: Optional[str] = None
    name: str


class ValueMaps(_Loose):
    status: dict[str, dict] = Field(default_factory=dict)
    priority: dict[str, dict] = Field(default_factory=dict)
    department: dict[str, dict] = Field(default_factory=dict)
    staff: dict[str, StaffEntry] = Field(default_factory=dict)


class MappingDocument(_Loose):
    novo2odoo_mapping: Literal[1]
    settings: Settings
    objects: dict[str, ObjectMap]
    custom_fields: list[CustomField] = Field(default_factory=list)
    value_maps: ValueMaps
    approval: Optional[dict] = None


def content_hash(document: dict) -> str:
    """Return the SHA-256 of the mapping's content, leaving out the approval block itself."""
    content = {key: value for key, value in document.items() if key != "approval"}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def save(document: dict, path: str | Path) -> None:
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    Path(path).write_text(HEADER + "\n" + text, encoding="utf-8")


def load(path: str | Path) -> dict:
    """Read and validate a mapping file; raise MappingError naming the first invalid entry."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as handle:
            document = yaml.safe_load(handle)
    except FileNotFoundError:
        raise MappingError(f"mapping file {path} not found; create it with `novo2odoo propose`") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        problem = getattr(exc, "problem", None) or exc
        raise MappingError(f"mapping file {path} is not valid YAML{line}: {problem}") from None
    if not isinstance(document, dict):
        raise MappingError(f"mapping file {path} contains no mapping: run `novo2odoo propose` to write one")
    try:
        MappingDocument.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise MappingError(f"mapping file {path}: {where}: {first['msg']}") from None
    return document


def confirm(path: str | Path, by: str | None = None) -> dict:
    """Mark the mapping at ``path`` as approved by ``by`` now, with the hash of its content."""
    document = load(path)
    document["approval"] = {
        "by": by or getpass.getuser(),
        "at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sha256": content_hash(document),
    }
    save(document, path)
    return document


def require_confirmed(document: dict, path: str | Path) -> str:
    """Return the content hash of a confirmed mapping, or raise MappingNotConfirmed."""
    approval = document.get("approval")
    if not approval:
        raise MappingNotConfirmed(
            f"mapping {path} is not confirmed: review it, then run `novo2odoo confirm {path}`")
    digest = content_hash(document)
    if approval.get("sha256") != digest:
        raise MappingNotConfirmed(
            f"mapping {path} changed after {approval.get('by')} confirmed it on {approval.get('at')}: "
            f"review the changes, then run `novo2odoo confirm {path}` again")
    return digest
