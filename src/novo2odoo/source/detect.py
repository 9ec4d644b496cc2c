"""Detection of a CSV file's encoding, delimiter and date style from its content."""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

SAMPLE_BYTES = 256 * 1024
DELIMITERS = ",;\t|"


@dataclass
class Detected:
    """One detected property of a file with the evidence for it."""

    value: str
    confidence: float
    reason: str


def detect_encoding(path: Path) -> Detected:
    """Detect the text encoding of a file.

    A byte-order mark decides at once. Otherwise the whole file is checked as strict UTF-8 in
    chunks, which is cheap and exact where a sample could miss one accented row at the end.
    Only when that fails does charset-normalizer guess, and Windows-1252 is preferred then.
    """
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return Detected("utf-8-sig", 1.0, "file starts with a UTF-8 byte-order mark")
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return Detected("utf-16", 1.0, "file starts with a UTF-16 byte-order mark")
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            handle.seek(max(0, exc.start - 200))
            sample = handle.read(SAMPLE_BYTES)
        else:
            return Detected("utf-8", 1.0, "every byte decodes as UTF-8")
    best = from_bytes(sample).best()
    if best is None:
        return Detected("cp1252", 0.5, "not UTF-8 and no better guess; assuming Windows-1252")
    # Single-byte code pages are hard to tell apart on short names. Windows-1252 is what
    # Western Windows exports use, so it wins whenever it decodes every byte of the sample.
    if best.encoding.startswith(("cp125", "iso8859", "latin", "ascii", "windows")):
        try:
            sample.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            return Detected("cp1252", 0.85, f"not UTF-8; decodes as Windows-1252 (charset-normalizer: {best.encoding})")
    return Detected(best.encoding, 0.8, f"not UTF-8; charset-normalizer reads it as {best.encoding}")


def detect_delimiter(text_sample: str) -> Detected:
    """Detect the field delimiter from the start of a decoded file."""
    try:
        dialect = csv.Sniffer().sniff(text_sample, delimiters=DELIMITERS)
        delimiter = dialect.delimiter
        reason = "csv.Sniffer found a consistent delimiter"
        confidence = 0.95
    except csv.Error:
        header = text_sample.splitlines()[0] if text_sample else ""
        counts = {d: header.count(d) for d in DELIMITERS}
        delimiter = max(counts, key=counts.get)
        reason = f"most frequent separator in the header line ({counts[delimiter]} times)"
        confidence = 0.7 if counts[delimiter] else 0.3
    header = text_sample.splitlines()[0] if text_sample else ""
    if header and header.count(delimiter) == 0:
        confidence = 0.3
        reason = "header has a single column"
    return Detected(delimiter, confidence, reason)


def read_sample(path: Path, encoding: str, size: int = 64 * 1024) -> str:
    with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
        return handle.read(size)


_NUMERIC_DATE = re.compile(r"^\s*(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})")


def detect_date_style(values: list[str]) -> Detected | None:
    """Decide between month-first, day-first and ISO dates from sample values.

    Returns None when the values contain no numeric date. A first number above 12 proves
    day-first, and a second number above 12 proves month-first. When no value decides,
    month-first is assumed with low confidence, so the mapping flags it for a person to check.
    """
    iso = mdy = dmy = total = 0
    for value in values:
        match = _NUMERIC_DATE.match(value)
        if not match:
            continue
        total += 1
        first, second = int(match.group(1)), int(match.group(2))
        if len(match.group(1)) == 4:
            iso += 1
        elif first > 12:
            dmy += 1
        elif second > 12:
            mdy += 1
    if not total:
        return None
    if iso == total:
        return Detected("iso", 1.0, f"all {total} sampled dates are year-first")
    if dmy and not mdy:
        return Detected("dmy", 0.97, f"{dmy} of {total} sampled dates have a first number above 12")
    if mdy and not dmy:
        return Detected("mdy", 0.97, f"{mdy} of {total} sampled dates have a second number above 12")
    if mdy and dmy:
        return Detected("mdy" if mdy >= dmy else "dmy", 0.4,
                        f"mixed evidence: {mdy} month-first and {dmy} day-first dates")
    return Detected("mdy", 0.5, f"none of {total} sampled dates decides day or month first")


def sniff_text(path: Path, encoding: str) -> io.StringIO:
    return io.StringIO(read_sample(path, encoding))


_COMMA_DECIMAL = re.compile(r"^-?[$€£]?\s?\d{1,3}(?:[.\s]\d{3})*,\d{1,2}$|^-?[$€£]?\d+,\d{1,2}$")
_POINT_DECIMAL = re.compile(r"^-?[$€£]?\s?\d{1,3}(?:,\d{3})*\.\d{1,2}$|^-?[$€£]?\d+\.\d{1,2}$")


def detect_decimal_comma(values: list[str]) -> Detected:
    """Decide whether numbers in the export use a comma as decimal separator."""
    comma = sum(bool(_COMMA_DECIMAL.match(v.strip())) for v in values)
    point = sum(bool(_POINT_DECIMAL.match(v.strip())) for v in values)
    if comma and not point:
        return Detected("comma", 0.95, f"{comma} sampled amounts end in a comma and one or two digits")
    if point and not comma:
        return Detected("point", 0.95, f"{point} sampled amounts end in a point and one or two digits")
    if comma or point:
        return Detected("comma" if comma > point else "point", 0.5,
                        f"mixed evidence: {comma} amounts with a decimal comma, {point} with a decimal point")
    return Detected("point", 0.6, "no sampled amount shows its decimal separator")
