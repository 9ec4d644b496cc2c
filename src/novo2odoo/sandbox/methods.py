"""The model methods callable over RPC, with their parameter names.

Odoo binds ``execute_kw`` arguments and JSON-2 bodies to a method's Python
signature. The table below lists the parameters of each supported method in
Odoo's order, so both positional and keyword forms bind the same way.
"""

from __future__ import annotations

from . import behaviours
from .exceptions import HttpError, UserError

# method -> (parameter names, required names, whether the first parameter is ``ids``)
SIGNATURES = {
    "create": (["vals_list"], ["vals_list"], False),
    "read": (["ids", "fields", "load"], [], True),
    "write": (["ids", "vals"], ["vals"], True),
    "unlink": (["ids"], [], True),
    "exists": (["ids"], [], True),
    "copy": (["ids", "default"], [], True),
    "search": (["domain", "offset", "limit", "order"], ["domain"], False),
    "search_count": (["domain", "limit"], ["domain"], False),
    "search_read": (["domain", "fields", "offset", "limit", "order", "load"], [], False),
    "fields_get": (["allfields", "attributes"], [], False),
    "default_get": (["fields_list"], ["fields_list"], False),
    "name_search": (["name", "domain", "operator", "limit"], [], False),
    "check_access_rights": (["operation", "raise_exception"], ["operation"], False),
    "has_access": (["ids", "operation"], ["operation"], True),
    "action_archive": (["ids"], [], True),
    "action_unarchive": (["ids"], [], True),
    "message_post": (["ids"], [], True),
    "message_subscribe": (["ids", "partner_ids", "subtype_ids"], [], True),
}
# Parameter names that changed between versions, mapped to the names used here.
ALIASES = {
    "name_search": {"args": "domain"},
    "default_get": {"fields": "fields_list"},
}
# Methods that take free keyword arguments.
OPEN_KEYWORDS = {"message_post"}


def exists(method: str) -> bool:
    return method in SIGNATURES


def bind(method: str, args: list, kwargs: dict, json2: bool = False) -> dict:
    """Bind positional and keyword arguments to parameter names, as Python would."""
    names, required, _ = SIGNATURES[method]
    aliases = ALIASES.get(method, {})
    bound = {}
    for name, value in zip(names, args):
        bound[name] = value
    if len(args) > len(names) and method not in OPEN_KEYWORDS:
        raise TypeError(f"BaseModel.{method}() takes {len(names) + 1} positional arguments but {len(args) + 1} were given")
    for key, value in kwargs.items():
        key = aliases.get(key, key)
        if key not in names and method not in OPEN_KEYWORDS:
            owner = "BaseModel._read_format" if method == "search_read" else f"BaseModel.{method}"
            raise TypeError(f"{owner}() got an unexpected keyword argument '{key}'")
        if key in bound and key in names[:len(args)]:
            raise TypeError(f"BaseModel.{method}() got multiple values for argument '{key}'")
        bound[key] = value
    for name in required:
        if name not in bound:
            if json2:
                raise HttpError(422, f"missing a required argument: '{name}'")
            raise TypeError(f"BaseModel.{method}() missing 1 required positional argument: '{name}'")
    return bound


def call(env, model: str, method: str, bound: dict):
    """Run one bound method call inside the call's Env."""
    ids = bound.pop("ids", None)
    if ids is not None and not isinstance(ids, (list, tuple)):
        ids = [ids]

    if method == "create":
        return env.create(model, bound["vals_list"])
    if method == "read":
        return env.read(model, ids or [], bound.get("fields"))
    if method == "write":
        return env.write(model, ids or [], bound["vals"])
    if method == "unlink":
        return env.unlink(model, ids or [])
    if method == "exists":
        return env.existing_ids(model, ids or [])
    if method == "copy":
        return [env.copy(model, record_id, bound.get("default")) for record_id in (ids or [])]
    if method == "search":
        return env.search(model, bound.get("domain"), bound.get("offset") or 0, bound.get("limit"), bound.get("order"))
    if method == "search_count":
        return env.search_count(model, bound.get("domain"), bound.get("limit"))
    if method == "search_read":
        return env.search_read(model, bound.get("domain"), bound.get("fields"), bound.get("offset") or 0,
                               bound.get("limit"), bound.get("order"))
    if method == "fields_get":
        return env.fields_get(model, bound.get("allfields"), bound.get("attributes"))
    if method == "default_get":
        return env.default_get(model, bound.get("fields_list"))
    if method == "name_search":
        return env.name_search(model, bound.get("name") or "", bound.get("domain"),
                               bound.get("operator") or "ilike", bound.get("limit") or 100)
    if method in ("check_access_rights", "has_access"):
        return True
    if method in ("action_archive", "action_unarchive"):
        return env.write(model, ids or [], {"active": method == "action_unarchive"})
    if method == "message_post":
        return _message_post(env, model, ids or [], bound)
    if method == "message_subscribe":
        for record_id in ids or []:
            behaviours.subscribe(env, model, record_id, bound.get("partner_ids") or [])
        return True
    raise AttributeError(method)


def _message_post(env, model: str, ids: list, kwargs: dict):
    """Post a message on one record, returning its id (18.0) or ``[id]`` (19.0)."""
    if not behaviours.is_mail_thread(env, model):
        raise AttributeError(f"The method '{model}.message_post' does not exist")
    if len(ids) != 1:
        raise ValueError(f"Expected singleton: {model}{tuple(ids)!r}")
    existing = env.existing_ids(model, ids)
    if not existing:
        raise UserError(f"Record does not exist or has been deleted.\n(Record: {model}{tuple(ids)!r}, User: {env.uid})")
    subtype_id = kwargs.get("subtype_id")
    xmlid = kwargs.get("subtype_xmlid")
    if not subtype_id and xmlid:
        module, _, name = xmlid.partition(".")
        rows = env.sql(f"SELECT res_id FROM {env.table('ir.model.data')} WHERE module=? AND name=?", (module, name))
        subtype_id = rows[0][0] if rows else False
    if not subtype_id:
        rows = env.sql(f"SELECT res_id FROM {env.table('ir.model.data')} WHERE module='mail' AND name='mt_comment'")
        subtype_id = rows[0][0] if rows else False
    values = {
        "model": model, "res_id": ids[0], "body": kwargs.get("body") or "",
        "message_type": kwargs.get("message_type") or "notification",
        "subtype_id": subtype_id, "subject": kwargs.get("subject") or False,
    }
    if kwargs.get("author_id"):
        values["author_id"] = kwargs["author_id"]
    if kwargs.get("partner_ids"):
        values["partner_ids"] = [(6, 0, kwargs["partner_ids"])]
    if kwargs.get("attachment_ids"):
        values["attachment_ids"] = [(6, 0, kwargs["attachment_ids"])]
    fields = env.fields("mail.message")
    message_id = env.create_one("mail.message", {k: v for k, v in values.items() if k in fields})
    return message_id if env.version == "18.0" else [message_id]
