"""A small client for Odoo's external API, the same for a real Odoo and the sandbox."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any, Iterator

import httpx

from ..errors import AuthenticationError, TargetConnectError, TargetError
from .transport import Json2Transport, JsonRpcTransport, XmlRpcTransport, split_arguments

log = logging.getLogger(__name__)

PROTOCOLS = ("auto", "xmlrpc", "jsonrpc", "json2")


@dataclass
class OdooClient:
    """An authenticated connection to one Odoo database.

    ``protocol`` is ``xmlrpc``, ``jsonrpc`` or ``json2``; ``auto`` takes JSON-2 when an API key
    is given and the server is 19.0 or newer, else XML-RPC. A password and an API key are
    interchangeable on XML-RPC and JSON-RPC.
    """

    url: str
    db: str
    login: str
    secret: str
    protocol: str = "auto"
    timeout: float = 120.0
    api_key: bool = False
    label: str = ""  # how to name the target to a person; the URL unless set
    uid: int = 0
    version: dict = field(default_factory=dict)
    _fields: dict[str, dict] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.protocol not in PROTOCOLS:
            raise TargetError(f"unknown protocol {self.protocol!r}; use one of {', '.join(PROTOCOLS)}")
        self.url = self.url.rstrip("/")
        self.http = httpx.Client(timeout=self.timeout)
        self.rpc = XmlRpcTransport(self.http, self.url) if self.protocol != "jsonrpc" else JsonRpcTransport(self.http, self.url)
        self.json2: Json2Transport | None = None

    # Connection

    def connect(self) -> "OdooClient":
        """Read the server version, choose the protocol and authenticate."""
        self.version = self.rpc.common("version")
        if self.protocol == "auto":
            use_json2 = self.api_key and self.major >= 19
            self.protocol = "json2" if use_json2 else "xmlrpc"
        if self.protocol == "json2":
            if self.major < 19:
                raise TargetError(f"JSON-2 needs Odoo 19 or newer; {self.url} runs {self.server_version}")
            self.json2 = Json2Transport(self.http, self.url, self.db, self.secret)
            users = self.json2.call("res.users", "search_read", {
                "domain": [["login", "=", self.login]], "fields": ["id"], "limit": 1})
            self.uid = users[0]["id"] if users else 0
        else:
            uid = self.rpc.common("authenticate", self.db, self.login, self.secret, {})
            if not uid:
                raise AuthenticationError(
                    f"login {self.login!r} on database {self.db!r} at {self.url} was rejected: "
                    "check the login and the password or API key"
                )
            self.uid = uid
        log.info("connected to %s database %s as %s (uid %s) over %s, Odoo %s",
                 self.url, self.db, self.login, self.uid, self.protocol, self.server_version)
        return self

    @property
    def identity(self) -> str:
        """The target as the journal records it: sandbox:ABSOLUTE_PATH, or the server URL."""
        if self.label.startswith("sandbox:"):
            return "sandbox:" + str(Path(self.label[len("sandbox:"):]).resolve())
        return self.url

    @property
    def server_version(self) -> str:
        return str(self.version.get("server_version", "?"))

    @property
    def major(self) -> int:
        info = self.version.get("server_version_info") or [0]
        try:
            return int(str(info[0]).split("~")[-1].split("saas")[0] or 0)
        except ValueError:
            return 0

    def close(self) -> None:
        self.http.close()

    # Calls

    def call(self, model: str, method: str, **kwargs: Any) -> Any:
        """Call ``model.method`` with named arguments (``ids``, ``domain``, ``vals_list`` ...)."""
        if self.json2 is not None:
            return self.json2.call(model, method, kwargs)
        args, kw = split_arguments(method, kwargs)
        return self.rpc.execute_kw(self.db, self.uid, self.secret, model, method, args, kw)

    def search_read(self, model: str, domain: list, fields: list[str], *, limit: int | None = None,
                    order: str | None = None, context: dict | None = None) -> list[dict]:
        kwargs: dict[str, Any] = {"domain": domain, "fields": fields}
        if limit:
            kwargs["limit"] = limit
        if order:
            kwargs["order"] = order
        if context:
            kwargs["context"] = context
        return self.call(model, "search_read", **kwargs)

    def iter_search_read(self, model: str, domain: list, fields: list[str], page: int = 2000) -> Iterator[dict]:
        """Yield records page by page, ordered by id, so memory stays flat on large tables."""
        last = 0
        while True:
            rows = self.search_read(model, domain + [("id", ">", last)], fields, limit=page, order="id")
            yield from rows
            if len(rows) < page:
                return
            last = rows[-1]["id"]

    def read(self, model: str, ids: list[int], fields: list[str], context: dict | None = None) -> list[dict]:
        if not ids:
            return []
        kwargs: dict[str, Any] = {"ids": list(ids), "fields": fields}
        if context:
            kwargs["context"] = context
        return self.call(model, "read", **kwargs)

    def create(self, model: str, vals_list: list[dict], context: dict | None = None) -> list[int]:
        if not vals_list:
            return []
        kwargs: dict[str, Any] = {"vals_list": vals_list}
        if context:
            kwargs["context"] = context
        ids = self.call(model, "create", **kwargs)
        return ids if isinstance(ids, list) else [ids]

    def write(self, model: str, ids: list[int], vals: dict, context: dict | None = None) -> None:
        kwargs: dict[str, Any] = {"ids": list(ids), "vals": vals}
        if context:
            kwargs["context"] = context
        self.call(model, "write", **kwargs)

    def unlink(self, model: str, ids: list[int], context: dict | None = None) -> None:
        kwargs: dict[str, Any] = {"ids": list(ids)}
        if context:
            kwargs["context"] = context
        self.call(model, "unlink", **kwargs)

    # Schema

    def fields(self, model: str) -> dict[str, dict]:
        """Return ``fields_get`` of a model, cached for the life of the client."""
        if model not in self._fields:
            self._fields[model] = self.call(
                model, "fields_get",
                attributes=["type", "string", "required", "readonly", "relation", "selection", "store"],
            )
        return self._fields[model]

    def forget_fields(self, model: str) -> None:
        self._fields.pop(model, None)

    def has_model(self, model: str) -> bool:
        return bool(self.search_read("ir.model", [("model", "=", model)], ["id"], limit=1))

    def installed_modules(self) -> set[str]:
        rows = self.search_read("ir.module.module", [("state", "=", "installed")], ["name"])
        return {row["name"] for row in rows}


@dataclass
class TargetSpec:
    """The migration target: an Odoo URL with credentials, or ``sandbox:PATH``."""

    target: str
    db: str | None = None
    user: str | None = None
    protocol: str = "auto"
    sandbox_version: str | None = None  # None: what an existing file holds, else 18.0
    sandbox_flavor: str | None = None   # None: what an existing file holds, else maintenance

    @property
    def is_sandbox(self) -> bool:
        return self.target.startswith("sandbox:")


class Target:
    """An open target: the client plus, for ``sandbox:PATH``, the server serving it."""

    def __init__(self, client: OdooClient, server: Any = None):
        self.client = client
        self.server = server

    def close(self) -> None:
        self.client.close()
        if self.server is not None:
            self.server.shutdown()

    def __enter__(self) -> "Target":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect_target(spec: TargetSpec, secret: str | None = None) -> Target:
    """Open the target named by ``spec``.

    For ``sandbox:PATH`` the sandbox is served on a loopback port and reached over XML-RPC,
    the same way a real Odoo is. For a URL the secret comes from ``secret``, else from
    ``NOVO2ODOO_API_KEY`` (an API key) or ``NOVO2ODOO_PASSWORD``.
    """
    if spec.is_sandbox:
        from ..sandbox import serve
        from ..sandbox.core import stored_kind

        path = spec.target[len("sandbox:"):]
        if not path:
            raise TargetError("sandbox target needs a file path, e.g. sandbox:work/target.sqlite")
        stored = stored_kind(path)
        version = spec.sandbox_version or (stored[0] if stored else "18.0")
        flavor = spec.sandbox_flavor or (stored[1] if stored else "maintenance")
        server = serve(path, version=version, flavor=flavor)
        sandbox = server.sandbox
        protocol = spec.protocol if spec.protocol != "auto" else "xmlrpc"
        client = OdooClient(server.url, sandbox.db_name, sandbox.login, sandbox.password, protocol=protocol)
        client.label = spec.target
        if protocol == "json2":
            client.secret = sandbox.api_key
            client.api_key = True
        try:
            client.connect()
        except Exception:
            server.shutdown()
            raise
        return Target(client, server)

    if not spec.target.startswith(("http://", "https://")):
        raise TargetError(f"target {spec.target!r} is neither an http(s) URL nor sandbox:PATH")
    if not spec.db or not spec.user:
        raise TargetError("an Odoo URL target needs --db and --user")
    api_key = os.environ.get("NOVO2ODOO_API_KEY")
    if secret is None:
        secret = api_key or os.environ.get("NOVO2ODOO_PASSWORD")
    if not secret:
        raise AuthenticationError(
            "no password or API key: set NOVO2ODOO_PASSWORD or NOVO2ODOO_API_KEY, or answer the prompt"
        )
    client = OdooClient(spec.target, spec.db, spec.user, secret, protocol=spec.protocol,
                        api_key=bool(api_key and secret == api_key))
    try:
        client.connect()
    except TargetConnectError:
        client.close()
        raise
    return Target(client)
