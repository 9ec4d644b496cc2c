"""Proposals of value maps: status to stage, priority, department to team, staff to user."""

from __future__ import annotations

import re
from collections import Counter

from rapidfuzz import fuzz, process

from ..source.values import clean_email

STATUS_CANON = {
    "open": ("Open", ("new request", "new", "open")),
    "in progress": ("In Progress", ("in progress", "qualified")),
    "on hold": ("On Hold", ("on hold", "waiting")),
    "completed": ("Completed", ("repaired", "done", "won", "completed")),
    "cancelled": ("Cancelled", ("cancelled", "canceled")),
}
STATUS_ALIASES = {"canceled": "cancelled", "closed": "completed", "complete": "completed", "done": "completed",
                  "new": "open", "in-progress": "in progress", "hold": "on hold", "waiting": "on hold"}
DONE_STATUSES = {"completed", "cancelled"}

PRIORITY_WORDS = {1: ("emergency", "urgent", "critical"), 2: ("high",), 3: ("medium", "normal", "moderate"),
                  4: ("low",), 5: ("scheduled", "planned", "routine", "lowest")}
PRIORITY_LABELS = {1: ("very high", "urgent", "high"), 2: ("high",), 3: ("medium", "normal"),
                   4: ("low",), 5: ("very low", "low")}


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").strip().casefold())


def canonical_status(raw: str) -> tuple[str | None, float]:
    key = norm(raw)
    key = STATUS_ALIASES.get(key, key)
    if key in STATUS_CANON:
        return key, 1.0
    best = process.extractOne(key, list(STATUS_CANON), scorer=fuzz.ratio)
    if best and best[1] >= 80:
        return best[0], best[1] / 100
    return None, 0.0


def propose_status_map(counts: Counter, stages: list[dict], done_field: str | None) -> dict:
    """Map each raw status to an existing stage by name, or to a stage to create."""
    result = {}
    by_name = {norm(stage["name"]): stage for stage in stages}
    for raw, count in sorted(counts.items(), key=lambda item: -item[1]):
        key, score = canonical_status(raw)
        if key is None:
            fallback = stages[0]["name"] if stages else "New"
            if "new request" in by_name:
                fallback = "New Request"
            result[raw] = {"stage": fallback,
                           "create": False, "done": False, "rows": count, "confidence": 0.3,
                           "reason": f"status {raw!r} is not a known Novo status; please choose a stage"}
            continue
        title, wanted = STATUS_CANON[key]
        existing = next((by_name[name] for name in wanted if name in by_name), None)
        done = key in DONE_STATUSES
        if existing:
            result[raw] = {"stage": existing["name"], "create": False, "done": done, "rows": count,
                           "confidence": round(0.95 * score, 2),
                           "reason": f"Novo status {title!r} matches the existing stage {existing['name']!r}"}
        else:
            result[raw] = {"stage": title, "create": True, "done": done, "rows": count,
                           "confidence": round(0.85 * score, 2),
                           "reason": f"no stage means {title!r} on the target; a stage of that name will be created"
                                     + (" as a closing stage" if done and done_field else "")}
    return result


def priority_level(raw: str) -> int | None:
    text = norm(raw)
    match = re.match(r"^(\d)\b", text)
    if match and 1 <= int(match.group(1)) <= 5:
        return int(match.group(1))
    for level, words in PRIORITY_WORDS.items():
        if any(word in text for word in words):
            return level
    return None


