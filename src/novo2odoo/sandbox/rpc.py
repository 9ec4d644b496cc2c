"""The ``common``, ``object`` and ``db`` services behind XML-RPC and JSON-RPC."""

from __future__ import annotations

import logging
import traceback

from . import faults, methods
from .exceptions import AccessDenied, exception_name, fault_code

log = logging.getLogger(__name__)


class UnknownDatabase(Exception):
    """Raised like psycopg2's OperationalError when the database name is wrong."""

    __module__ = "psycopg2"


def common(sandbox, method: str, args: list):
    if method == "version":
        return dict(sandbox.schema.server["version"])
    if method in ("authenticate", "login"):
        db, login, password = (list(args) + [None, None, None])[:3]
        if db != sandbox.db_name:
            raise UnknownDatabase(f'connection to server failed: FATAL:  database "{db}" does not exist')
        return sandbox.check_credentials(login, password) or False
    if method == "about":
        info = "See http://openerp.com"
        if args and args[0]:
            return [info, sandbox.schema.server["version"]["server_version"]]
        return info
    raise NameError(f"Method not available {method}")


def db_service(sandbox, method: str, args: list):
    if method == "list":
        return [sandbox.db_name]
    if method == "server_version":
        return sandbox.schema.server["version"]["server_version"]
    if method == "db_exist":
        return bool(args) and args[0] == sandbox.db_name
    raise NameError(f"Method not available {method}")


def check_model_method(sandbox, model: str, method: str) -> None:
    """Raise the faults Odoo raises for an unknown model, a private or an unknown method."""
    version = sandbox.version
    if not sandbox.schema.has_model(model):
        raise faults.unknown_model_error(model)
    if method.startswith("_"):
        raise faults.private_method_error(version, model, method)
    if not methods.exists(method):
        raise faults.unknown_method_error(version, model, method)


def execute_kw(sandbox, db, uid, password, model, method, args=None, kwargs=None):
    if db != sandbox.db_name:
        raise UnknownDatabase(f'connection to server failed: FATAL:  database "{db}" does not exist')
    if sandbox.check_credentials(uid, password) is None:
        raise AccessDenied()
    check_model_method(sandbox, model, method)
    kwargs = dict(kwargs or {})
    context = kwargs.pop("context", None) or {}
    bound = methods.bind(method, list(args or []), kwargs)
    with sandbox.transaction(uid, context) as env:
        return methods.call(env, model, method, bound)


def object_service(sandbox, method: str, args: list):
    if method == "execute_kw":
        return execute_kw(sandbox, *args)
    if method == "execute":
        db, uid, password, model, name, *rest = args
        return execute_kw(sandbox, db, uid, password, model, name, rest, {})
    raise NameError(f"Method not available {method}")


def dispatch(sandbox, service: str, method: str, args: list):
    """Run one RPC call. Exceptions propagate for the transport to format."""
    if service == "common":
        return common(sandbox, method, args)
    if service == "object":
        return object_service(sandbox, method, args)
    if service == "db":
        return db_service(sandbox, method, args)
    raise NameError(f"Unknown service {service!r}")


def format_traceback(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def fault_string(exc: BaseException) -> str:
    """Return the XML-RPC faultString: the message for Odoo's own errors, a traceback otherwise."""
    if fault_code(exc) == 1:
        return format_traceback(exc)
    return str(exc)


def error_data(exc: BaseException) -> dict:
    """Return the ``data`` member of Odoo's JSON-RPC error envelope."""
    return {
        "name": exception_name(exc),
        "debug": format_traceback(exc),
        "message": str(exc),
        "arguments": list(exc.args),
        "context": {},
    }


def log_failure(service: str, method: str, exc: BaseException) -> None:
    if fault_code(exc) == 1:
        log.warning("%s.%s failed: %s", service, method, exc, exc_info=exc)
    else:
        log.info("%s.%s raised %s: %s", service, method, exception_name(exc), exc)
