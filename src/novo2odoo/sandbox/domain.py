"""Translation of Odoo search domains into SQLite WHERE clauses.

Supported: the prefix operators '&', '|', '!', conditions ``(field, op, value)``
with the usual comparison, ``in``/``not in`` and ``like`` family operators,
``child_of``/``parent_of`` treated as ``in``, and field paths across many2one
hops such as ``parent_id.name``.
"""

from __future__ import annotations

from .schema import Schema, is_stored, table_name
from .store import quote
from .values import to_column

TERM_OPERATORS = {
    "=", "!=", "<>", "<", ">", "<=", ">=", "in", "not in", "like", "ilike",
    "not like", "not ilike", "=like", "=ilike", "child_of", "parent_of",
}


def normalize(domain) -> list:
    """Make the implicit '&' between top-level terms explicit."""
    result = []
    expected = 1
    for item in domain:
        if expected == 0:
            result.insert(0, "&")
            expected = 1
        if isinstance(item, str) and item in ("&", "|"):
            expected += 1
        elif isinstance(item, str) and item == "!":
            pass
        else:
            expected -= 1
        result.append(item)
    return result


def mentions_field(domain, name: str) -> bool:
    return any(
        isinstance(item, (list, tuple)) and len(item) == 3 and str(item[0]).split(".")[0] == name
        for item in domain
    )


