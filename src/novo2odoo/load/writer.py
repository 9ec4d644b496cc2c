"""Batched, idempotent writes: create-or-update by external ID, journaled, crash-safe."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..errors import OdooFault, TargetError
from ..odoo.client import OdooClient
from ..source.values import external_id_name
from .convert import html_to_text
from .journal import Journal

log = logging.getLogger(__name__)

# Context of every write: no tracking messages, no creation log, no follower notifications,
# no scheduled activities and no sign-up invitations, so a migration sends no notification.
QUIET_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
    "mail_activity_automation_skip": True,
    "no_reset_password": True,
}


@dataclass
class Item:
    """One record to write: its Novo id, external ID name, values and source position."""

    novo_id: str
    xmlid: str
    vals: dict
    file: str | None = None
    row: int | None = None
    alias_of: str | None = None  # for a merged duplicate: the external ID name of the survivor
    after: dict = field(default_factory=dict)  # values written after create (Odoo overwrites them)

    @property
    def values_hash(self) -> str:
        content = json.dumps([self.vals, self.after], sort_keys=True, default=str)
        return hashlib.sha256(content.encode()).hexdigest()


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    rejected: int = 0
    warnings: int = 0


class Writer:
    """Writes items of one run to the target and the journal."""

    def __init__(self, client: OdooClient, journal: Journal, run_id: int, module: str, export=None):
        self.client = client
        self.journal = journal
        self.run_id = run_id
        self.module = module
        self.export = export
        self.counts: dict[str, Counts] = {}
        self.read_only = False

    def count(self, obj: str) -> Counts:
        return self.counts.setdefault(obj, Counts())

    def distinct(self, obj: str, column: str) -> list[str]:
        source = self.export.file(obj) if self.export else None
        header = source.header_for(column) if source else None
        if not header:
            return []
        seen: dict[str, None] = {}
        for _n, row in source.rows():
            value = row.get(header, "").strip()
            if value:
                seen.setdefault(value, None)
        return list(seen)

    # External IDs

    def xmlid_targets(self, names: list[str]) -> dict[str, int]:
        """Return ``{name: res_id}`` for the external IDs of this module that exist."""
        found: dict[str, int] = {}
        for start in range(0, len(names), 1000):
            chunk = names[start:start + 1000]
            for row in self.client.search_read("ir.model.data", [("module", "=", self.module), ("name", "in", chunk)],
                                               ["name", "res_id"]):
                found[row["name"]] = row["res_id"]
        return found

    def bind_xmlids(self, model: str, pairs: list[tuple[str, int]]) -> None:
        if pairs:
            self.client.create("ir.model.data", [
                {"module": self.module, "name": name, "model": model, "res_id": res_id, "noupdate": True}
                for name, res_id in pairs])

    def ensure(self, obj: str, model: str, prefix: str, items: Iterable[tuple[str, dict]]) -> dict[str, int]:
        """Create small sets of setup records (teams, stages, users) unless their external ID exists."""
        wanted = [Item(key, external_id_name(prefix, key), vals) for key, vals in items]
        if self.read_only:
            found = self.xmlid_targets([item.xmlid for item in wanted])
            return {item.novo_id: found[item.xmlid] for item in wanted if item.xmlid in found}
        result = self.upsert(obj, model, wanted, update=False)
        return {item.novo_id: result[item.xmlid] for item in wanted if item.xmlid in result}

    # Upsert

    def upsert(self, obj: str, model: str, items: list[Item], update: bool = True,
               marker: str | None = None) -> dict[str, int]:
        """Create the items whose external ID does not exist and update the others that changed.

        Returns ``{xmlid name: res_id}`` for every item written or found. ``marker`` names a
        field that contains the Novo id (``x_novo_id``). When the journal shows a batch that was
        sent but never finished, its records are looked up by that field and adopted. A run
        killed between ``create`` and the external ID binding so leaves no duplicate behind.
        """
        if not items:
            return {}
        counts = self.count(obj)
        names = [item.xmlid for item in items]
        existing = self.xmlid_targets(names)

        missing = [item for item in items if item.xmlid not in existing and not item.alias_of]
        adopted: dict[str, int] = {}
        if missing and marker:
            pending = self.journal.pending_keys(model)
            orphans = [item for item in missing if item.novo_id in pending]
            if orphans:
                found, adopted = self.adopt_orphans(obj, model, marker, orphans)
                existing.update(found)

        new = [item for item in items if item.xmlid not in existing and not item.alias_of]
        created = self.create_items(obj, model, new) if new else {}
        existing_before = dict(existing)
        existing.update(created)

        # Merged duplicates point their own external ID at the survivor's record.
        counts.unchanged += sum(1 for item in items if item.alias_of and item.xmlid in existing)
        aliases = [item for item in items if item.alias_of and item.xmlid not in existing]
        unknown = sorted({item.alias_of for item in aliases if item.alias_of not in existing})
        if unknown:
            existing.update(self.xmlid_targets(unknown))
        alias_pairs = [(item.xmlid, existing[item.alias_of]) for item in aliases if item.alias_of in existing]
        self.bind_xmlids(model, alias_pairs)
        for item in aliases:
            if item.alias_of in existing:
                existing[item.xmlid] = existing[item.alias_of]
                counts.merged += 1
        self.journal.record(self.run_id, [
            (obj, item.novo_id, model, existing[item.xmlid], f"{self.module}.{item.xmlid}", "merged",
             item.file, item.row, None, None) for item in aliases if item.xmlid in existing])

        if update:
            changed = [item for item in items if item.xmlid in existing_before and not item.alias_of]
            self.update_items(obj, model, changed, existing_before, counted=set(adopted))
        return existing

    def adopt_orphans(self, obj: str, model: str, marker: str,
                      items: list[Item]) -> tuple[dict[str, int], dict[str, int]]:
        """Bind external IDs to records an interrupted run left without one.

        Returns ``(found, adopted)``: every record found, and those of them that no run had
        journaled yet, which are journaled now as created by this run.
        """
        by_novo = {item.novo_id: item for item in items}
        rows = self.client.search_read(model, [(marker, "in", list(by_novo))], [marker],
                                       context={"active_test": False})
        pairs = []
        for row in rows:
            item = by_novo.pop(row[marker], None)
            if item is not None:
                pairs.append((item.xmlid, row["id"]))
        if not pairs:
            return {}, {}
        log.warning("adopting %d %s records that an interrupted run created without an external ID",
                    len(pairs), model)
        self.bind_xmlids(model, pairs)
        self.journal.log(self.run_id, "warning", f"adopted {len(pairs)} {model} records left by an interrupted run")
        # Records the interrupted run never journaled are journaled as created by this run, so a
        # rollback of it removes them. No values hash is stored, so the update step compares
        # them with the source field by field.
        known = self.journal.journaled_ids(model, [res_id for _name, res_id in pairs])
        new = [(name, res_id) for name, res_id in pairs if res_id not in known]
        by_xmlid = {item.xmlid: item for item in items}
        self.journal.record(self.run_id, [
            (obj, by_xmlid[name].novo_id, model, res_id, f"{self.module}.{name}", "created",
             by_xmlid[name].file, by_xmlid[name].row, None, written_values(by_xmlid[name])) for name, res_id in new])
        self.count(obj).created += len(new)
        return dict(pairs), dict(new)

    def create_items(self, obj: str, model: str, items: list[Item]) -> dict[str, int]:
        """Create items in one call; on a fault, split the batch to quarantine only the bad rows."""
        batch = self.journal.begin_batch(self.run_id, model, [item.novo_id for item in items])
        try:
            ids = self.client.create(model, [item.vals for item in items], context=QUIET_CONTEXT)
        except OdooFault as fault:
            # A create call is one transaction in Odoo: after a fault nothing of the batch exists.
            self.journal.end_batch(batch)
            if len(items) == 1:
                item = items[0]
                self.count(obj).rejected += 1
                self.journal.reject(self.run_id, obj, "error", item.file, item.row, item.novo_id, None, None,
                                    f"Odoo rejected the record: {fault.message}",
                                    "correct the row, or the mapping, and run again")
                log.error("%s %s (row %s) rejected by Odoo: %s", obj, item.novo_id, item.row, fault.message)
                return {}
            half = len(items) // 2
            result = self.create_items(obj, model, items[:half])
            result.update(self.create_items(obj, model, items[half:]))
            return result
        if len(ids) != len(items):
            raise TargetError(f"{model}.create returned {len(ids)} ids for {len(items)} records; "
                              "the target does not behave like Odoo")
        # Journal the new records before binding their external IDs. A crash after this point
        # leaves records that the journal lists, and a crash before it leaves a pending batch
        # whose records the next run adopts by their Novo id.
        self.journal.record(self.run_id, [
            (obj, item.novo_id, model, res_id, f"{self.module}.{item.xmlid}", "created", item.file, item.row,
             None, written_values(item)) for item, res_id in zip(items, ids)])
        self.bind_xmlids(model, [(item.xmlid, res_id) for item, res_id in zip(items, ids)])
        after = [(item, res_id) for item, res_id in zip(items, ids) if item.after]
        self.write_grouped(model, [(res_id, item.after) for item, res_id in after])
        self.journal.upsert_entities([
            (obj, item.novo_id, model, res_id, item.xmlid, item.values_hash, self.run_id)
            for item, res_id in zip(items, ids)])
        self.journal.end_batch(batch)
        self.count(obj).created += len(ids)
        log.debug("created %d %s records for %s", len(ids), model, obj)
        return {item.xmlid: res_id for item, res_id in zip(items, ids)}

    def update_items(self, obj: str, model: str, items: list[Item], ids: dict[str, int],
                     counted: set[str] = frozenset()) -> None:
        """Write the fields whose value differs on the target; leave unchanged records alone.

        Items named in ``counted`` were already counted (as adopted creations) and are only
        brought up to date here.
        """
        if not items:
            return
        tally = _Tally(self.count(obj), counted)
        known = self.journal.entities(obj, [item.novo_id for item in items])
        candidates = []
        for item in items:
            entity = known.get(item.novo_id)
            if entity is not None and entity["values_hash"] == item.values_hash and entity["res_id"] == ids[item.xmlid]:
                tally.unchanged(item)
            else:
                candidates.append(item)
        if not candidates:
            return
        fields_info = self.client.fields(model)
        wanted_fields = sorted({name for item in candidates for name in {**item.vals, **item.after}
                                if name in fields_info and name != "datas"})
        current = {row["id"]: row for row in self.client.read(model, [ids[i.xmlid] for i in candidates],
                                                               wanted_fields, context={"active_test": False})}
        writes = []
        late_writes = []
        records = []
        for item in candidates:
            res_id = ids[item.xmlid]
            row = current.get(res_id)
            if row is None:
                continue
            diff = {}
            old = {}
            for name, value in {**item.vals, **item.after}.items():
                if name not in fields_info or name == "datas":
                    continue
                if not same_value(fields_info[name]["type"], value, row.get(name)):
                    diff[name] = value
                    old[name] = odoo_to_write(fields_info[name]["type"], row.get(name))
            if diff:
                if "stage_id" in diff and model == "maintenance.request":
                    # Odoo sets close_date itself whenever stage_id is written, so the wanted
                    # close_date is written after the stage, in a second call.
                    wanted = {**item.vals, **item.after}
                    if "close_date" in wanted:
                        diff.pop("close_date", None)
                        late_writes.append((res_id, {"close_date": wanted["close_date"]}))
                writes.append((res_id, diff))
                records.append((obj, item.novo_id, model, res_id, f"{self.module}.{item.xmlid}", "updated",
                                item.file, item.row, old, diff))
                tally.updated(item)
            else:
                tally.unchanged(item)
        self.write_grouped(model, writes)
        self.write_grouped(model, late_writes)
        self.journal.record(self.run_id, records)
        self.journal.upsert_entities([(obj, item.novo_id, model, ids[item.xmlid], item.xmlid, item.values_hash,
                                       self.run_id) for item in candidates])

    def write_grouped(self, model: str, writes: list[tuple[int, dict]]) -> None:
        """Write values, one call per distinct set of values rather than one per record."""
        groups: dict[str, tuple[dict, list[int]]] = {}
        for res_id, vals in writes:
            key = json.dumps(vals, sort_keys=True, default=str)
            groups.setdefault(key, (vals, []))[1].append(res_id)
        for vals, ids in groups.values():
            self.client.write(model, ids, vals, context=QUIET_CONTEXT)


class _Tally:
    """Counts updated and unchanged items, skipping those already counted as created."""

    def __init__(self, counts: Counts, counted: set[str]):
        self.counts = counts
        self.counted = counted

    def updated(self, item: Item) -> None:
        if item.xmlid not in self.counted:
            self.counts.updated += 1

    def unchanged(self, item: Item) -> None:
        if item.xmlid not in self.counted:
            self.counts.unchanged += 1


def written_values(item: Item) -> dict:
    """Return the values a create wrote, as the journal keeps them (file contents left out)."""
    values = {**item.vals, **item.after}
    values.pop("datas", None)
    return values


def odoo_to_write(field_type: str, value: Any) -> Any:
    """Turn a value as ``read`` returns it into a value ``write`` accepts."""
    if field_type == "many2one":
        return value[0] if value else False
    if field_type in ("one2many", "many2many"):
        return [(6, 0, value or [])]
    return value


def same_value(field_type: str, wanted: Any, actual: Any) -> bool:
    """Compare a value to write with the value read from Odoo, by field type."""
    if field_type == "many2one":
        actual = actual[0] if actual else False
        return (wanted or False) == (actual or False)
    if field_type in ("float", "monetary"):
        return abs(float(wanted or 0) - float(actual or 0)) < 0.005
    if field_type == "html":
        return html_to_text(wanted) == html_to_text(actual)
    if field_type in ("many2many", "one2many"):
        return True
    if field_type == "boolean":
        return bool(wanted) == bool(actual)
    return (wanted or False) == (actual or False)
