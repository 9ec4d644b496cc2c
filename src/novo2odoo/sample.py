"""Choose the work orders of a sample run so the slice shows every kind of value."""

from __future__ import annotations

from .source.export import Export


def choose_sample(export: Export, mapping: dict, size: int) -> set[str]:
    """Return about ``size`` work order numbers covering every status, priority, department and
    custom field value present, topped up with rows spread evenly through the file.

    Everything a chosen work order references (customer, location, asset, staff, team, stage)
    is loaded whole with it, because those objects load in full before work orders.
    """
    source = export.file("work_order")
    if source is None:
        return set()
    spec = mapping["objects"]["work_order"]
    id_header = next(h for h, c in spec["columns"].items() if c["source"] == "id")
    # Pick-list custom fields have a closed set of values worth covering; free-text ones do not.
    closed = {f["name"] for f in mapping.get("custom_fields", []) if f["type"] in ("selection", "boolean")}
    covering = [h for h, c in spec["columns"].items()
                if c["source"] in ("status", "priority", "department")
                or (c["source"] == "custom" and any(t["field"] in closed for t in c.get("targets") or []))]
    chosen: list[str] = []
    chosen_set: set[str] = set()
    seen: set[tuple[str, str]] = set()
    total = 0
    for _n, row in source.rows(spec["encoding"], spec["delimiter"]):
        total += 1
        novo_id = row.get(id_header, "").strip()
        for header in covering:
            value = row.get(header, "").strip()
            if value and (header, value) not in seen:
                seen.add((header, value))
                if novo_id not in chosen_set:
                    chosen.append(novo_id)
                    chosen_set.add(novo_id)
    step = max(1, total // max(1, size - len(chosen))) if size > len(chosen) else 0
    if step:
        for index, (_n, row) in enumerate(source.rows(spec["encoding"], spec["delimiter"])):
            if len(chosen_set) >= size:
                break
            if index % step == 0:
                novo_id = row.get(id_header, "").strip()
                if novo_id and novo_id not in chosen_set:
                    chosen_set.add(novo_id)
    return chosen_set