class DomainCompiler:
    def __init__(self, schema: Schema, version: str):
        self.schema = schema
        self.version = version
        self.counter = 0

    def compile(self, model: str, domain, alias: str = "t") -> tuple[str, list]:
        if not domain:
            return "1=1", []
        items = normalize(list(domain))
        stack: list[tuple[str, list]] = []
        for item in reversed(items):
            if item == "&" or item == "|":
                left_sql, left_params = stack.pop()
                right_sql, right_params = stack.pop()
                joiner = " AND " if item == "&" else " OR "
                stack.append((f"({left_sql}{joiner}{right_sql})", left_params + right_params))
            elif item == "!":
                sql, params = stack.pop()
                stack.append((f"(NOT {sql})", params))
            else:
                stack.append(self._condition(model, item, alias))
        sql, params = stack.pop()
        while stack:
            more_sql, more_params = stack.pop()
            sql, params = f"({sql} AND {more_sql})", params + more_params
        return sql, params

    def _invalid(self, model: str, leaf) -> ValueError:
        field = str(leaf[0]) if isinstance(leaf, (list, tuple)) and leaf else repr(leaf)
        word = "leaf" if self.version == "18.0" else "condition"
        return ValueError(f"Invalid field {model}.{field} in {word} {tuple(leaf)!r}")

    def _condition(self, model: str, leaf, alias: str) -> tuple[str, list]:
        if not isinstance(leaf, (list, tuple)) or len(leaf) != 3:
            raise ValueError(f"Invalid leaf {leaf!r}")
        path, operator, value = leaf
        if operator not in TERM_OPERATORS:
            raise ValueError(f"Invalid leaf {tuple(leaf)!r}")
        if isinstance(path, int) and path in (0, 1):
            return ("1=1" if path == 1 else "1=0"), []
        fields = self.schema.fields(model)
        head, _, rest = str(path).partition(".")
        if head not in fields:
            raise self._invalid(model, leaf)
        meta = fields[head]
        if rest:
            return self._path(model, head, meta, rest, operator, value, alias, leaf)
        if meta["type"] == "one2many":
            return self._one2many(meta, operator, value, alias)
        if meta["type"] == "many2many":
            return self._many2many(meta, head, operator, value, alias)
        if head == "display_name" or not is_stored(meta):
            rec = self.schema.rec_name(model)
            if head == "display_name" and rec:
                return self._column(model, rec, fields[rec], operator, value, alias)
            # NOTE: conditions on computed, non-stored fields match nothing,
            # where Odoo would run the field's search method.
            return "1=0", []
        return self._column(model, head, meta, operator, value, alias)

    def _path(self, model, head, meta, rest, operator, value, alias, leaf):
        relation = meta.get("relation")
        if meta["type"] not in ("many2one", "one2many", "many2many") or not self.schema.has_model(relation):
            raise self._invalid(model, leaf)
        self.counter += 1
        sub = f"s{self.counter}"
        sub_sql, params = self.compile(relation, [(rest, operator, value)], sub)
        inner = f"SELECT {sub}.id FROM {quote(table_name(relation))} {sub} WHERE {sub_sql}"
        if meta["type"] == "many2one":
            return f"{alias}.{quote(head)} IN ({inner})", params
        if meta["type"] == "many2many":
            return (
                f"EXISTS (SELECT 1 FROM json_each({alias}.{quote(head)}) j WHERE j.value IN ({inner}))",
                params,
            )
        inverse = meta.get("relation_field")
        return (
            f"{alias}.id IN (SELECT {sub}.{quote(inverse)} FROM {quote(table_name(relation))} {sub} "
            f"WHERE {sub_sql})",
            params,
        )

    def _one2many(self, meta, operator, value, alias):
        relation, inverse = meta.get("relation"), meta.get("relation_field")
        if not self.schema.has_model(relation) or not inverse:
            return "1=0", []
        inner = f"SELECT {quote(inverse)} FROM {quote(table_name(relation))} WHERE {quote(inverse)} IS NOT NULL"
        if value is False or value is None or value == []:
            positive = operator in ("=", "in")
            return (f"{alias}.id {'NOT IN' if positive else 'IN'} ({inner})"), []
        ids = _id_list(value)
        marks = ",".join("?" * len(ids)) or "NULL"
        inner += f" AND id IN ({marks})"
        negate = operator in ("!=", "<>", "not in")
        return f"{alias}.id {'NOT IN' if negate else 'IN'} ({inner})", ids

    def _many2many(self, meta, name, operator, value, alias):
        column = f"{alias}.{quote(name)}"
        empty = f"({column} IS NULL OR {column} = '[]')"
        if value is False or value is None or value == []:
            return (empty if operator in ("=", "in") else f"NOT {empty}"), []
        if isinstance(value, str) and meta.get("relation") and self.schema.has_model(meta["relation"]):
            return self._path_by_name(meta, name, operator, value, alias)
        ids = _id_list(value)
        marks = ",".join("?" * len(ids)) or "NULL"
        exists = f"EXISTS (SELECT 1 FROM json_each({column}) j WHERE j.value IN ({marks}))"
        if operator in ("!=", "<>", "not in"):
            return f"NOT {exists}", ids
        return exists, ids

    def _path_by_name(self, meta, name, operator, value, alias):
        relation = meta["relation"]
        rec = self.schema.rec_name(relation) or "id"
        self.counter += 1
        sub = f"s{self.counter}"
        sub_sql, params = self.compile(relation, [(rec, operator, value)], sub)
        inner = f"SELECT {sub}.id FROM {quote(table_name(relation))} {sub} WHERE {sub_sql}"
        column = f"{alias}.{quote(name)}"
        if meta["type"] == "many2one":
            return f"{column} IN ({inner})", params
        return f"EXISTS (SELECT 1 FROM json_each({column}) j WHERE j.value IN ({inner}))", params

    def _column(self, model, name, meta, operator, value, alias):
        column = f"{alias}.{quote(name)}"
        ftype = meta["type"]
        if operator in ("child_of", "parent_of"):
            operator = "in"
        if ftype == "many2one" and isinstance(value, str) and operator not in ("=like", "=ilike") \
                and self.schema.has_model(meta.get("relation") or ""):
            if operator in ("=", "!=", "<>", "like", "ilike", "not like", "not ilike"):
                return self._path_by_name(meta, name, operator, value, alias)
        if operator in ("in", "not in"):
            return self._in(model, name, meta, operator, value, column)
        if operator in ("like", "ilike", "not like", "not ilike", "=like", "=ilike"):
            return self._like(operator, value, column)
        if value is False or value is None:
            if ftype == "boolean":
                test = f"({column} IS NULL OR {column} = 0)"
            else:
                test = f"{column} IS NULL"
            if operator == "=":
                return test, []
            if operator in ("!=", "<>"):
                return f"NOT {test}", []
            return "1=0", []
        stored = self._convert(model, name, meta, value)
        sql_op = "!=" if operator == "<>" else operator
        if operator in ("!=", "<>"):
            return f"({column} IS NULL OR {column} != ?)", [stored]
        if ftype == "boolean" and operator == "=" and not stored:
            return f"({column} IS NULL OR {column} = 0)", []
        return f"{column} {sql_op} ?", [stored]

    def _convert(self, model, name, meta, value):
        if meta["type"] == "selection":
            return value
        if meta["type"] in ("char", "text", "html"):
            return str(value)
        if name == "id":
            return int(value)
        return to_column(model, name, meta, value, self.version)

    def _in(self, model, name, meta, operator, value, column):
        values = list(value) if isinstance(value, (list, tuple, set)) else [value]
        with_null = any(v is False or v is None for v in values)
        values = [self._convert(model, name, meta, v) for v in values if v is not False and v is not None]
        parts, params = [], []
        if values:
            parts.append(f"{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
        if with_null:
            parts.append(f"{column} IS NULL")
        test = "(" + " OR ".join(parts) + ")" if parts else "1=0"
        if operator == "not in":
            if with_null:
                return f"NOT {test}", params
            return f"({column} IS NULL OR NOT {test})", params
        return test, params

    def _like(self, operator, value, column):
        if value is False or value is None:
            value = ""
        text = str(value)
        if operator in ("=like", "=ilike"):
            pattern = text
        else:
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        escape = "" if operator in ("=like", "=ilike") else " ESCAPE '\\'"
        if operator in ("ilike", "not ilike", "=ilike"):
            test = f"lower(coalesce({column}, '')) LIKE lower(?){escape}"
        else:
            # SQLite's LIKE ignores ASCII case, so a case-sensitive match also
            # compares with GLOB-free substring checks.
            test = f"(coalesce({column}, '') LIKE ?{escape} AND {_case_check(column, operator, text)})"
        if operator.startswith("not"):
            return f"NOT ({test})", [pattern]
        return test, [pattern]


def _case_check(column: str, operator: str, text: str) -> str:
    if operator in ("like", "not like"):
        return f"instr(coalesce({column}, ''), {_literal(text)}) > 0"
    return "1=1"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _id_list(value) -> list:
    if isinstance(value, (list, tuple, set)):
        return [int(v) for v in value if v is not False and v is not None]
    return [int(value)]
