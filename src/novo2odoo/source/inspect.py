"""Profile an export: row counts, column fill rates and the data problems a migration will meet."""

from __future__ import annotations

import re

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import values as sv
from .export import RAGGED, Export
from .vocabulary import BY_KEY

REFERENCES = {  # (object, column) -> referenced object
    ("user", "department"): "department",
    ("location", "customer"): "customer",
    ("asset", "department"): "department",
    ("asset", "location"): "location",
    ("work_order", "customer"): "customer",
    ("work_order", "asset"): "asset",
    ("work_order", "location"): "location",
    ("activity", "work_order"): "work_order",
    ("attachment", "work_order"): "work_order",
    ("pm_schedule", "asset"): "asset",
    ("pm_schedule", "department"): "department",
}


@dataclass
class Finding:
    """One data problem: where it is, what the value is and what it means."""

    kind: str
    file: str
    row: int
    column: str
    value: str
    message: str


@dataclass
class ColumnProfile:
    header: str
    key: str | None
    filled: int = 0
    distinct: set = field(default_factory=set)
    examples: list = field(default_factory=list)


@dataclass
class FileProfile:
    file: str
    object: str
    rows: int
    columns: list[ColumnProfile]


@dataclass
class Inspection:
    files: list[FileProfile]
    findings: list[Finding]
    unrecognised: list[str]

    def counts(self) -> Counter:
        return Counter(f.kind for f in self.findings)


DISTINCT_CAP = 50


def inspect_export(export: Export) -> Inspection:
    """Read every recognised file once and list its profile and problems."""
    # NOTE: the ids of every object are kept in memory to find dangling references, which is
    # about 100 MB per million ids. The load stage itself streams.
    ids: dict[str, set[str]] = defaultdict(set)
    people: dict[str, tuple[int, str]] = {}
    department_names: set[str] = set()
    profiles = []
    findings: list[Finding] = []

    order = ["department", "user", "customer", "location", "asset", "work_order", "pm_schedule",
             "attachment", "activity", "custom_field"]
    for obj in order:
        source = export.file(obj)
        if source is None:
            continue
        spec = BY_KEY[obj]
        style = source.date_style.value if source.date_style else "mdy"
        columns = [ColumnProfile(m.header, m.key) for m in source.columns]
        seen_ids: Counter = Counter()
        rows = 0
        id_header = source.header_for(spec.id_column)
        for number, row in source.rows():
            rows += 1
            if RAGGED in row:
                findings.append(Finding("ragged row", source.name, number, "", "", row[RAGGED]))
            for profile in columns:
                value = row.get(profile.header, "").strip()
                if not value:
                    continue
                profile.filled += 1
                if len(profile.distinct) < DISTINCT_CAP:
                    profile.distinct.add(value)
                if len(profile.examples) < 3 and value not in profile.examples:
                    profile.examples.append(value[:60])
                kind = spec.column(profile.key).kind if profile.key else "text"
                if kind == "email" or (profile.key == "assigned_to"):
                    if "@" in value or kind == "email":
                        email, problem = sv.clean_email(value)
                        if problem:
                            findings.append(Finding("invalid e-mail", source.name, number, profile.header, value, problem))
                    elif profile.key == "assigned_to":
                        findings.append(Finding("staff by name", source.name, number, profile.header, value,
                                                "staff named by display name instead of e-mail"))
                if kind in ("date", "datetime"):
                    try:
                        sv.parse_datetime(value, style)
                    except (ValueError, OverflowError):
                        findings.append(Finding("unreadable date", source.name, number, profile.header, value,
                                                f"not a {style.upper()} date"))
                if profile.key and (obj, profile.key) in REFERENCES:
                    # Files are read in dependency order, so the referenced ids are complete here.
                    target = REFERENCES[(obj, profile.key)]
                    dangling = target in ids and value not in ids[target]
                    if target == "department" and value.lower() in department_names:
                        dangling = False
                    if dangling:
                        findings.append(Finding("dangling reference", source.name, number, profile.header, value,
                                                f"{target.replace('_', ' ')} {value} is not in the export"))
            if id_header:
                novo_id = row.get(id_header, "").strip()
                if novo_id:
                    seen_ids[novo_id] += 1
                    ids[obj].add(novo_id)
                    if seen_ids[novo_id] == 2:
                        findings.append(Finding("duplicate id", source.name, number, id_header, novo_id,
                                                "the same id appears on more than one row"))
            if obj == "customer":
                identity = customer_identity(source, row)
                if identity:
                    first = people.setdefault(identity, (number, row.get(id_header or "", "")))
                    if first[0] != number:
                        findings.append(Finding("duplicate customer", source.name, number, id_header or "",
                                                row.get(id_header or "", ""),
                                                f"the same person as {first[1]} (row {first[0]}); the rows will "
                                                "be merged into one contact"))
            if obj == "department":
                department_names.add(row.get(source.header_for("name") or "", "").strip().lower())
            if obj == "work_order":
                created = row.get(source.header_for("created") or "", "")
                completed = row.get(source.header_for("completed") or "", "")
                try:
                    start = sv.parse_datetime(created, style)
                    end = sv.parse_datetime(completed, style)
                    if start and end and end < start:
                        findings.append(Finding("completed before created", source.name, number,
                                                source.header_for("completed"), completed,
                                                f"completed {completed} is before created {created}"))
                except (ValueError, OverflowError):
                    pass
            if obj == "attachment":
                findings.extend(check_attachment(export.root, source.name, number, source.header_for("path"),
                                                 row.get(source.header_for("path") or "", "")))
        if rows == 0:
            findings.append(Finding("empty file", source.name, 0, "", "", "the file has a header but no rows"))
        profiles.append(FileProfile(source.name, obj, rows, columns))

    return Inspection(profiles, findings, [s.name for s in export.unrecognised])


