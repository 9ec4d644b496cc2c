"""Record operations of one call: create, read, write, unlink and search.

An :class:`Env` lives for one ``execute_kw`` call. It runs inside the call's
transaction, so any exception it raises rolls back everything the call did.
"""

from __future__ import annotations

import json
import re

from . import behaviours, faults
from .domain import DomainCompiler, mentions_field
from .exceptions import MissingError
from .schema import is_stored, table_name
from .store import quote
from .values import empty_value, from_column, now_string, to_column, today_string

# Fields the server sets itself. Values given for them are dropped.
LOG_FIELDS = ("id", "create_date", "create_uid", "write_date", "write_uid", "display_name")

# Display names of records in models the dumps do not include.
FOREIGN_NAMES = {("res.currency", 1): "USD"}

# The uid of the administrator in the dumps, which default_get returned for
# "current user" defaults.
DUMP_UID = 2

ORDER_TERM = re.compile(r"^\s*([a-z_][a-z0-9_]*)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?\s*$", re.I)


class Env:
    def __init__(self, db, conn, uid: int, context: dict | None):
        self.db = db
        self.schema = db.schema
        self.version = db.schema.version
        self.conn = conn
        self.uid = uid
        self.context = dict(context or {})
        self._exists_cache: dict[str, set[int]] = {}
        self.schema_changed = False

    # -- helpers ---------------------------------------------------------

    def fields(self, model: str) -> dict:
        return self.schema.fields(model)

    def sql(self, query: str, params=()) -> list:
        return self.conn.execute(query, params).fetchall()

    def table(self, model: str) -> str:
        return quote(table_name(model))

    def user_partner(self, uid: int | None = None) -> int | None:
        rows = self.sql(f"SELECT partner_id FROM {self.table('res.users')} WHERE id=?", (uid or self.uid,))
        return rows[0][0] if rows else None

    def existing_ids(self, model: str, ids) -> list[int]:
        ids = [int(i) for i in ids]
        if not ids:
            return []
        found: set[int] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.sql(f"SELECT id FROM {self.table(model)} WHERE id IN ({marks})", chunk))
        return [i for i in ids if i in found]

    def check_reference(self, model: str, name: str, relation: str | None, value: int | None) -> None:
        """Raise the foreign-key fault if a many2one points at a missing record."""
        if value is None or not relation or not self.schema.has_model(relation):
            return
        cache = self._exists_cache.setdefault(relation, set())
        if value in cache:
            return
        if self.sql(f"SELECT 1 FROM {self.table(relation)} WHERE id=?", (value,)):
            cache.add(value)
            return
        raise faults.foreign_key_error(self.schema, model, name)

    # -- defaults --------------------------------------------------------

    def default_values(self, model: str, names=None) -> dict:
        fields = self.fields(model)
        result = {}
        for name, value in self.schema.defaults(model).items():
            if names is not None and name not in names:
                continue
            meta = fields.get(name)
            if meta is None:
                continue
            if meta["type"] == "date" and value:
                value = today_string()
            elif meta["type"] == "datetime" and value:
                value = now_string()
            elif meta["type"] == "many2one" and meta.get("relation") == "res.users" and value == DUMP_UID:
                value = self.uid
            result[name] = value
        return behaviours.adjust_defaults(self, model, result)

    # -- create ----------------------------------------------------------

    def create(self, model: str, vals_list):
        single = isinstance(vals_list, dict)
        if single:
            vals_list = [vals_list]
        if not isinstance(vals_list, list):
            raise ValueError(f"create() expects a dict or a list of dicts, got {type(vals_list).__name__}")
        ids = [self.create_one(model, dict(vals)) for vals in vals_list]
        behaviours.after_create_batch(self, model, ids, vals_list)
        return ids[0] if single else ids

    def check_field_names(self, model: str, names) -> None:
        fields = self.fields(model)
        for name in names:
            if name not in fields:
                raise faults.unknown_field_error(self.version, model, name)

    def create_one(self, model: str, given: dict) -> int:
        self.check_field_names(model, given)
        values = self.default_values(model, None)
        values.update(given)
        behaviours.prepare_create(self, model, values, given)
        row, later = self._convert_values(model, values, None)
        fields = self.fields(model)
        for name, meta in fields.items():
            if self._is_missing_required(name, meta, row):
                raise faults.not_null_error(self.schema, model, name)
        stamp = now_string()
        for name, value in (("create_date", stamp), ("write_date", stamp),
                            ("create_uid", self.uid), ("write_uid", self.uid)):
            if name in fields:
                row[name] = value
        columns = ", ".join(quote(c) for c in row)
        marks = ", ".join("?" * len(row))
        cursor = self.conn.execute(
            f"INSERT INTO {self.table(model)} ({columns}) VALUES ({marks})", list(row.values())
        )
        record_id = cursor.lastrowid
        self._exists_cache.setdefault(model, set()).add(record_id)
        self._apply_later(model, [record_id], later)
        behaviours.after_create(self, model, record_id, values, given)
        return record_id

    def _is_missing_required(self, name: str, meta: dict, row: dict) -> bool:
        # A required many2one to a model the dumps lack (such as mail.alias)
        # is filled by Odoo itself, so the sandbox does not demand it.
        if not meta.get("required") or not is_stored(meta) or name in LOG_FIELDS:
            return False
        if meta["type"] in ("boolean", "integer", "float", "monetary", "many2many"):
            return False
        if meta["type"] == "many2one" and not self.schema.has_model(meta.get("relation") or ""):
            return False
        return row.get(name) is None

    def _convert_values(self, model: str, values: dict, ids):
        """Split values into column values and deferred one2many/related writes."""
        fields = self.fields(model)
        row, later = {}, {}
        for name, value in values.items():
            meta = fields[name]
            if name in LOG_FIELDS:
                continue
            ftype = meta["type"]
            if ftype == "one2many" or (not is_stored(meta) and meta.get("related")):
                later[name] = value
                continue
            if not is_stored(meta):
                continue
            if ftype == "many2many":
                if ids is None:
                    row[name] = json.dumps(self._m2m_result(model, name, meta, [], value))
                else:
                    later[name] = value
                continue
            converted = to_column(model, name, meta, value, self.version)
            if ftype == "many2one":
                self.check_reference(model, name, meta.get("relation"), converted)
            row[name] = converted
        return row, later

    def _m2m_result(self, model, name, meta, current: list, commands) -> list:
        result = list(current)
        if commands is False or commands is None:
            return []
        for command in commands or []:
            if isinstance(command, int):
                if command not in result:
                    result.append(command)
                continue
            code = command[0]
            if code == 6:
                result = [int(i) for i in (command[2] or [])]
            elif code == 5:
                result = []
            elif code == 4:
                if int(command[1]) not in result:
                    result.append(int(command[1]))
            elif code in (3, 2):
                result = [i for i in result if i != int(command[1])]
            elif code == 0:
                new_id = self.create_one(meta["relation"], dict(command[2]))
                result.append(new_id)
            elif code == 1:
                self.write(meta["relation"], [int(command[1])], dict(command[2]))
        for value in result:
            self.check_reference(model, name, meta.get("relation"), value)
        return result

    def _apply_later(self, model: str, ids: list[int], later: dict) -> None:
        fields = self.fields(model)
        for name, value in later.items():
            meta = fields[name]
            if meta["type"] == "many2many" and is_stored(meta):
                for record_id in ids:
                    raw = self.sql(f"SELECT {quote(name)} FROM {self.table(model)} WHERE id=?", (record_id,))
                    current = json.loads(raw[0][0]) if raw and raw[0][0] else []
                    result = self._m2m_result(model, name, meta, current, value)
                    self.conn.execute(
                        f"UPDATE {self.table(model)} SET {quote(name)}=? WHERE id=?", (json.dumps(result), record_id)
                    )
            elif meta["type"] == "one2many":
                self._apply_one2many(meta, ids, value)
            elif meta.get("related"):
                self._write_related(model, ids, meta["related"], value)

    def _apply_one2many(self, meta, ids, commands) -> None:
        relation, inverse = meta.get("relation"), meta.get("relation_field")
        if not self.schema.has_model(relation) or not inverse or inverse not in self.fields(relation):
            return
        for record_id in ids:
            for command in commands or []:
                code = command[0]
                if code == 0:
                    vals = dict(command[2])
                    vals[inverse] = record_id
                    self.create_one(relation, vals)
                elif code == 1:
                    self.write(relation, [int(command[1])], dict(command[2]))
                elif code == 2:
                    self.unlink(relation, [int(command[1])])
                elif code in (3, 4):
                    target = record_id if code == 4 else False
                    self.write(relation, [int(command[1])], {inverse: target})
                elif code in (5, 6):
                    keep = set(command[2] or []) if code == 6 else set()
                    current = self.search(relation, [(inverse, "=", record_id)], active_test=False)
                    for child in current:
                        if child not in keep:
                            self.write(relation, [child], {inverse: False})
                    for child in keep:
                        self.write(relation, [child], {inverse: record_id})

    def _write_related(self, model: str, ids: list[int], path: str, value) -> None:
        head, _, rest = path.partition(".")
        meta = self.fields(model).get(head)
        if not rest or not meta or meta["type"] != "many2one" or not self.schema.has_model(meta["relation"]):
            return
        targets = [r[head] for r in self.read(model, ids, [head]) if r[head]]
        target_ids = sorted({t[0] for t in targets})
        if target_ids:
            if "." in rest:
                self._write_related(meta["relation"], target_ids, rest, value)
            else:
                self.write(meta["relation"], target_ids, {rest: value})

    # -- write -----------------------------------------------------------

    def write(self, model: str, ids, vals: dict) -> bool:
        ids = [int(i) for i in (ids if isinstance(ids, (list, tuple)) else [ids])]
        vals = dict(vals)
        self.check_field_names(model, vals)

        existing = self.existing_ids(model, ids)
        missing = [i for i in ids if i not in set(existing)]
        if missing:
            raise MissingError(
                "Record does not exist or has been deleted.\n"
                f"(Record: {model}{tuple(missing)!r}, User: {self.uid})"
            )
        if not ids:
            return True

        before = behaviours.prepare_write(self, model, ids, vals)
        row, later = self._convert_values(model, vals, ids)
        fields = self.fields(model)
        for name, value in row.items():
            meta = fields[name]
            if meta.get("required") and value is None and meta["type"] not in ("boolean",):
                raise faults.not_null_error(self.schema, model, name)

        if "write_date" in fields:
            row["write_date"] = now_string()
        if "write_uid" in fields:
            row["write_uid"] = self.uid
        if row:
            assignments = ", ".join(f"{quote(c)}=?" for c in row)
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                self.conn.execute(
                    f"UPDATE {self.table(model)} SET {assignments} WHERE id IN ({','.join('?' * len(chunk))})",
                    list(row.values()) + chunk,
                )

        self._apply_later(model, ids, later)
        behaviours.after_write(self, model, ids, vals, before)
        return True

    # -- unlink ----------------------------------------------------------

    def unlink(self, model: str, ids) -> bool:
        ids = self.existing_ids(model, ids if isinstance(ids, (list, tuple)) else [ids])
        if not ids:
            return True
        behaviours.before_unlink(self, model, ids)
        self._release_references(model, ids)
        marks = ",".join("?" * len(ids))
        self.conn.execute(f"DELETE FROM {self.table(model)} WHERE id IN ({marks})", ids)
        self._exists_cache.get(model, set()).difference_update(ids)
        for owner, model_col in (("ir.model.data", "model"), ("mail.message", "model"),
                                 ("mail.followers", "res_model"), ("ir.attachment", "res_model"),
                                 ("mail.activity", "res_model")):
            if self.schema.has_model(owner) and owner != model:
                self.conn.execute(
                    f"DELETE FROM {self.table(owner)} WHERE {quote(model_col)}=? AND res_id IN ({marks})",
                    [model] + ids,
                )
        return True

    def _release_references(self, model: str, ids: list[int]) -> None:
        """Empty or reject references to records being deleted, as Odoo's foreign keys do.

        A required many2one restricts the deletion. Any other many2one is set to
        NULL and the id is removed from many2many lists.
        NOTE: Odoo declares ``ondelete='cascade'`` on some fields; the sandbox
        treats those as restrict (required) or set null.
        """
        marks = ",".join("?" * len(ids))
        id_set = set(ids)
        for other in self.schema.models:
            for name, meta in self.fields(other).items():
                if meta.get("relation") != model or not is_stored(meta):
                    continue
                column, table = quote(name), self.table(other)
                if meta["type"] == "many2one":
                    params = ids
                    query = f"SELECT id FROM {table} WHERE {column} IN ({marks})"
                    if other == model:
                        query += f" AND id NOT IN ({marks})"
                        params = ids + ids
                    if meta.get("required") and self.sql(query + " LIMIT 1", params):
                        raise faults.foreign_key_delete_error(self.schema, other, name)
                    self.conn.execute(f"UPDATE {table} SET {column}=NULL WHERE {column} IN ({marks})", ids)
                elif meta["type"] == "many2many":
                    rows = self.sql(
                        f"SELECT id, {column} FROM {table} WHERE EXISTS "
                        f"(SELECT 1 FROM json_each({table}.{column}) j WHERE j.value IN ({marks}))", ids
                    )
                    for record_id, raw in rows:
                        kept = [i for i in json.loads(raw) if i not in id_set]
                        self.conn.execute(f"UPDATE {table} SET {column}=? WHERE id=?", (json.dumps(kept), record_id))

    # -- search ----------------------------------------------------------

    def _where(self, model: str, domain, active_test: bool | None = None) -> tuple[str, list]:
        domain = list(domain or [])
        compiler = DomainCompiler(self.schema, self.version)
        sql, params = compiler.compile(model, domain, "t")
        if active_test is None:
            active_test = self.context.get("active_test", True)
        fields = self.fields(model)
        if active_test and "active" in fields and is_stored(fields["active"]) and not mentions_field(domain, "active"):
            sql = f"({sql}) AND t.active = 1"
        return sql, params

    def _order_sql(self, model: str, order: str | None) -> str:
        fields = self.fields(model)
        order = order or self.schema.default_order(model)
        terms = []
        for term in order.split(","):
            match = ORDER_TERM.match(term)
            if not match or match.group(1) not in fields:
                raise ValueError(f"Invalid order {order!r} for model {model!r}")
            name, direction, nulls = match.group(1), (match.group(2) or "asc").upper(), match.group(3)
            if name == "display_name":
                name = self.schema.rec_name(model) or "id"
            meta = fields[name]
            if not is_stored(meta) and name != "id":
                continue
            nulls = (nulls or ("last" if direction == "ASC" else "first")).upper()
            collate = " COLLATE NOCASE" if meta["type"] in ("char", "text", "selection") else ""
            terms.append(f"t.{quote(name)}{collate} {direction} NULLS {nulls}")
        return ", ".join(terms) or "t.id"

    def search(self, model: str, domain=None, offset: int = 0, limit=None, order=None,
               active_test: bool | None = None) -> list[int]:
        where, params = self._where(model, domain, active_test)
        query = f"SELECT t.id FROM {self.table(model)} t WHERE {where} ORDER BY {self._order_sql(model, order)}"
        if limit:
            query += f" LIMIT {int(limit)}"
        if offset:
            query += ("" if limit else " LIMIT -1") + f" OFFSET {int(offset)}"
        return [row[0] for row in self.sql(query, params)]

    def search_count(self, model: str, domain=None, limit=None) -> int:
        where, params = self._where(model, domain)
        query = f"SELECT count(*) FROM (SELECT 1 FROM {self.table(model)} t WHERE {where}"
        query += f" LIMIT {int(limit)})" if limit else ")"
        return self.sql(query, params)[0][0]

    # -- read ------------------------------------------------------------

    def read(self, model: str, ids, fields=None) -> list[dict]:
        ids = [int(i) for i in (ids if isinstance(ids, (list, tuple)) else [ids])]
        all_fields = self.fields(model)
        names = list(fields) if fields else [n for n in all_fields]
        self.check_field_names(model, names)
        if "id" not in names:
            names.insert(0, "id")
        rows: dict[int, dict] = {}
        stored = [n for n in names if n != "id" and is_stored(all_fields[n])]
        select = ", ".join(["t.id"] + [f"t.{quote(n)}" for n in stored])
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for raw in self.sql(f"SELECT {select} FROM {self.table(model)} t WHERE t.id IN ({marks})", chunk):
                rows[raw[0]] = dict(zip(["id"] + stored, raw))
        order = [i for i in dict.fromkeys(ids) if i in rows]
        records = [{"id": i} for i in order]
        for name in names:
            if name == "id":
                continue
            meta = all_fields[name]
            self._fill_field(model, name, meta, order, rows, records)
        return records

    def _fill_field(self, model, name, meta, order, rows, records) -> None:
        ftype = meta["type"]
        if name == "display_name":
            names = self.display_names(model, order)
            for record in records:
                record[name] = names.get(record["id"], False)
            return
        if is_stored(meta):
            values = [rows[i][name] for i in order]
            if ftype == "many2one":
                labels = self.display_names(meta.get("relation"), [v for v in values if v])
                for record, value in zip(records, values):
                    record[name] = [value, labels.get(value, False)] if value else False
                return
            for record, value in zip(records, values):
                record[name] = from_column(meta, value)
            return
        if ftype == "one2many":
            relation, inverse = meta.get("relation"), meta.get("relation_field")
            if self.schema.has_model(relation) and inverse in self.fields(relation):
                children = self.sql(
                    f"SELECT id, {quote(inverse)} FROM {self.table(relation)} WHERE {quote(inverse)} IN "
                    f"({','.join('?' * len(order))}) ORDER BY id", order,
                ) if order else []
                grouped: dict[int, list[int]] = {}
                for child, parent in children:
                    grouped.setdefault(parent, []).append(child)
                for record in records:
                    record[name] = grouped.get(record["id"], [])
                return
        computed = behaviours.compute_field(self, model, name, order)
        if computed is not None:
            for record in records:
                record[name] = computed.get(record["id"], empty_value(meta))
            return
        if meta.get("related"):
            values = self._read_related(model, order, meta["related"], meta)
            for record in records:
                record[name] = values.get(record["id"], empty_value(meta))
            return
        for record in records:
            record[name] = empty_value(meta)

    def _read_related(self, model: str, ids: list[int], path: str, meta: dict) -> dict:
        head, _, rest = path.partition(".")
        head_meta = self.fields(model).get(head)
        if not rest or not head_meta or head_meta["type"] != "many2one" \
                or not self.schema.has_model(head_meta.get("relation") or ""):
            return {}
        relation = head_meta["relation"]
        links = {r["id"]: r[head][0] for r in self.read(model, ids, [head]) if r[head]}
        if not links:
            return {}
        target_field = rest.split(".")[0]
        if target_field not in self.fields(relation):
            return {}
        if "." in rest:
            values = self._read_related(relation, sorted(set(links.values())), rest, meta)
        else:
            values = {r["id"]: r[rest] for r in self.read(relation, sorted(set(links.values())), [rest])}
        return {record_id: values.get(target, empty_value(meta)) for record_id, target in links.items()}

    def display_names(self, model: str | None, ids) -> dict:
        ids = sorted({int(i) for i in ids})
        if not model or not ids:
            return {}
        if not self.schema.has_model(model):
            return {i: FOREIGN_NAMES.get((model, i), f"{model},{i}") for i in ids}
        special = behaviours.display_names(self, model, ids)
        if special is not None:
            return special
        rec = self.schema.rec_name(model)
        if not rec or not is_stored(self.fields(model)[rec]):
            return {i: f"{model},{i}" for i in ids}
        result = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for record_id, value in self.sql(
                f"SELECT id, {quote(rec)} FROM {self.table(model)} WHERE id IN ({marks})", chunk
            ):
                result[record_id] = value or False
        return result

    # -- misc ------------------------------------------------------------

    def search_read(self, model, domain=None, fields=None, offset=0, limit=None, order=None) -> list[dict]:
        if fields:
            self.check_field_names(model, fields)
        ids = self.search(model, domain, offset, limit, order)
        return self.read(model, ids, fields)

    def fields_get(self, model, allfields=None, attributes=None) -> dict:
        result = {}
        for name, meta in self.fields(model).items():
            if allfields and name not in allfields:
                continue
            if attributes:
                result[name] = {k: v for k, v in meta.items() if k in attributes}
            else:
                result[name] = dict(meta)
        return result

    def default_get(self, model, fields_list) -> dict:
        return self.default_values(model, set(fields_list or []))

    def name_search(self, model, name="", domain=None, operator="ilike", limit=100) -> list:
        domain = list(domain or [])
        rec = self.schema.rec_name(model)
        if name and rec:
            domain = ["&"] + [(rec, operator, name)] + (domain or [(1, "=", 1)])
        ids = self.search(model, domain, 0, limit)
        names = self.display_names(model, ids)
        return [[i, names.get(i, False)] for i in ids]

    def copy(self, model, record_id, default=None) -> int:
        fields = self.fields(model)
        names = [n for n, m in fields.items() if is_stored(m) and n not in LOG_FIELDS
                 and m["type"] not in ("one2many",)]
        values = self.read(model, [record_id], names)[0]
        values.pop("id")
        for name in names:
            if fields[name]["type"] == "many2one" and values[name]:
                values[name] = values[name][0]
            elif fields[name]["type"] == "many2many":
                values[name] = [(6, 0, values[name])]
        values.update(default or {})
        return self.create_one(model, values)
