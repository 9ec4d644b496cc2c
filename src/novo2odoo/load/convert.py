"""Normalize stage: turn one source row into Odoo field values, as the mapping specifies.

Converters raise :class:`Problem`. An ``error`` quarantines the row; a ``warning`` leaves the
value out and loads the rest of the row. Either way the journal records the file, row, column,
value and reason.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pycountry

from ..mapping.values import norm
from ..source import values as sv
from ..source.inspect import safe_path


class Problem(Exception):
    def __init__(self, severity: str, reason: str, hint: str = ""):
        super().__init__(reason)
        self.severity = severity
        self.reason = reason
        self.hint = hint


@dataclass
class Lookups:
    """Ids on the target that conversions need, filled by the prepare step."""

    countries: dict[str, int] = field(default_factory=dict)       # alpha-2 code -> id
    states: dict[tuple[int, str], int] = field(default_factory=dict)  # (country id, code or name) -> id
    teams: dict[str, int] = field(default_factory=dict)           # department id or name -> team id
    stages: dict[str, int] = field(default_factory=dict)          # raw status -> stage id
    done_stages: set[int] = field(default_factory=set)            # ids of closing stages
    users: dict[str, int | None] = field(default_factory=dict)    # staff reference -> user id
    user_partners: dict[int, int] = field(default_factory=dict)   # user id -> partner id
    categories: dict[str, int] = field(default_factory=dict)      # equipment category name -> id
    subtypes: dict[str, int] = field(default_factory=dict)        # note / comment -> subtype id
    refs: dict[tuple[str, str], int] = field(default_factory=dict)  # (object, novo id) -> res id
    companies: dict[str, int] = field(default_factory=dict)       # company name -> partner id
    rejected: set[tuple[str, str]] = field(default_factory=set)   # (object, novo id) quarantined this run
    ambiguous: dict[str, list] = field(default_factory=dict)      # staff name -> the staff it could mean


class Converter:
    """Applies the conversions named in a mapping to rows of one object."""

    def __init__(self, mapping: dict, obj: str, lookups: Lookups, export_root: Path):
        self.mapping = mapping
        self.obj = obj
        self.spec = mapping["objects"][obj]
        self.settings = mapping["settings"]
        self.maps = mapping["value_maps"]
        self.lookups = lookups
        self.root = export_root.resolve()
        self.style = self.spec.get("date_style", "mdy")
        self.zone = self.settings["timezone"]
        self.decimal_comma = bool(self.settings.get("decimal_comma"))
        self.required: set[str] = set()  # required fields of the model, set by the caller
        self.canonical = {header: column["source"] for header, column in self.spec["columns"].items()}
        self.header_of = {key: header for header, key in self.canonical.items()}
        self.functions: dict[str, Callable] = {
            "text": self.text, "html": self.html, "email": self.email, "state": self.state,
            "country": self.country, "datetime_utc": self.datetime_utc, "date_local": self.date_local,
            "date": self.date, "date_utc": self.datetime_utc, "money": self.number, "number": self.number,
            "integer": self.integer, "bool": self.boolean, "selection": self.selection, "stage": self.stage,
            "priority": self.priority, "team": self.team, "user": self.user, "author": self.author,
            "category": self.category, "asset_active": self.asset_active, "is_company": self.is_company,
            "activity_type": self.activity_type, "file": self.file, "file_size": self.noop,
            "uploaded_by": self.uploaded_by, "repeat_unit": self.repeat_unit,
            "partner_name": self.noop, "company_link": self.noop,
        }

    def canon(self, row: dict, key: str) -> str:
        header = self.header_of.get(key)
        return (row.get(header) or "").strip() if header else ""

    def novo_id(self, row: dict) -> str:
        return self.canon(row, "id")

    def convert(self, row: dict) -> tuple[dict, list[tuple[str, str, str, str, str]]]:
        """Return ``(vals, problems)``; problems are ``(severity, header, value, reason, hint)``.

        Raises Problem for an error that quarantines the whole row.
        """
        vals: dict[str, Any] = dict(self.spec.get("fixed") or {})
        problems = []
        self.row = row
        for header, column in self.spec["columns"].items():
            raw = row.get(header, "")
            if CONTROL.search(raw):
                problems.append(("warning", header, raw.encode("unicode_escape").decode("ascii"),
                                 "the value contains control characters, which were removed",
                                 "check the export for binary or corrupted data"))
                raw = CONTROL.sub("", raw)
                row[header] = raw
            for target in column.get("targets") or []:
                function = self.functions.get(target["convert"])
                if function is None:
                    raise Problem("error", f"mapping names unknown conversion {target['convert']!r}",
                                  "fix the mapping and confirm it again")
                try:
                    value = function(raw, target["field"])
                except Problem as problem:
                    if problem.severity == "error":
                        problem.header = header
                        problem.value = raw
                        raise
                    add_problem(problems, ("warning", header, raw, problem.reason, problem.hint))
                    self.leave_empty(vals, target["field"])
                    continue
                except (ValueError, OverflowError) as exc:
                    add_problem(problems, ("warning", header, raw, f"unreadable value: {exc}",
                                           "correct the value in the export and run again"))
                    self.leave_empty(vals, target["field"])
                    continue
                if target["field"] and value is not _SKIP:
                    if isinstance(value, dict):
                        vals.update(value)
                    else:
                        vals[target["field"]] = value
        return vals, problems

    def leave_empty(self, vals: dict, field_name: str) -> None:
        """Write an explicit empty value for a value left out, so no Odoo default takes its place.

        A required field is left to its Odoo default instead, because an empty value would fail.
        """
        if field_name and field_name not in self.required:
            vals.setdefault(field_name, False)

    # Plain values

    def noop(self, raw: str, field_name: str) -> Any:
        return _SKIP

    def text(self, raw: str, field_name: str) -> Any:
        return raw.strip() or False

    def html(self, raw: str, field_name: str) -> Any:
        text = raw.strip()
        if not text:
            return False
        return "<p>" + html.escape(text).replace("\r\n", "\n").replace("\n", "<br>") + "</p>"

    def email(self, raw: str, field_name: str) -> Any:
        email, problem = sv.clean_email(raw)
        if problem:
            raise Problem("warning", f"{problem}; the e-mail is left empty", "correct the e-mail in Odoo or the export")
        return email or False

    def number(self, raw: str, field_name: str) -> Any:
        value = sv.parse_number(raw, self.decimal_comma)
        return False if value is None else value

    def integer(self, raw: str, field_name: str) -> Any:
        value = sv.parse_number(raw, self.decimal_comma)
        if value is None:
            return False
        if value != int(value) or value <= 0:
            raise Problem("error", f"{raw!r} is not a positive whole number", "correct the frequency in the export")
        return int(value)

    def boolean(self, raw: str, field_name: str) -> Any:
        return sv.parse_bool(raw)

    def selection(self, raw: str, field_name: str) -> Any:
        text = raw.strip()
        if not text:
            return False
        options = next((f["selection"] for f in self.mapping["custom_fields"] if f["name"] == field_name
                        and f["model"] == self.spec["model"]), [])
        for option in options:
            if norm(option) == norm(text):
                return option
        raise Problem("warning", f"{text!r} is not one of the options of {field_name} ({', '.join(options)})",
                      "add the option to the custom field in the mapping, or correct the value")

    # Dates and times

    def datetime_utc(self, raw: str, field_name: str) -> Any:
        moment = sv.parse_datetime(raw, self.style)
        return sv.odoo_datetime(sv.to_utc(moment, self.zone)) if moment else False

    def date_local(self, raw: str, field_name: str) -> Any:
        return sv.odoo_date(sv.parse_date(raw, self.style))

    def date(self, raw: str, field_name: str) -> Any:
        return sv.odoo_date(sv.parse_date(raw, self.style))

    # Addresses

    def country_id(self) -> int | bool:
        raw = self.canon(self.row, "country") if "country" in self.header_of else ""
        code = country_code(raw) if raw else country_code(self.settings.get("default_country", "US"))
        if raw and not code:
            raise Problem("warning", f"country {raw!r} is not a known country", "use an ISO code or English name")
        return self.lookups.countries.get(code or "", False)

    def country(self, raw: str, field_name: str) -> Any:
        return self.country_id()

    def state(self, raw: str, field_name: str) -> Any:
        text = raw.strip()
        if not text:
            return False
        country = self.country_id()
        state = self.lookups.states.get((country, norm(text)))
        if state is None:
            raise Problem("warning", f"state {text!r} is not a state of the record's country",
                          "use the state's code or full name")
        return state

    # Value maps

    def stage(self, raw: str, field_name: str) -> Any:
        if raw.strip() not in self.lookups.stages:
            raise Problem("error", f"status {raw.strip()!r} has no stage in the mapping",
                          "add it under value_maps.status and confirm the mapping again")
        return self.lookups.stages[raw.strip()]

    def priority(self, raw: str, field_name: str) -> Any:
        text = raw.strip()
        if not text:
            return False
        entry = self.maps.get("priority", {}).get(text)
        if entry is None:
            raise Problem("warning", f"priority {text!r} is not in the mapping; left empty",
                          "add it under value_maps.priority")
        return entry["value"]

    def team(self, raw: str, field_name: str) -> Any:
        text = norm(raw)
        if not text:
            return _SKIP
        team = self.lookups.teams.get(text)
        if team is None:
            raise Problem("warning", f"department {raw.strip()!r} is not in the departments file; no team set",
                          "add the department to value_maps.department")
        return team

    def user(self, raw: str, field_name: str) -> Any:
        text = raw.strip()
        if not text:
            return False
        uid = self.lookups.users.get(norm(text))
        if uid is None and norm(text) in self.lookups.ambiguous:
            candidates = ", ".join(self.lookups.ambiguous[norm(text)])
            raise Problem("warning", f"staff name {text!r} matches several staff ({candidates}); left unassigned",
                          "set the user of this name's entry in value_maps.staff")
        if uid is None:
            raise Problem("warning", f"staff {text!r} has no Odoo user; left unassigned",
                          "set the staff entry's action to match, create or fallback")
        return uid

    def author(self, raw: str, field_name: str) -> Any:
        text = raw.strip()
        uid = self.lookups.users.get(norm(text)) if text else None
        if uid:
            return {"author_id": self.lookups.user_partners.get(uid, False)}
        email, _problem = sv.clean_email(text)
        return {"author_id": False, "email_from": email or text or False}

    def category(self, raw: str, field_name: str) -> Any:
        text = raw.strip()
        return self.lookups.categories.get(norm(text), False) if text else False

    def asset_active(self, raw: str, field_name: str) -> Any:
        entry = self.maps.get("asset_status", {}).get(raw.strip())
        return True if entry is None else bool(entry["active"])

    def is_company(self, raw: str, field_name: str) -> Any:
        entry = self.maps.get("customer_type", {}).get(raw.strip())
        return bool(entry and entry["is_company"])

    def activity_type(self, raw: str, field_name: str) -> Any:
        entry = self.maps.get("activity_type", {}).get(raw.strip()) or {"subtype": "note", "message_type": "comment"}
        return {"subtype_id": self.lookups.subtypes.get(entry["subtype"], False),
                "message_type": entry["message_type"]}

    def repeat_unit(self, raw: str, field_name: str) -> Any:
        entry = self.maps.get("repeat_unit", {}).get(raw.strip())
        if not entry or not entry.get("value"):
            raise Problem("error", f"frequency unit {raw.strip()!r} is not day, week, month or year",
                          "map it under value_maps.repeat_unit")
        return entry["value"]

    def uploaded_by(self, raw: str, field_name: str) -> Any:
        on = self.canon(self.row, "uploaded_on")
        text = f"Uploaded to Novo by {raw.strip() or 'unknown'}" + (f" on {on}" if on else "")
        return text

    # References and files

    def reference(self, obj: str, raw: str, field_name: str = "") -> Any:
        """Return the record id of a referenced Novo id.

        A missing reference leaves the link empty with a warning, except for ``res_id``: a
        message or attachment without its work order has nowhere to go, so the row is
        quarantined.
        """
        text = raw.strip()
        label = obj.replace("_", " ")
        if not text:
            if field_name == "res_id":
                raise Problem("error", f"the row names no {label}", f"add the {label} number or remove the row")
            return False
        res_id = self.lookups.refs.get((obj, text))
        if res_id is not None:
            return res_id
        if (obj, text) in self.lookups.rejected:
            reason = f"{label} {text!r} was quarantined in this run"
            hint = f"see the rejects of {label} {text}"
        else:
            reason = f"{label} {text!r} is not in the export"
            hint = f"export the missing {label} or correct the reference"
        if field_name == "res_id":
            raise Problem("error", f"{reason}, so this row has nowhere to go", hint)
        raise Problem("warning", f"{reason}; the link is left empty", hint)

    def file(self, raw: str, field_name: str) -> Any:
        text = raw.strip()
        if not text:
            raise Problem("error", "attachment row has no file path", "add the path or remove the row")
        path = safe_path(self.root, text)
        if path is None:
            raise Problem("error", f"path {text!r} leaves the export folder; the file is not read",
                          "attachments must lie inside the export folder")
        try:
            if not path.is_file():
                raise Problem("error", f"file {text!r} does not exist in the export folder",
                              "add the file to the export folder or remove the row")
            content = path.read_bytes()
        except OSError as exc:
            raise Problem("error", f"file {text!r} cannot be read: {exc.strerror or exc}",
                          "check the file name and permissions in the export folder") from None
        if not content:
            raise Problem("error", f"file {text!r} is empty (0 bytes)", "export the file again")
        return base64.b64encode(content).decode("ascii")


_SKIP = object()

# C0 control characters other than tab, line feed and carriage return: XML-RPC cannot carry
# them and Odoo would reject the whole batch.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def add_problem(problems: list, problem: tuple) -> None:
    """Add a problem unless the same column already has the same one (a column can fill two fields)."""
    if problem not in problems:
        problems.append(problem)




def country_code(text: str) -> str | None:
    """Return the ISO alpha-2 code of a country given as a code or an English name."""
    value = text.strip()
    if not value:
        return None
    upper = value.upper()
    if upper in ("USA", "U.S.", "U.S.A.", "UNITED STATES OF AMERICA", "AMERICA"):
        return "US"
    if upper == "UK":
        return "GB"
    try:
        found = pycountry.countries.lookup(value)
    except LookupError:
        try:
            found = pycountry.countries.search_fuzzy(value)[0]
        except LookupError:
            return None
    return found.alpha_2


def bind_references(converter: Converter) -> None:
    """Point the ``ref:<object>`` conversions of a converter at its reference lookup."""
    for column in converter.spec["columns"].values():
        for target in column.get("targets") or []:
            name = target["convert"]
            if name.startswith("ref:") and name not in converter.functions:
                obj = name[4:]
                converter.functions[name] = (
                    lambda raw, field_name, obj=obj: converter.reference(obj, raw, field_name))


def reference_columns(spec: dict) -> list[tuple[str, str]]:
    """Return ``(header, object)`` for each column converted as a reference."""
    found = []
    for header, column in spec["columns"].items():
        for target in column.get("targets") or []:
            if target["convert"].startswith("ref:"):
                found.append((header, target["convert"][4:]))
    return found


ESCAPED_TAGS = re.compile(r"<[^>]+>")


def html_to_text(value: Any) -> str:
    """Return the text of an HTML value, for comparing what Odoo stored with the source."""
    if not value:
        return ""
    text = re.sub(r"<br\s*/?>", "\n", str(value))
    text = ESCAPED_TAGS.sub("", text)
    return html.unescape(text).strip()