def customer_identity(source, row: dict) -> str | None:
    """Return what makes two individual customer rows one person: the e-mail, else name and phone.

    The load stage merges rows with the same identity in the same way.
    """
    def value(key: str) -> str:
        header = source.header_for(key)
        return (row.get(header) or "").strip() if header else ""

    if value("type").casefold() in ("business", "company", "organization", "commercial"):
        return None
    email, _problem = sv.clean_email(value("email"))
    if email:
        return f"email:{email}"
    name = " ".join(part for part in (value("first_name"), value("last_name")) if part).casefold()
    if not name:
        return None
    phone = "".join(ch for ch in value("phone") if ch.isdigit())[-10:]
    return f"name:{name}|{phone}|{value('street').casefold()}"


def check_attachment(root: Path, file: str, number: int, header: str | None, value: str) -> list[Finding]:
    text = value.strip().replace("\\", "/")
    if not text:
        return [Finding("missing file", file, number, header or "", value, "no path given")]
    resolved = safe_path(root, text)
    if resolved is None:
        return [Finding("path outside export", file, number, header or "", value,
                        "the path leaves the export folder; the file will not be read")]
    try:
        if not resolved.is_file():
            return [Finding("missing file", file, number, header or "", value, "the file does not exist")]
        if resolved.stat().st_size == 0:
            return [Finding("empty file", file, number, header or "", value, "the file is empty")]
    except OSError as exc:
        return [Finding("unreadable file", file, number, header or "", value, exc.strerror or str(exc))]
    return []


def safe_path(root: Path, text: str) -> Path | None:
    """Resolve an attachment path inside ``root``; None when it is absolute or leads outside.

    Windows drive letters and UNC paths count as absolute, and symbolic links are followed
    before the check, so a link inside the folder cannot point outside it.
    """
    text = text.replace("\\", "/")
    if re.match(r"^[A-Za-z]:", text) or text.startswith("//"):
        return None
    candidate = Path(text)
    if candidate.is_absolute():
        return None
    try:
        resolved = (root.resolve() / candidate).resolve()
    except OSError:
        return None
    return resolved if resolved.is_relative_to(root.resolve()) else None
