"""The ``migrate`` job: prepare the target, then load every object in dependency order."""

from __future__ import annotations

import logging
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import islice
from typing import Callable, Iterator

from ..mapping.values import norm
from ..odoo.client import OdooClient
from ..source.export import RAGGED, Export, SourceFile
from ..source.values import external_id_name
from ..source.values import parse_datetime as sv_parse
from ..source.vocabulary import LOAD_ORDER
from . import prepare as prep
from .convert import Converter, Lookups, Problem, bind_references, reference_columns
from .journal import Journal
from .writer import Item, Writer

log = logging.getLogger(__name__)

PREFIX = {"customer": "customer", "location": "location", "asset": "asset", "work_order": "work_order",
          "pm_schedule": "pm_schedule", "attachment": "attachment", "activity": "activity"}
ADDRESS_FIELDS = ("street", "street2", "city", "zip", "state_id", "country_id")
MAX_ATTACHMENT_BATCH_BYTES = 32 * 1024 * 1024
REFERENCE_CACHE_SIZE = 200_000  # (object, Novo id) -> record id entries kept between batches


@dataclass
class RunOptions:
    mode: str = "full"
    sample_ids: set[str] | None = None   # work order numbers of a sample run
    since: object | None = None           # only work orders created or changed after this
    progress: Callable | None = None      # progress(object, total) -> context manager with advance()


@dataclass
class RunResult:
    run_id: int
    counts: dict = field(default_factory=dict)
    seconds: float = 0.0


