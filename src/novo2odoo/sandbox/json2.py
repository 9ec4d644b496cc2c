"""The JSON-2 API of Odoo 19.0: ``POST /json/2/<model>/<method>``.

Status codes and error bodies follow the exchanges recorded from a real 19.0
server. The ``debug`` member of error bodies contains a placeholder in place of a
server traceback, as in the recorded exchanges.
"""

from __future__ import annotations

import json

from . import faults, methods
from .exceptions import AccessError, HttpError, MissingError, UserError, exception_name

TRACEBACK_PLACEHOLDER = "<server traceback omitted>"

# Methods decorated with @api.model in Odoo, which reject ``ids``.
MODEL_METHODS = {"create", "search", "search_count", "search_read", "fields_get", "default_get",
                 "name_search", "check_access_rights"}

NO_DATABASE_HTML = (
    "<!DOCTYPE html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
    "<p>No database is selected and the requested URL was not found in the server-wide controllers.</p>\n"
    "<p>Please verify the hostname, <a href=/web/login>login</a> and try again.</p>\n\n"
    "<!-- Alternatively, use the X-Odoo-Database header. -->\n"
)
WRONG_CONTENT_TYPE_HTML = (
    "<!doctype html>\n<html lang=en>\n<title>415 Unsupported Media Type</title>\n"
    "<h1>Unsupported Media Type</h1>\n<p>Request inferred type is compatible with [&#39;http&#39;] "
    "but &#39;/json/2/&lt;__model__&gt;/&lt;__method__&gt;&#39; is type=&#39;json2&#39;.<br><br>"
    "Please verify the Content-Type request header and try again.</p>\n"
)


class Response:
    def __init__(self, status: int, body, content_type: str = "application/json; charset=utf-8",
                 headers: dict | None = None):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers or {}

    def payload(self) -> bytes:
        if isinstance(self.body, str) and not self.content_type.startswith("application/json"):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")


def error_response(exc: Exception) -> Response:
    if isinstance(exc, HttpError):
        status, message, arguments = exc.http_status, exc.message, [exc.message, exc.http_status]
    else:
        message = str(exc)
        arguments = list(exc.args)
        if isinstance(exc, (UserError, AccessError, MissingError)):
            status = exc.http_status
        else:
            status = 500
    body = {
        "name": exception_name(exc), "message": message, "arguments": arguments,
        "context": {}, "debug": TRACEBACK_PLACEHOLDER,
    }
    headers = {"WWW-Authenticate": "Bearer "} if status == 401 else {}
    return Response(status, body, headers=headers)


def handle(sandbox, http_method: str, model: str, method: str, headers, raw_body: bytes) -> Response:
    if http_method != "POST":
        return error_response(HttpError(404, "Did you mean POST /json/2/<model>/<method>?"))
    content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return Response(415, WRONG_CONTENT_TYPE_HTML, "text/html; charset=utf-8")
    database = headers.get("X-Odoo-Database")
    if database is not None and database != sandbox.db_name:
        # The sandbox serves one database. A key sent to another database is
        # rejected like a key from another database on a real server.
        return error_response(HttpError(401, "Invalid apikey"))
    authorization = headers.get("Authorization") or ""
    scheme, _, key = authorization.partition(" ")
    if not authorization or scheme.lower() != "bearer":
        return error_response(HttpError(401, "User not authenticated, use an API Key with a Bearer Authorization header."))
    if key.strip() != sandbox.api_key:
        return error_response(HttpError(401, "Invalid apikey"))
    try:
        body = json.loads(raw_body.decode("utf-8") or "{}")
    except (ValueError, UnicodeDecodeError) as exc:
        return error_response(HttpError(400, f"could not parse the body as json: {exc}"))
    try:
        return Response(200, _call(sandbox, model, method, body))
    except Exception as exc:  # noqa: BLE001 - every error becomes an Odoo error body
        return error_response(exc)


def _call(sandbox, model: str, method: str, body):
    if not isinstance(body, dict):
        raise HttpError(400, "the body must be a JSON object of named arguments")
    if not sandbox.schema.has_model(model):
        raise HttpError(404, f"the model '{model}' does not exist")
    if method.startswith("_"):
        raise faults.private_method_error("19.0", model, method)
    if not methods.exists(method):
        raise HttpError(404, f"The method '{model}.{method}' does not exist")
    arguments = dict(body)
    context = arguments.pop("context", None) or {}
    if "ids" in arguments and method in MODEL_METHODS:
        raise HttpError(422, f"cannot call {model}.{method} with ids")
    ids = arguments.pop("ids", None)
    bound = methods.bind(method, [], arguments, json2=True)
    if methods.SIGNATURES[method][2]:
        bound["ids"] = ids or []
    with sandbox.transaction(sandbox.admin_uid, context) as env:
        result = methods.call(env, model, method, bound)
    if method == "create" and isinstance(result, int):
        result = [result]
    return result
