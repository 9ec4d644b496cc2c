"""HTTP server for XML-RPC, JSON-RPC and JSON-2 on loopback."""

from __future__ import annotations

import json
import logging
import threading
import xmlrpc.client
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import json2, rpc
from .exceptions import fault_code

log = logging.getLogger(__name__)

XMLRPC_PREFIX = "/xmlrpc/2/"
LEGACY_XMLRPC_PREFIX = "/xmlrpc/"
JSON2_PREFIX = "/json/2/"
MAX_BODY = 512 * 1024 * 1024


class Handler(BaseHTTPRequestHandler):
    server_version = "Werkzeug/3.0"
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes. With Nagle's algorithm on, the body would wait for
    # the client's delayed ACK, about 40 ms per call on Linux.
    disable_nagle_algorithm = True

    @property
    def sandbox(self):
        return self.server.sandbox

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by the base class
        log.debug("%s - %s", self.address_string(), format % args)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ValueError(f"request body of {length} bytes exceeds the {MAX_BODY}-byte limit")
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, payload: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):  # noqa: N802 - name fixed by BaseHTTPRequestHandler
        if self.path.startswith(JSON2_PREFIX) and self.sandbox.version != "18.0":
            self._json2("GET")
            return
        if self.path in ("/web/version", "/json/version"):
            version = self.sandbox.schema.server["version"]
            self._send(200, json.dumps(version).encode(), "application/json")
            return
        self._send(404, b"Not Found", "text/plain")

    def do_POST(self):  # noqa: N802 - name fixed by BaseHTTPRequestHandler
        path = self.path.split("?")[0]
        if path.startswith(JSON2_PREFIX) and self.sandbox.version != "18.0":
            self._json2("POST")
        elif path.startswith(XMLRPC_PREFIX) or path.startswith(LEGACY_XMLRPC_PREFIX):
            service = path.rsplit("/", 1)[-1]
            self._xmlrpc(service)
        elif path in ("/jsonrpc", "/web/jsonrpc"):
            self._jsonrpc()
        else:
            self._send(404, b"Not Found", "text/plain")

    def _xmlrpc(self, service: str) -> None:
        body = self._body()
        try:
            params, method = xmlrpc.client.loads(body, use_datetime=False, use_builtin_types=True)
        except Exception as exc:  # noqa: BLE001 - malformed requests get a fault, like Odoo
            payload = xmlrpc.client.dumps(xmlrpc.client.Fault(1, f"invalid XML-RPC request: {exc}"),
                                          methodresponse=True, allow_none=True)
            self._send(200, payload.encode(), "text/xml")
            return
        try:
            result = rpc.dispatch(self.sandbox, service, method, list(params))
            payload = xmlrpc.client.dumps((result,), methodresponse=True, allow_none=True)
        except Exception as exc:  # noqa: BLE001 - every error becomes a fault
            rpc.log_failure(service, method, exc)
            fault = xmlrpc.client.Fault(fault_code(exc), rpc.fault_string(exc))
            payload = xmlrpc.client.dumps(fault, methodresponse=True, allow_none=True)
        self._send(200, payload.encode("utf-8"), "text/xml; charset=utf-8")

    def _jsonrpc(self) -> None:
        request_id = None
        try:
            request = json.loads(self._body() or b"{}")
            request_id = request.get("id")
            params = request.get("params") or {}
            service, method = params.get("service"), params.get("method")
            result = rpc.dispatch(self.sandbox, service, method, list(params.get("args") or []))
            response = {"jsonrpc": "2.0", "id": request_id, "result": result}
        except Exception as exc:  # noqa: BLE001 - every error becomes an Odoo error envelope
            rpc.log_failure("jsonrpc", "call", exc)
            response = {
                "jsonrpc": "2.0", "id": request_id,
                "error": {"code": 200, "message": "Odoo Server Error", "data": rpc.error_data(exc)},
            }
        self._send(200, json.dumps(response).encode("utf-8"), "application/json")

    def _json2(self, http_method: str) -> None:
        parts = self.path.split("?")[0][len(JSON2_PREFIX):].split("/")
        model, method = (parts + ["", ""])[:2]
        body = self._body() if http_method == "POST" else b""
        response = json2.handle(self.sandbox, http_method, model, method, self.headers, body)
        self._send(response.status, response.payload(), response.content_type, response.headers)


class SandboxServer:
    """A running HTTP server for one sandbox, in a daemon thread.

    Use it as a context manager, or call :meth:`shutdown` when done.
    """

    def __init__(self, sandbox, host: str = "127.0.0.1", port: int = 0):
        self.sandbox = sandbox
        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.httpd.sandbox = sandbox
        bound_host, bound_port = self.httpd.server_address[:2]
        self.url = f"http://{bound_host}:{bound_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="novo2odoo-sandbox", daemon=True)
        self.thread.start()
        log.info("sandbox %s serving on %s", sandbox.path, self.url)

    def shutdown(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
        self.sandbox.close()
        log.info("sandbox server on %s stopped", self.url)

    def __enter__(self) -> "SandboxServer":
        return self

    def __exit__(self, *exc_info) -> None:
        self.shutdown()
