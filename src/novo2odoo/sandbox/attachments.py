"""Values Odoo computes for ``ir.attachment`` from the uploaded content."""

from __future__ import annotations

import base64
import binascii
import hashlib
import mimetypes

# Leading bytes of common file formats, checked when the name gives no type.
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
)


def guess_mimetype(name: str | None, raw: bytes) -> str:
    if name:
        guessed, _ = mimetypes.guess_type(name)
        if guessed:
            return guessed
    for prefix, mimetype in MAGIC:
        if raw.startswith(prefix):
            return mimetype
    return "application/octet-stream"


def prepare(values: dict) -> None:
    """Set ``file_size``, ``checksum`` (SHA-1 of the raw bytes) and ``mimetype`` from ``datas``."""
    if "datas" not in values:
        return
    datas = values["datas"]
    if not datas:
        values["file_size"] = 0
        values["checksum"] = False
        return
    if isinstance(datas, str):
        datas = datas.encode("ascii")
    try:
        raw = base64.b64decode(datas, validate=False)
    except binascii.Error as exc:
        raise ValueError(f"Invalid base64 content for ir.attachment.datas: {exc}") from None
    values["file_size"] = len(raw)
    values["checksum"] = hashlib.sha1(raw).hexdigest()
    if not values.get("mimetype"):
        values["mimetype"] = guess_mimetype(values.get("name"), raw)


def compute(env, name: str, ids: list[int]) -> dict:
    result = {}
    for record_id in ids:
        if name == "local_url":
            result[record_id] = f"/web/content/ir.attachment/{record_id}/datas"
            continue
        rows = env.sql(f"SELECT datas FROM {env.table('ir.attachment')} WHERE id=?", (record_id,))
        result[record_id] = rows[0][0] if rows and rows[0][0] else False
    return result
