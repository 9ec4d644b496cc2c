"""Errors worded as each Odoo version words them.

The texts follow the fault strings recorded from real 18.0 and 19.0 servers
(``faults.json`` and ``json2-exchanges.json`` in the schema snapshot).
"""

from __future__ import annotations

from .exceptions import AccessError, UserError, ValidationError
from .schema import Schema, table_name


def unknown_model_error(model: str) -> UserError:
    return UserError(f"Object {model} doesn't exist")


def unknown_method_error(version: str, model: str, method: str) -> AttributeError:
    if version == "18.0":
        return AttributeError(f"The method '{method}' does not exist on the model '{model}'")
    return AttributeError(f"The method '{model}.{method}' does not exist")


def private_method_error(version: str, model: str, method: str) -> AccessError:
    name = method if version == "18.0" else f"'{model}.{method}'"
    return AccessError(f"Private methods (such as {name}) cannot be called remotely.")


def unknown_field_error(version: str, model: str, name: str) -> ValueError:
    if version == "18.0":
        return ValueError(f"Invalid field {name!r} on model {model!r}")
    return ValueError(f"Invalid field {name!r} in {model!r}")


def _model_display(schema: Schema, model: str) -> str:
    return f"'{schema.description(model)}' ({model})"


def not_null_error(schema: Schema, model: str, name: str) -> ValidationError:
    string = schema.fields(model)[name].get("string", name)
    if schema.version == "18.0":
        return ValidationError(
            "The operation cannot be completed:\n"
            "- Create/update: a mandatory field is not set.\n"
            "- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n"
            f"Model: {schema.description(model)} ({model})\n"
            f"Field: {string} ({name})\n"
        )
    return ValidationError(
        "The operation cannot be completed: "
        f"Missing required value for the field '{string}' ({name}).\n"
        f"Model: {_model_display(schema, model)}\n"
        "- create/update: a mandatory field is not set\n"
        "- delete: another model requires the record being deleted, you can archive it instead\n"
    )


def _foreign_key(schema: Schema, model: str, name: str, verb_delete: bool) -> ValidationError:
    constraint = f"{table_name(model)}_{name}_fkey"
    if schema.version == "18.0":
        return ValidationError(
            "The operation cannot be completed: another model requires the record being deleted. "
            "If possible, archive it instead.\n\n"
            f"Model: {schema.description(model)} ({model})\n"
            f"Constraint: {constraint}\n"
        )
    string = schema.fields(model)[name].get("string", name)
    return ValidationError(
        "The operation cannot be completed: Another model is using the record you are trying to delete.\n\n"
        f"The troublemaker is: {_model_display(schema, model)}\n"
        f"Thanks to the following constraint: '{string}' ({name})\n"
        "How about archiving the record instead?"
    )


def foreign_key_error(schema: Schema, model: str, name: str) -> ValidationError:
    """Return the fault for a many2one that points at a missing record.

    Odoo relays PostgreSQL's foreign-key violation with the same text whether
    the violation came from an insert or a delete.
    """
    return _foreign_key(schema, model, name, verb_delete=False)


def foreign_key_delete_error(schema: Schema, model: str, name: str) -> ValidationError:
    return _foreign_key(schema, model, name, verb_delete=True)


def unique_error(schema: Schema, model: str, columns: list[str], values: list, index: str) -> ValidationError:
    key = ", ".join(columns)
    shown = ", ".join(str(v) for v in values)
    if schema.version == "18.0":
        return ValidationError(
            "The operation cannot be completed: "
            f'duplicate key value violates unique constraint "{index}"\n'
            f"DETAIL:  Key ({key})=({shown}) already exists.\n"
        )
    fields = schema.fields(model)
    strings = [fields[c].get("string", c) for c in columns]
    labels = ", ".join(strings[:-1]) + (" and " if len(strings) > 1 else "") + strings[-1]
    return ValidationError(
        "The operation cannot be completed: "
        f"The value for '{key}' ({labels}) already exists.\n\n"
        f"Detail: Key ({key})=({shown}) already exists.\n"
    )