def batched(iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


class Migration:
    """One run of ``migrate`` against one target, writing to one journal.

    Objects load in dependency order and each object streams from its file in batches, so
    memory does not grow with the export apart from the per-object id sets noted below.
    """

    # NOTE: batches are sent one after another. Batches of one object are independent, so
    # parallel workers could send them. Requests should then be partitioned by equipment,
    # because Odoo 18 retries whole calls on serialization failures of the equipment's counters.

    def __init__(self, export: Export, mapping: dict, client: OdooClient, journal: Journal, run_id: int,
                 options: RunOptions):
        self.export = export
        self.mapping = mapping
        self.client = client
        self.journal = journal
        self.run_id = run_id
        self.options = options
        self.module = mapping["settings"].get("module", "novo_migration")
        self.batch_size = int(mapping["settings"].get("batch_size", 200))
        self.writer = Writer(client, journal, run_id, self.module, export)
        self.lookups = Lookups()
        self.request_model = mapping["target"]["work_orders_to"]
        self.company_addresses: dict[int, dict] = {}
        # NOTE: the ids seen per object stay in memory to catch duplicates, about 100 MB per
        # million rows. A disk-backed set would keep memory flat at that scale.
        self.seen_ids: dict[str, dict[str, int]] = {}
        self.vanished: dict[str, int] = {}

    # Driver

    def run(self) -> dict:
        if self.options.since is not None:
            self.options.sample_ids = self.changed_since(self.options.since)
            log.info("%d work orders have a timestamp on or after %s", len(self.options.sample_ids),
                     self.options.since)
        if not self.writer.read_only:
            prep.preflight(self.client, self.mapping)
            prep.ensure_custom_fields(self.client, self.mapping, self.writer)
        prep.prepare(self.client, self.writer, self.mapping, self.lookups)
        for obj in LOAD_ORDER:
            if obj in ("department", "user") or obj not in self.mapping["objects"]:
                continue
            source = self.export.file(obj)
            if source is None:
                continue
            spec = self.mapping["objects"][obj]
            if spec.get("model") is None:
                self.report_unloadable(obj, source)
                continue
            loader = getattr(self, f"load_{obj}")
            log.info("loading %s from %s into %s", obj, source.name, spec["model"])
            loader(source, spec)
        if self.options.sample_ids is None and not self.writer.read_only:
            self.report_vanished()
        return {obj: vars(counts) for obj, counts in self.writer.counts.items()}

    def report_vanished(self) -> None:
        """Log records that earlier runs loaded from rows this export no longer has.

        They stay in Odoo: an export that lacks a row is no instruction to delete a record.
        """
        self.vanished = {}
        for obj, seen in self.seen_ids.items():
            missing = [row["novo_id"] for row in self.journal.db.execute(
                "SELECT novo_id FROM entities WHERE object = ?", (obj,)) if row["novo_id"] not in seen]
            if missing:
                self.vanished[obj] = len(missing)
                example = ", ".join(missing[:5])
                self.journal.log(self.run_id, "warning",
                                 f"{len(missing)} {obj.replace('_', ' ')} records loaded by earlier runs are not in "
                                 f"this export (for example {example}); they stay in Odoo")
                log.warning("%d %s records from earlier runs are not in this export; they stay in Odoo",
                            len(missing), obj)

    def rows(self, obj: str, source: SourceFile) -> Iterator[tuple[int, dict]]:
        spec = self.mapping["objects"][obj]
        progress = self.options.progress(obj, source) if self.options.progress else nullcontext()
        with progress as bar:
            for number, row in source.rows(spec["encoding"], spec["delimiter"]):
                if bar is not None:
                    bar.advance()
                yield number, row

    def report_unloadable(self, obj: str, source: SourceFile) -> None:
        converter = self.converter(obj)
        for number, row in self.rows(obj, source):
            self.writer.count(obj).rejected += 1
            self.journal.reject(self.run_id, obj, "error", source.name, number, converter.novo_id(row), None, None,
                                f"the target has no model for {obj.replace('_', ' ')} records",
                                "install Maintenance on the target, propose and confirm again")

    # Shared steps

    def converter(self, obj: str) -> Converter:
        converter = Converter(self.mapping, obj, self.lookups, self.export.root)
        model = self.mapping["objects"][obj].get("model")
        if model:
            converter.required = {name for name, info in self.client.fields(model).items() if info.get("required")}
        return converter

    def convert_batch(self, obj: str, converter: Converter, batch: list[tuple[int, dict]],
                      source: SourceFile) -> list[tuple[int, dict, dict]]:
        """Convert a batch, journaling problems; return ``(row number, row, vals)`` of good rows."""
        self.resolve_references(converter, [row for _n, row in batch])
        good = []
        counts = self.writer.count(obj)
        for number, row in batch:
            novo_id = converter.novo_id(row)
            if not novo_id:
                counts.rejected += 1
                self.journal.reject(self.run_id, obj, "error", source.name, number, None,
                                    converter.header_of.get("id"), "", "the row has no id",
                                    "add the id in the export or remove the row")
                continue
            first = self.seen_ids.setdefault(obj, {}).setdefault(novo_id, number)
            if first != number:
                counts.rejected += 1
                self.journal.reject(self.run_id, obj, "error", source.name, number, novo_id,
                                    converter.header_of.get("id"), novo_id,
                                    f"duplicate id: row {first} has the same id, and only that row is loaded",
                                    "give the row its own id in the export, or remove it")
                continue
            if RAGGED in row:
                counts.rejected += 1
                self.lookups.rejected.add((obj, novo_id))
                self.journal.reject(self.run_id, obj, "error", source.name, number, novo_id, None, None,
                                    f"{row[RAGGED]}, so its values may be shifted",
                                    "check the export for a broken line or an unquoted delimiter")
                continue
            try:
                vals, problems = converter.convert(row)
            except Problem as problem:
                counts.rejected += 1
                self.lookups.rejected.add((obj, novo_id))
                self.journal.reject(self.run_id, obj, "error", source.name, number, novo_id,
                                    getattr(problem, "header", None), getattr(problem, "value", None),
                                    problem.reason, problem.hint)
                if not self.writer.read_only:
                    log.warning("%s row %d (%s) quarantined: %s", source.name, number, novo_id, problem.reason)
                continue
            for severity, header, value, reason, hint in problems:
                counts.warnings += 1
                self.journal.reject(self.run_id, obj, severity, source.name, number, novo_id, header, value,
                                    reason, hint)
            good.append((number, row, vals))
        return good

    def resolve_references(self, converter: Converter, rows: list[dict]) -> None:
        """Fill ``lookups.refs`` for every reference in ``rows``: journal first, then external IDs."""
        if len(self.lookups.refs) > REFERENCE_CACHE_SIZE:
            # Bound the cache; it is cleared before this batch's references are looked up.
            self.lookups.refs.clear()
        wanted: dict[str, set[str]] = {}
        for header, obj in reference_columns(converter.spec):
            for row in rows:
                value = (row.get(header) or "").strip()
                if value and (obj, value) not in self.lookups.refs:
                    wanted.setdefault(obj, set()).add(value)
        for obj, novo_ids in wanted.items():
            ids = sorted(novo_ids)
            for novo_id, entity in self.journal.entities(obj, ids).items():
                self.lookups.refs[(obj, novo_id)] = entity["res_id"]
            missing = [i for i in ids if (obj, i) not in self.lookups.refs]
            if missing:
                names = {external_id_name(PREFIX[obj], i): i for i in missing}
                for name, res_id in self.writer.xmlid_targets(list(names)).items():
                    self.lookups.refs[(obj, names[name])] = res_id


    def item(self, obj: str, novo_id: str, vals: dict, source: SourceFile, number: int, **extra) -> Item:
        return Item(novo_id, external_id_name(PREFIX[obj], novo_id), vals, source.name, number, **extra)

    def remember(self, obj: str, ids: dict[str, int], items: list[Item]) -> None:
        for item in items:
            if item.xmlid in ids:
                self.lookups.refs[(obj, item.novo_id)] = ids[item.xmlid]

    def load_simple(self, obj: str, source: SourceFile, spec: dict, shape: Callable | None = None,
                    keep: Callable | None = None) -> None:
        converter = self.converter(obj)
        bind_references(converter)
        for batch in batched(self.rows(obj, source), self.batch_size):
            if keep is not None:
                batch = [(number, row) for number, row in batch if keep(converter, row)]
            items = []
            for number, row, vals in self.convert_batch(obj, converter, batch, source):
                novo_id = converter.novo_id(row)
                converter.number = number
                if shape is not None:
                    vals = shape(vals, row, converter)
                    if vals is None:
                        continue
                item = self.item(obj, novo_id, vals, source, number)
                if (spec["model"] == "maintenance.request" and vals.get("stage_id") in self.lookups.done_stages
                        and not vals.get("close_date")):
                    # Odoo dates a request created in a closing stage today; keep the export's blank.
                    item.after = {"close_date": False}
                items.append(item)
            ids = self.writer.upsert(obj, spec["model"], items, marker="x_novo_id")
            self.remember(obj, ids, items)

    # Objects

    def load_customer(self, source: SourceFile, spec: dict) -> None:
        """Load companies first, then people linked to them; merge people exported twice."""
        converter = self.converter("customer")
        company_header = converter.header_of.get("company")
        seen: dict[str, str] = {}  # identity of a person -> external ID name of the first row

        for companies_pass in (True, False):
            for batch in batched(self.rows("customer", source), self.batch_size):
                items = []
                for number, row, vals in self.convert_batch_filtered(converter, batch, source, companies_pass):
                    novo_id = converter.novo_id(row)
                    first = converter.canon(row, "first_name")
                    last = converter.canon(row, "last_name")
                    company = converter.canon(row, "company")
                    if vals.get("is_company"):
                        vals["name"] = company or " ".join(p for p in (first, last) if p)
                        items.append(self.item("customer", novo_id, vals, source, number))
                        continue
                    vals["name"] = " ".join(p for p in (first, last) if p) or company
                    if not vals["name"]:
                        self.writer.count("customer").rejected += 1
                        self.journal.reject(self.run_id, "customer", "error", source.name, number, novo_id,
                                            company_header, "", "the customer has no name",
                                            "add a first and last name or a company name")
                        continue
                    if company and company_header:
                        parent = self.company_id(company, source)
                        if parent:
                            vals["parent_id"] = parent
                    identity = person_identity(vals, row, converter)
                    if identity in seen:
                        survivor = seen[identity]
                        self.journal.reject(self.run_id, "customer", "warning", source.name, number, novo_id, None,
                                            None, f"duplicate of {survivor.split('_', 1)[-1].upper()}: merged into it",
                                            "nothing to do; both Novo ids point at one contact")
                        items.append(self.item("customer", novo_id, {}, source, number, alias_of=survivor))
                        continue
                    item = self.item("customer", novo_id, vals, source, number)
                    if vals.get("parent_id"):
                        self.keep_own_address(item)
                    seen[identity] = item.xmlid
                    items.append(item)
                ids = self.writer.upsert("customer", spec["model"], items, marker="x_novo_id")
                self.remember("customer", ids, items)
                if companies_pass:
                    for item in items:
                        if item.xmlid in ids:
                            self.lookups.companies[norm(item.vals["name"])] = ids[item.xmlid]
                            self.company_addresses[ids[item.xmlid]] = address_of(item.vals)

    def keep_own_address(self, item: Item) -> None:
        """Keep a person's own address when it differs from their company's.

        Odoo copies a company's address onto a contact created under it. Up to 18.0 the
        person's address can be written back afterwards. From 19.0 on, a contact's address
        is also written up to the company and its other contacts, so such a person is
        created as an address of type ``other`` under the company instead.
        """
        own = address_of(item.vals)
        if not any(value for name, value in own.items() if name != "country_id"):
            # No address of their own: the person shares the company's, as Odoo contacts do.
            for name in ADDRESS_FIELDS:
                item.vals.pop(name, None)
            return
        if own == self.company_addresses.get(item.vals["parent_id"]):
            return
        if self.client.major >= 19:
            item.vals["type"] = "other"
        else:
            item.after = own

    def convert_batch_filtered(self, converter: Converter, batch, source: SourceFile, companies: bool):
        wanted = []
        for number, row in batch:
            raw_type = converter.canon(row, "type")
            entry = self.mapping["value_maps"].get("customer_type", {}).get(raw_type)
            is_company = bool(entry and entry["is_company"])
            if is_company == companies:
                wanted.append((number, row))
        return self.convert_batch("customer", converter, wanted, source) if wanted else []

    def company_id(self, name: str, source: SourceFile) -> int | None:
        key = norm(name)
        if key not in self.lookups.companies:
            created = self.writer.ensure("company", "res.partner", "company",
                                         [(name, {"name": name, "is_company": True})])
            self.lookups.companies[key] = created.get(name)
            self.journal.log(self.run_id, "info", f"created company {name!r}, named by customers but not exported")
        return self.lookups.companies[key]

    def load_location(self, source: SourceFile, spec: dict) -> None:
        tag = self.writer.ensure("partner_category", "res.partner.category", "partner_category",
                                 [("service_location", {"name": "Service Location"})]).get("service_location")

        def shape(vals: dict, row: dict, converter: Converter) -> dict:
            if tag:
                vals["category_id"] = [(6, 0, [tag])]
            return vals

        self.load_simple("location", source, spec, shape)

    def load_asset(self, source: SourceFile, spec: dict) -> None:
        self.load_simple("asset", source, spec)

    def load_work_order(self, source: SourceFile, spec: dict) -> None:
        sample = self.options.sample_ids

        def keep(converter: Converter, row: dict) -> bool:
            return sample is None or converter.novo_id(row) in sample

        def shape(vals: dict, row: dict, converter: Converter) -> dict | None:
            self.check_completion(vals, row, converter)
            if self.request_model == "maintenance.request":
                vals.setdefault("user_id", False)
                if not vals.get("maintenance_team_id"):
                    vals.pop("maintenance_team_id", None)
            return vals

        self.load_simple("work_order", source, spec, shape, keep)

    def check_completion(self, vals: dict, row: dict, converter: Converter) -> None:
        """Warn about a work order completed before it was created; it loads as exported."""
        try:
            created = sv_parse(converter.canon(row, "created"), converter.style)
            completed = sv_parse(converter.canon(row, "completed"), converter.style)
        except (ValueError, OverflowError):
            return
        if created and completed and completed < created:
            self.writer.count("work_order").warnings += 1
            self.journal.reject(self.run_id, "work_order", "warning", converter.spec["file"], converter.number,
                                converter.novo_id(row), converter.header_of.get("completed"),
                                converter.canon(row, "completed"),
                                f"completed {completed:%Y-%m-%d %H:%M} is before created {created:%Y-%m-%d %H:%M}; "
                                "loaded as exported", "correct the dates in Odoo if they are wrong")

    def load_pm_schedule(self, source: SourceFile, spec: dict) -> None:
        def shape(vals: dict, row: dict, converter: Converter) -> dict:
            vals.setdefault("user_id", False)
            if not vals.get("maintenance_team_id"):
                vals.pop("maintenance_team_id", None)
            return vals

        self.load_simple("pm_schedule", source, spec, shape)

    def load_attachment(self, source: SourceFile, spec: dict) -> None:
        converter = self.converter("attachment")
        bind_references(converter)
        for batch in batched(self.rows("attachment", source), self.batch_size):
            batch = self.only_sampled(converter, batch)
            items, size = [], 0
            for number, row, vals in self.convert_batch("attachment", converter, batch, source):
                vals["res_model"] = self.request_model
                items.append(self.item("attachment", converter.novo_id(row), vals, source, number))
                size += len(vals.get("datas") or "")
                if size > MAX_ATTACHMENT_BATCH_BYTES:
                    self.writer.upsert("attachment", spec["model"], items, marker="x_novo_id")
                    items, size = [], 0
            self.writer.upsert("attachment", spec["model"], items, marker="x_novo_id")

    def load_activity(self, source: SourceFile, spec: dict) -> None:
        converter = self.converter("activity")
        bind_references(converter)
        for batch in batched(self.rows("activity", source), self.batch_size):
            batch = self.only_sampled(converter, batch)
            items = []
            for number, row, vals in self.convert_batch("activity", converter, batch, source):
                vals["model"] = self.request_model
                items.append(self.item("activity", converter.novo_id(row), vals, source, number))
            self.writer.upsert("activity", spec["model"], items, marker="x_novo_id")

    def only_sampled(self, converter: Converter, batch: list) -> list:
        """Keep the rows of sampled work orders; with ``--since`` also rows newer than it."""
        if self.options.sample_ids is None:
            return batch
        header = converter.header_of.get("work_order")
        stamp = "timestamp" if converter.obj == "activity" else "uploaded_on"
        kept = []
        for number, row in batch:
            if (row.get(header) or "").strip() in self.options.sample_ids:
                kept.append((number, row))
            elif self.options.since is not None and self.newer(converter, row, (stamp,)):
                kept.append((number, row))
        return kept

    def newer(self, converter: Converter, row: dict, keys: tuple[str, ...]) -> bool:
        for key in keys:
            try:
                moment = sv_parse(converter.canon(row, key), converter.style)
            except (ValueError, OverflowError):
                return True  # unreadable dates are reported by the conversion, not hidden here
            if moment is not None and moment >= self.options.since:
                return True
        return False

    def changed_since(self, since) -> set[str]:
        """Return the work order numbers with a created, scheduled or completed time on or after ``since``."""
        source = self.export.file("work_order")
        if source is None or "work_order" not in self.mapping["objects"]:
            return set()
        converter = self.converter("work_order")
        spec = self.mapping["objects"]["work_order"]
        found = set()
        for _number, row in source.rows(spec["encoding"], spec["delimiter"]):
            if self.newer(converter, row, ("created", "scheduled", "completed")):
                found.add(converter.novo_id(row))
        return found


def address_of(vals: dict) -> dict:
    return {name: vals.get(name) or False for name in ADDRESS_FIELDS}


def person_identity(vals: dict, row: dict, converter: Converter) -> str:
    """Return what makes two customer rows one person: the e-mail, else name and phone."""
    email = vals.get("email")
    if email:
        return f"email:{email}"
    phone = "".join(ch for ch in converter.canon(row, "phone") if ch.isdigit())[-10:]
    return f"name:{norm(vals.get('name', ''))}|{phone}|{norm(converter.canon(row, 'street'))}"
