"""Custom fields: ``ir.model.fields`` records that add ``x_`` columns at once."""

from __future__ import annotations

import ast

from . import store
from .exceptions import UserError, ValidationError
from .schema import is_stored

FIELD_TYPES = {
    "char", "text", "html", "integer", "float", "monetary", "boolean", "date", "datetime",
    "selection", "many2one", "one2many", "many2many", "binary", "json", "many2one_reference", "reference",
}
RELATIONAL = ("many2one", "one2many", "many2many")


def prepare_create(env, values: dict) -> None:
    name = values.get("name") or ""
    if not name.startswith("x_"):
        raise UserError("The operation cannot be completed: Custom fields must have a name that starts with 'x_'!")
    model = _model_name(env, values)
    values["model"] = model
    if not env.schema.has_model(model):
        raise UserError(f"Object {model} doesn't exist")
    ttype = values.get("ttype")
    if ttype not in FIELD_TYPES:
        raise ValueError(f"Wrong value for ir.model.fields.ttype: {ttype!r}")
    if name in env.schema.fields(model):
        raise UserError("The operation cannot be completed: Field names must be unique per model.")
    if ttype in RELATIONAL:
        relation = values.get("relation")
        if not relation or not env.schema.has_model(relation):
            raise ValidationError(f"Unknown model name '{relation or ''}' in Related Model")
    if ttype == "one2many" and not values.get("relation_field"):
        raise ValidationError("Custom one2many fields require an inverse field (relation_field)")
    values["state"] = "manual"
    if not values.get("field_description"):
        values["field_description"] = name
    if values.get("store") is None:
        values["store"] = True
    env.schema_changed = True


def _model_name(env, values: dict) -> str:
    model_id = values.get("model_id")
    if isinstance(model_id, (list, tuple)):
        model_id = model_id[0]
    if model_id:
        rows = env.sql(f"SELECT model FROM {env.table('ir.model')} WHERE id=?", (model_id,))
        if not rows:
            raise UserError(f"Record does not exist or has been deleted.\n(Record: ir.model({model_id},), User: {env.uid})")
        return rows[0][0]
    model = values.get("model")
    if model:
        rows = env.sql(f"SELECT id FROM {env.table('ir.model')} WHERE model=?", (model,))
        if rows:
            values["model_id"] = rows[0][0]
        return model
    raise UserError("The operation cannot be completed: a custom field needs a model (model_id).")


def after_create(env, record_id: int, values: dict) -> None:
    selection = values.get("selection")
    if values.get("ttype") == "selection" and selection and isinstance(selection, str):
        options = ast.literal_eval(selection)
        for sequence, (value, label) in enumerate(options):
            env.create_one("ir.model.fields.selection", {
                "field_id": record_id, "value": value, "name": label, "sequence": sequence,
            })
    install(env, record_id)


def install(env, record_id: int) -> None:
    """Add the field described by one ``ir.model.fields`` row to the schema and its table."""
    row = env.read("ir.model.fields", [record_id], [
        "name", "model", "ttype", "field_description", "relation", "relation_field", "required",
        "readonly", "store", "help", "translate",
    ])[0]
    options = env.sql(
        f"SELECT value, name FROM {env.table('ir.model.fields.selection')} WHERE field_id=? ORDER BY sequence, id",
        (record_id,),
    )
    meta = {
        "type": row["ttype"], "string": row["field_description"] or row["name"],
        "store": bool(row["store"]), "readonly": bool(row["readonly"]), "required": bool(row["required"]),
        "searchable": True, "sortable": bool(row["store"]), "company_dependent": False,
        "manual": True, "help": row["help"] or False,
    }
    if row["ttype"] in ("char", "text", "html"):
        meta["translate"] = bool(row["translate"])
    if row["ttype"] in RELATIONAL:
        meta["relation"] = row["relation"]
    if row["ttype"] == "one2many":
        meta["relation_field"] = row["relation_field"]
    if row["ttype"] == "selection":
        meta["selection"] = [[value, label] for value, label in options]
    env.schema.add_custom_field(row["model"], row["name"], meta)
    if is_stored(meta):
        store.add_column(env.conn, row["model"], row["name"], meta)


def load_all(env) -> None:
    """Install every custom field stored in the database (used when a sandbox opens)."""
    for (record_id,) in env.sql(f"SELECT id FROM {env.table('ir.model.fields')} WHERE state='manual'"):
        install(env, record_id)


def before_unlink(env, ids: list[int]) -> None:
    rows = env.read("ir.model.fields", ids, ["name", "model", "state"])
    if any(row["state"] != "manual" for row in rows):
        raise UserError("This column contains module data and cannot be removed!")
    env.schema_changed = True
    for row in rows:
        env.conn.execute(f"DELETE FROM {env.table('ir.model.fields.selection')} WHERE field_id=?", (row["id"],))
        if env.schema.has_model(row["model"]):
            env.schema.remove_custom_field(row["model"], row["name"])
            store.drop_column(env.conn, row["model"], row["name"])


def selection_strings(env, ids: list[int]) -> dict:
    result = {}
    for record_id in ids:
        options = env.sql(
            f"SELECT value, name FROM {env.table('ir.model.fields.selection')} WHERE field_id=? ORDER BY sequence, id",
            (record_id,),
        )
        result[record_id] = repr([(value, label) for value, label in options]) if options else False
    return result
