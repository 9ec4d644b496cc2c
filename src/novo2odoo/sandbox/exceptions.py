"""Exception classes that carry Odoo's exception names onto the wire.

Odoo reports an error by its class path (``odoo.exceptions.ValidationError``)
in JSON-RPC and JSON-2 bodies, and XML-RPC picks the fault code from the
class, so each class here sets ``__module__`` to the module Odoo uses.
"""

from __future__ import annotations


class UserError(Exception):
    """Error meant for the user. XML-RPC fault code 2, JSON-2 status 422."""

    __module__ = "odoo.exceptions"
    fault_code = 2
    http_status = 422


class ValidationError(UserError):
    __module__ = "odoo.exceptions"


class MissingError(UserError):
    __module__ = "odoo.exceptions"
    http_status = 404


class AccessError(UserError):
    """Access rejected, such as a call of a private method. Fault code 4, status 403."""

    __module__ = "odoo.exceptions"
    fault_code = 4
    http_status = 403


class AccessDenied(Exception):
    """Wrong login, password or API key. Fault code 3."""

    __module__ = "odoo.exceptions"
    fault_code = 3
    http_status = 401

    def __init__(self, message: str = "Access Denied"):
        super().__init__(message)


class DatetimeFieldOverflow(Exception):
    """PostgreSQL's error for a date it cannot parse, as Odoo 18.0 relays it."""

    __module__ = "psycopg2.errors"


class InvalidDatetimeFormat(Exception):
    __module__ = "psycopg2.errors"


class HttpError(Exception):
    """A werkzeug HTTP exception, as the JSON-2 endpoint reports it."""

    names = {
        400: "werkzeug.exceptions.BadRequest",
        401: "werkzeug.exceptions.Unauthorized",
        403: "werkzeug.exceptions.Forbidden",
        404: "werkzeug.exceptions.NotFound",
        415: "werkzeug.exceptions.UnsupportedMediaType",
        422: "werkzeug.exceptions.UnprocessableEntity",
    }

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.http_status = status
        self.message = message


def exception_name(exc: BaseException) -> str:
    """Return the dotted class path that Odoo puts in error bodies."""
    if isinstance(exc, HttpError):
        return HttpError.names.get(exc.http_status, "werkzeug.exceptions.HTTPException")
    cls = type(exc)
    return f"{cls.__module__}.{cls.__qualname__}"


def fault_code(exc: BaseException) -> int:
    """Return the XML-RPC fault code Odoo sends for ``exc`` (1 for a crash)."""
    return getattr(exc, "fault_code", 1)
