"""Conversion of field values between the RPC form and the stored form."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

from .exceptions import DatetimeFieldOverflow, InvalidDatetimeFormat

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def now_string() -> str:
    return datetime.utcnow().strftime(DATETIME_FORMAT)


def today_string() -> str:
    return date.today().strftime(DATE_FORMAT)


def _bad_date(version: str, value: str, fmt: str) -> Exception:
    """Build the error each version raises for an unparsable date string.

    Odoo 19.0 parses dates in Python and raises ``ValueError``. Odoo 18.0
    passes the string to PostgreSQL, whose message ends with a datestyle hint
    when the string looks like a date in another order (such as 31/12/2026).
    """
    if version != "18.0":
        return ValueError(f"time data {value!r} does not match format {fmt!r}")
    pg_type = "date" if fmt == DATE_FORMAT else "timestamp"
    if re.fullmatch(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}( .*)?", value):
        return DatetimeFieldOverflow(
            f'date/time field value out of range: "{value}"\n'
            f"LINE 1: ...VALUES ('{value}')\n"
            "                    ^\n"
            'HINT:  Perhaps you need a different "datestyle" setting.'
        )
    return InvalidDatetimeFormat(f'invalid input syntax for type {pg_type}: "{value}"')


def to_date(value, version: str) -> str | None:
    if value is False or value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    text = str(value)
    try:
        return datetime.strptime(text[:10], DATE_FORMAT).strftime(DATE_FORMAT)
    except ValueError:
        raise _bad_date(version, text, DATE_FORMAT) from None


def to_datetime(value, version: str) -> str | None:
    if value is False or value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT) + " 00:00:00"
    text = str(value)
    if len(text) == 10:
        parsed = _parse(text, DATE_FORMAT, version, DATETIME_FORMAT)
    else:
        parsed = _parse(text[:19], DATETIME_FORMAT, version, DATETIME_FORMAT, original=text)
    return parsed.strftime(DATETIME_FORMAT)


def _parse(text: str, fmt: str, version: str, reported_fmt: str, original: str | None = None):
    try:
        return datetime.strptime(text, fmt)
    except ValueError:
        raise _bad_date(version, original or text, reported_fmt) from None


def selection_values(meta: dict) -> list:
    return [option[0] for option in meta.get("selection") or []]


def to_column(model: str, name: str, meta: dict, value, version: str):
    """Convert an RPC value to what the column stores, raising Odoo's errors.

    many2one existence and x2many commands are handled by the ORM, because
    they need the database.
    """
    ftype = meta["type"]
    if ftype in ("char", "text", "html"):
        if value is False or value is None:
            return None
        return value if isinstance(value, str) else str(value)
    if ftype == "selection":
        if value is False or value is None:
            return None
        allowed = selection_values(meta)
        if value not in allowed:
            raise ValueError(f"Wrong value for {model}.{name}: {value!r}")
        return value
    if ftype == "integer":
        return int(value or 0)
    if ftype in ("float", "monetary"):
        return float(value or 0.0)
    if ftype == "boolean":
        return 1 if value else 0
    if ftype == "date":
        return to_date(value, version)
    if ftype == "datetime":
        return to_datetime(value, version)
    if ftype in ("many2one", "many2one_reference"):
        if value is False or value is None:
            return None
        if isinstance(value, (list, tuple)):
            value = value[0]
        return int(value)
    if ftype in ("json", "properties", "properties_definition"):
        if value is False or value is None:
            return None
        return json.dumps(value)
    if ftype in ("binary", "reference"):
        if value is False or value is None:
            return None
        if isinstance(value, bytes):
            return value.decode("ascii")
        return str(value)
    raise ValueError(f"field {model}.{name} of type {ftype} cannot be stored")


def from_column(meta: dict, raw):
    """Convert a stored value to the form Odoo's ``read`` returns (many2one ids stay bare)."""
    ftype = meta["type"]
    if ftype == "boolean":
        return bool(raw)
    if ftype == "integer":
        return raw or 0
    if ftype in ("float", "monetary"):
        return float(raw or 0.0)
    if ftype == "many2many":
        return json.loads(raw) if raw else []
    if ftype in ("json", "properties", "properties_definition"):
        return json.loads(raw) if raw else False
    if ftype == "many2one_reference":
        return raw or 0
    if raw is None:
        return False
    return raw


def empty_value(meta: dict):
    """Return what ``read`` gives for a field the sandbox does not compute."""
    ftype = meta["type"]
    if ftype in ("one2many", "many2many"):
        return []
    if ftype == "integer":
        return 0
    if ftype in ("float", "monetary"):
        return 0.0
    return False
