"""Wire protocols of Odoo's external API: XML-RPC, JSON-RPC and JSON-2.

Each transport exposes ``common(method, *args)`` for the ``common`` service and
``execute_kw(db, uid, secret, model, method, args, kwargs)`` for model calls, and raises
:class:`~novo2odoo.errors.OdooFault` with the server's fault text.
"""

from __future__ import annotations

import itertools
import xmlrpc.client
from typing import Any

import httpx

from ..errors import AuthenticationError, OdooFault, TargetConnectError

# Positional parameters, in signature order, of the model methods the tool calls. XML-RPC and
# JSON-RPC pass these positionally because their keyword names changed between Odoo 16 and 17
# (``args`` became ``domain``); JSON-2 takes every argument by name.
POSITIONAL = {
    "search": ("domain",),
    "search_count": ("domain",),
    "create": ("vals_list",),
    "write": ("vals",),
    "read": ("fields",),
}
RECORD_METHODS = {"write", "read", "unlink"}


def split_arguments(method: str, kwargs: dict[str, Any]) -> tuple[list, dict]:
    """Split named arguments into the positional list and keyword dict of ``execute_kw``."""
    kwargs = dict(kwargs)
    args: list = []
    if method in RECORD_METHODS:
        args.append(kwargs.pop("ids"))
    for name in POSITIONAL.get(method, ()):
        if name not in kwargs:
            break
        args.append(kwargs.pop(name))
    return args, kwargs


class XmlRpcTransport:
    """XML-RPC over ``/xmlrpc/2/*``, sent with httpx so connections are reused."""

    name = "xmlrpc"

    def __init__(self, http: httpx.Client, url: str):
        self.http = http
        self.url = url

    def _call(self, service: str, method: str, params: tuple, model: str = "-") -> Any:
        body = xmlrpc.client.dumps(params, method, allow_none=True).encode()
        try:
            response = self.http.post(
                f"{self.url}/xmlrpc/2/{service}",
                content=body,
                headers={"Content-Type": "text/xml"},
            )
        except httpx.HTTPError as exc:
            raise TargetConnectError(f"cannot reach {self.url}: {exc}") from exc
        if response.status_code != 200:
            raise TargetConnectError(
                f"{self.url}/xmlrpc/2/{service} returned HTTP {response.status_code}; "
                "check that the URL points at an Odoo server"
            )
        try:
            (result,), _ = xmlrpc.client.loads(response.content, use_builtin_types=True)
        except xmlrpc.client.Fault as fault:
            if fault.faultCode == 3 or "Access Denied" in str(fault.faultString).splitlines()[-1:]:
                raise AuthenticationError(
                    f"{self.url} denied access: check the database, login and password or API key"
                ) from None
            raise OdooFault(model, method if model == "-" else params[4], fault.faultCode,
                            fault.faultString) from None
        return result

    def common(self, method: str, *args: Any) -> Any:
        return self._call("common", method, args)

    def execute_kw(self, db, uid, secret, model, method, args, kwargs) -> Any:
        return self._call("object", "execute_kw", (db, uid, secret, model, method, args, kwargs), model)


class JsonRpcTransport:
    """JSON-RPC 2.0 over ``/jsonrpc``."""

    name = "jsonrpc"

    def __init__(self, http: httpx.Client, url: str):
        self.http = http
        self.url = url
        self.ids = itertools.count(1)

    def _call(self, service: str, method: str, args: list, model: str = "-", rpc_method: str = "") -> Any:
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": next(self.ids),
            "params": {"service": service, "method": method, "args": args},
        }
        try:
            response = self.http.post(f"{self.url}/jsonrpc", json=payload)
        except httpx.HTTPError as exc:
            raise TargetConnectError(f"cannot reach {self.url}: {exc}") from exc
        if response.status_code != 200:
            raise TargetConnectError(
                f"{self.url}/jsonrpc returned HTTP {response.status_code}; "
                "check that the URL points at an Odoo server"
            )
        try:
            reply = response.json()
        except ValueError as exc:
            raise TargetConnectError(f"{self.url}/jsonrpc returned no JSON") from exc
        error = reply.get("error")
        if error:
            data = error.get("data") or {}
            details = data.get("debug") or data.get("message") or error.get("message", "")
            name = data.get("name", "")
            if name.endswith("AccessDenied") or data.get("message") == "Access Denied":
                raise AuthenticationError(
                    f"{self.url} denied access: check the database, login and password or API key"
                )
            code = 2 if "UserError" in name or "ValidationError" in name or "MissingError" in name else 1
            message = " ".join(str(data.get("message") or "").split()) or None
            raise OdooFault(model, rpc_method or method, code, details, message)
        return reply.get("result")

    def common(self, method: str, *args: Any) -> Any:
        return self._call("common", method, list(args))

    def execute_kw(self, db, uid, secret, model, method, args, kwargs) -> Any:
        return self._call("object", "execute_kw", [db, uid, secret, model, method, args, kwargs], model, method)


class Json2Transport:
    """Odoo 19's JSON-2 API: ``POST /json/2/<model>/<method>`` with a bearer API key."""

    name = "json2"

    def __init__(self, http: httpx.Client, url: str, db: str, api_key: str):
        self.http = http
        self.url = url
        self.headers = {
            "Authorization": f"bearer {api_key}",
            "X-Odoo-Database": db,
        }

    def call(self, model: str, method: str, kwargs: dict[str, Any]) -> Any:
        try:
            response = self.http.post(f"{self.url}/json/2/{model}/{method}", json=kwargs, headers=self.headers)
        except httpx.HTTPError as exc:
            raise TargetConnectError(f"cannot reach {self.url}: {exc}") from exc
        if response.status_code == 401:
            raise AuthenticationError(f"{self.url} rejected the API key (HTTP 401)")
        try:
            body = response.json()
        except ValueError as exc:
            raise TargetConnectError(
                f"{self.url}/json/2/{model}/{method} returned HTTP {response.status_code} without JSON"
            ) from exc
        if response.status_code != 200:
            if not isinstance(body, dict):
                raise OdooFault(model, method, response.status_code, str(body))
            message = " ".join(str(body.get("message") or "").split()) or None
            raise OdooFault(model, method, response.status_code, body.get("debug") or message or str(body), message)
        return body