def propose_priority_map(counts: Counter, selection: list) -> dict:
    """Map the five Novo priority levels onto the target's selection, keeping their order."""
    labels = [(str(key), norm(label)) for key, label in selection]
    keys = [key for key, _ in labels]
    chosen: dict[int, str] = {}
    for level in range(1, 6):
        pick = None
        for word in PRIORITY_LABELS[level]:
            pick = next((key for key, label in labels if label == word), None)
            if pick is not None:
                break
        chosen[level] = pick if pick is not None else keys[max(0, len(keys) - level)]
    # Keep the order: a less urgent level never gets a higher value than a more urgent one.
    for level in range(2, 6):
        if keys.index(chosen[level]) > keys.index(chosen[level - 1]):
            chosen[level] = chosen[level - 1]
    label_of = dict(labels)
    result = {}
    for raw, count in sorted(counts.items(), key=lambda item: -item[1]):
        level = priority_level(raw)
        if level is None:
            result[raw] = {"value": keys[len(keys) // 2], "rows": count, "confidence": 0.3,
                           "reason": f"priority {raw!r} is not a recognised level; the middle value is proposed"}
            continue
        value = chosen[level]
        shared = [lv for lv, v in chosen.items() if v == value and lv != level]
        reason = f"Novo level {level} maps to {label_of[value]!r} ({value})"
        if shared:
            reason += f", shared with level {', '.join(map(str, shared))}; the original stays in x_novo_priority"
        result[raw] = {"value": value, "rows": count, "confidence": 0.9 if not shared else 0.8, "reason": reason}
    return result


def propose_team_map(departments: list[dict], teams: list[dict]) -> dict:
    """Map departments to teams with the same name, or to teams to create."""
    names = {norm(team["name"]): team["name"] for team in teams}
    result = {}
    for dept in departments:
        key = dept["id"] or dept["name"]
        match = process.extractOne(norm(dept["name"]), list(names), scorer=fuzz.ratio) if names else None
        if match and match[1] >= 92:
            result[key] = {"name": dept["name"], "team": names[match[0]], "create": False, "confidence": 0.9,
                           "reason": f"an existing team is named {names[match[0]]!r}"}
        else:
            result[key] = {"name": dept["name"], "team": dept["name"], "create": True, "confidence": 0.9,
                           "reason": "no team of that name exists; one will be created"}
    return result


def index_users(users: list[dict]) -> dict[str, dict]:
    """Index users by their login and e-mail, compared case-insensitively."""
    by_login: dict[str, dict] = {}
    for user in users:
        for value in (user.get("login"), user.get("email")):
            if value:
                by_login.setdefault(norm(value), user)
    return by_login


def propose_staff_map(staff_rows: list[dict], references: Counter, target_users: list[dict],
                      create_missing: bool, fallback: str | None) -> dict:
    """Resolve every staff reference to a target user by e-mail, proposing what to do with the rest.

    ``staff_rows`` come from the users file. ``references`` counts the raw values that name staff
    elsewhere (assignees, activity authors, uploaders), which may be e-mails or display names.
    """
    by_login = index_users(target_users)
    people: dict[str, dict] = {}
    names: dict[str, list[str]] = {}
    for row in staff_rows:
        email, problem = clean_email(row.get("email", ""))
        key = email or f"name:{norm(row['name'])}"
        people[key] = {"name": row["name"], "email": email, "novo_id": row.get("id"), "active": row.get("active", True),
                       "department": row.get("department"), "aliases": [], "in_users_file": True,
                       "email_problem": problem}
        names.setdefault(norm(row["name"]), []).append(key)
    for raw, _count in references.items():
        email, _problem = clean_email(raw)
        if email:
            key = email
            if key not in people:
                people[key] = {"name": email.split("@")[0], "email": email, "novo_id": None, "active": False,
                               "department": None, "aliases": [], "in_users_file": False, "email_problem": None}
        else:
            found = process.extractOne(norm(raw), list(names), scorer=fuzz.WRatio) if names else None
            if found and found[1] >= 90 and len(names[found[0]]) == 1:
                key = names[found[0]][0]
            elif found and found[1] >= 90:
                # Two staff share this name: a person must choose, so the name stays unresolved.
                key = f"name:{norm(raw)}"
                people.setdefault(key, {"name": raw.strip(), "email": None, "novo_id": None, "active": False,
                                        "department": None, "aliases": [], "in_users_file": False,
                                        "email_problem": None,
                                        "ambiguous": [people[k]["email"] or k for k in names[found[0]]]})
            else:
                key = f"name:{norm(raw)}"
                people.setdefault(key, {"name": raw.strip(), "email": None, "novo_id": None, "active": False,
                                        "department": None, "aliases": [], "in_users_file": False,
                                        "email_problem": None})
        if raw != key and raw not in people[key]["aliases"]:
            people[key]["aliases"].append(raw)

    result = {}
    for key, person in sorted(people.items()):
        email = person["email"]
        user = by_login.get(norm(email)) if email else None
        entry = {"name": person["name"], "email": email, "novo_id": person["novo_id"], "active": person["active"],
                 "aliases": person["aliases"]}
        if user:
            entry.update(action="match", user=user["login"], confidence=0.99,
                         reason=f"a target user has the e-mail {email}")
        elif email and create_missing:
            entry.update(action="create", user=email, confidence=0.85,
                         reason="no target user has this e-mail; a user will be created"
                                + ("" if person["active"] else " and archived (former staff)"))
        elif fallback:
            entry.update(action="fallback", user=fallback, confidence=0.6,
                         reason=("no e-mail to match" if not email else "no target user has this e-mail")
                                + f"; records go to the fallback user {fallback}")
        else:
            entry.update(action="unassigned", user=None, confidence=0.5,
                         reason=("no e-mail to match" if not email else "no target user has this e-mail")
                                + "; records stay unassigned and keep the name in x_novo_assigned_to")
        if person.get("ambiguous"):
            entry.update(action="unassigned", user=None, confidence=0.3, ambiguous=person["ambiguous"],
                         reason=f"the name matches several staff ({', '.join(person['ambiguous'])}); "
                                "set action and user to the right one")
        elif not person["in_users_file"]:
            entry["reason"] += "; not in the users file"
        result[key] = entry
    return result
