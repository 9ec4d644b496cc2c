"""Recognise the files of a Novo export by their content and read their rows as a stream."""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Iterator

from rapidfuzz import fuzz

from ..errors import SourceError
from . import detect
from .vocabulary import BY_KEY, OBJECTS, VALUE_HINTS, ObjectSpec

log = logging.getLogger(__name__)

SAMPLE_ROWS = 300
RAGGED = "__ragged__"  # key set on a row whose column count differs from the header's
MATCH_THRESHOLD = 0.82
csv.field_size_limit(64 * 1024 * 1024)


def normalize_header(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\ufeff", "").strip().lower())


def header_score(header: str, names: tuple[str, ...]) -> float:
    """Return how well a header matches a column's known wordings, from 0 to 1.

    An exact wording scores 1. A header that contains every word of a known wording, such as
    "Owner Customer ID" for "customer id", scores 0.88. Otherwise the similarity of the whole
    text counts, slightly discounted.
    """
    norm = normalize_header(header)
    if norm in names:
        return 1.0
    best = max(fuzz.ratio(norm, name) for name in names) / 100 * 0.97
    words = set(re.findall(r"[a-z0-9#]+", norm))
    if any(set(re.findall(r"[a-z0-9#]+", name)) <= words for name in names):
        best = max(best, 0.88)
    return best


@dataclass
class ColumnMatch:
    """A header of a file and the canonical column it was matched to (None for custom)."""

    header: str
    key: str | None
    confidence: float
    reason: str


@dataclass
class SourceFile:
    """One CSV file of the export, with what was detected about it."""

    path: Path
    encoding: detect.Detected
    delimiter: detect.Detected
    headers: list[str]
    sample: list[dict[str, str]]
    object: str | None = None
    object_confidence: float = 0.0
    object_reason: str = ""
    columns: list[ColumnMatch] = field(default_factory=list)
    date_style: detect.Detected | None = None

    @property
    def name(self) -> str:
        return self.path.name

    def header_for(self, key: str) -> str | None:
        for match in self.columns:
            if match.key == key:
                return match.header
        return None

    @property
    def custom_headers(self) -> list[str]:
        return [match.header for match in self.columns if match.key is None]

    def rows(self, encoding: str | None = None, delimiter: str | None = None) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield ``(row_number, {header: value})`` for each data row; row 1 follows the header."""
        with self.path.open("r", encoding=encoding or self.encoding.value, errors="strict", newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter or self.delimiter.value)
            try:
                headers = [h.replace("\ufeff", "").strip() for h in next(reader)]
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise SourceError(f"{self.name}: cannot decode the header as {self.encoding.value}: {exc}") from exc
            number = 0
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except UnicodeDecodeError as exc:
                    raise SourceError(
                        f"{self.name}: bytes after row {number} are not valid {self.encoding.value} ({exc.reason}); "
                        "set the file's encoding in the mapping"
                    ) from exc
                number += 1
                if not any(value.strip() for value in values):
                    continue
                width = len(values)
                if width < len(headers):
                    values = values + [""] * (len(headers) - width)
                row = dict(zip(headers, values))
                if width != len(headers):
                    row[RAGGED] = f"the row has {width} columns where the header has {len(headers)}"
                yield number, row

    def count_rows(self) -> int:
        return sum(1 for _ in self.rows())


@dataclass
class Export:
    """A Novo export folder: its recognised files and its attachments folder."""

    root: Path
    files: dict[str, SourceFile]
    unrecognised: list[SourceFile]

    def file(self, key: str) -> SourceFile | None:
        return self.files.get(key)


def read_file(path: Path) -> SourceFile:
    if path.stat().st_size == 0:
        raise SourceError(f"{path.name} is empty (0 bytes): export it again or remove it from the folder")
    encoding = detect.detect_encoding(path)
    text = detect.read_sample(path, encoding.value)
    delimiter = detect.detect_delimiter(text)
    with path.open("r", encoding=encoding.value, errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter.value)
        try:
            headers = [h.replace("\ufeff", "").strip() for h in next(reader)]
        except StopIteration:
            headers = []
        sample = [dict(zip(headers, values)) for values in islice(reader, SAMPLE_ROWS)]
    return SourceFile(path, encoding, delimiter, headers, sample)


def match_columns(source: SourceFile, spec: ObjectSpec) -> list[ColumnMatch]:
    """Match each header of a file to at most one column of ``spec``, best pairs first."""
    pairs = []
    for header in source.headers:
        for column in spec.columns:
            score = header_score(header, column.names)
            score *= value_fit(source, header, column.kind)
            if score >= MATCH_THRESHOLD:
                pairs.append((score, header, column.key))
    pairs.sort(key=lambda item: -item[0])
    taken_headers: dict[str, ColumnMatch] = {}
    taken_keys: set[str] = set()
    for score, header, key in pairs:
        if header in taken_headers or key in taken_keys:
            continue
        exact = score >= 0.999
        reason = f"header {header!r} is a known wording" if exact else f"header {header!r} resembles a known wording ({score:.0%})"
        taken_headers[header] = ColumnMatch(header, key, round(score, 2), reason)
        taken_keys.add(key)
    result = []
    for header in source.headers:
        result.append(taken_headers.get(header) or ColumnMatch(
            header, None, 0.6, f"header {header!r} matches no standard {spec.label.lower()} column: custom field"))
    return result


def value_fit(source: SourceFile, header: str, kind: str) -> float:
    """Return 1.0 when sample values fit a column kind, less when they plainly do not."""
    values = [row.get(header, "").strip() for row in source.sample]
    values = [value for value in values if value]
    if not values:
        return 1.0
    if kind == "email":
        share = sum("@" in value for value in values) / len(values)
        return 1.0 if share >= 0.5 else 0.8
    if kind in ("date", "datetime"):
        share = sum(bool(detect._NUMERIC_DATE.match(value)) for value in values) / len(values)
        return 1.0 if share >= 0.5 else 0.8
    if kind == "path":
        share = sum("/" in value or "\\" in value for value in values) / len(values)
        return 1.0 if share >= 0.5 else 0.85
    return 1.0


def score_object(source: SourceFile, spec: ObjectSpec) -> tuple[float, str]:
    """Score how likely a file contains ``spec``'s object, from headers, values and file name."""
    matches = match_columns(source, spec)
    matched = {m.key: m.confidence for m in matches if m.key}
    if not matched:
        return 0.0, "no header matches"
    coverage = sum(matched.values()) / len(spec.columns)
    required = [c.key for c in spec.columns if c.required]
    missing = [key for key in required if key not in matched]
    precision = len(matched) / max(1, len(source.headers))
    score = 0.6 * coverage + 0.25 * precision
    hints = VALUE_HINTS.get(spec.key, ())
    if hints:
        seen = {value.strip().lower() for row in source.sample for value in row.values()}
        hint_share = sum(hint in seen for hint in hints) / len(hints)
        score += 0.15 * hint_share
    stem = normalize_header(source.path.stem).replace(" ", "_")
    if any(stem == name.replace(" ", "_") for name in spec.file_names):
        score += 0.1
    if missing:
        score *= 0.5
    reason = f"{len(matched)} of {len(spec.columns)} {spec.label.lower()} columns found in the headers"
    if missing:
        reason += f"; missing {', '.join(missing)}"
    return round(min(score, 1.0), 2), reason


def open_export(root: str | Path) -> Export:
    """Read every CSV file of an export folder and recognise which object each one holds."""
    root = Path(root)
    if not root.is_dir():
        raise SourceError(f"export folder {root} does not exist or is not a folder")
    paths = sorted(p for p in root.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".txt", ".tsv"))
    if not paths:
        raise SourceError(f"export folder {root} contains no CSV files")
    sources = []
    for path in paths:
        try:
            sources.append(read_file(path))
        except SourceError as exc:
            log.warning("%s; it is left out", exc)
    if not sources:
        raise SourceError(f"export folder {root} contains no readable CSV files")

    scored = []
    for index, source in enumerate(sources):
        for spec in OBJECTS:
            score, reason = score_object(source, spec)
            if score >= 0.3:
                scored.append((score, index, spec.key, reason))
    scored.sort(key=lambda item: -item[0])

    files: dict[str, SourceFile] = {}
    assigned: set[int] = set()
    for score, index, key, reason in scored:
        if index in assigned or key in files:
            continue
        source = sources[index]
        source.object = key
        source.object_confidence = score
        source.object_reason = reason
        source.columns = match_columns(source, BY_KEY[key])
        files[key] = source
        assigned.add(index)
        log.info("%s recognised as %s (confidence %.2f: %s)", source.name, key, score, reason)

    date_values: list[str] = []
    for source in files.values():
        spec = BY_KEY[source.object]
        date_headers = [m.header for m in source.columns if m.key and spec.column(m.key).kind in ("date", "datetime")]
        values = [row.get(h, "") for row in source.sample for h in date_headers]
        date_values.extend(values)
        source.date_style = detect.detect_date_style(values)
    overall = detect.detect_date_style(date_values)
    for source in files.values():
        if overall and (source.date_style is None or source.date_style.confidence < 0.9):
            source.date_style = overall

    unrecognised = [s for i, s in enumerate(sources) if i not in assigned]
    for source in unrecognised:
        log.warning("%s matches no Novo object; it is left out", source.name)
    return Export(root, files, unrecognised)
