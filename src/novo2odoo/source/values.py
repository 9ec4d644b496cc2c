"""Parsing of the raw text values of a Novo export: dates, money, flags and e-mails."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from dateutil import parser as date_parser
from email_validator import EmailNotValidError, validate_email

_MONEY_NOISE = re.compile(r"[$€£\s]")
TRUE_WORDS = {"yes", "y", "true", "1", "active", "x"}
FALSE_WORDS = {"no", "n", "false", "0", "inactive", ""}


# Layouts tried first, because strptime is several times faster than dateutil's parser and a
# large export parses millions of timestamps. Anything else falls back to dateutil.
FORMATS = {
    "mdy": ("%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S"),
    "dmy": ("%d/%m/%Y %H:%M", "%d.%m.%Y %H:%M", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y %H:%M", "%d-%m-%Y",
            "%d/%m/%Y %H:%M:%S", "%d.%m.%Y %H:%M:%S"),
    "iso": ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"),
}


def parse_datetime(value: str, style: str) -> datetime | None:
    """Parse a local timestamp in the export's date style; None for blank, ValueError if unreadable."""
    value = value.strip()
    if not value:
        return None
    for layout in FORMATS.get(style, ()):
        try:
            return datetime.strptime(value, layout)
        except ValueError:
            continue
    if style == "iso":
        return date_parser.isoparse(value).replace(tzinfo=None) if "T" in value else date_parser.parse(value, yearfirst=True)
    return date_parser.parse(value, dayfirst=(style == "dmy"), yearfirst=False)


def parse_date(value: str, style: str) -> date | None:
    parsed = parse_datetime(value, style)
    return parsed.date() if parsed else None


def to_utc(moment: datetime, zone: str) -> datetime:
    """Convert a naive local time in ``zone`` to a naive UTC time, as Odoo stores datetimes."""
    return moment.replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc).replace(tzinfo=None)


def odoo_datetime(moment: datetime | None) -> str | bool:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else False


def odoo_date(day: date | None) -> str | bool:
    return day.strftime("%Y-%m-%d") if day else False


def parse_number(value: str, decimal_comma: bool = False) -> float | None:
    """Parse a number or money amount such as ``$1,234.50`` or ``1.234,50``; None for blank."""
    text = _MONEY_NOISE.sub("", value or "")
    if not text:
        return None
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()")
    if decimal_comma:
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
    number = float(text)
    return -number if negative else number


def parse_bool(value: str) -> bool:
    word = (value or "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{value!r} is not yes or no")


def clean_email(value: str) -> tuple[str | None, str | None]:
    """Return ``(normalised e-mail, problem)``: lower-cased and trimmed, or None with the reason."""
    text = (value or "").strip()
    if not text:
        return None, None
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        return None, f"invalid e-mail: {exc}"
    return result.normalized.lower(), None


def external_id_name(prefix: str, novo_id: str) -> str:
    """Build an external ID name: the prefix, then the Novo id lower-cased with runs of other
    characters than a-z and 0-9 replaced by ``_`` (``WO-2019-10000`` gives ``wo_2019_10000``)."""
    slug = re.sub(r"[^a-z0-9]+", "_", novo_id.strip().lower())
    return f"{prefix}_{slug}"
