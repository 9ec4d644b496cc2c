"""Side effects that real Odoo 18.0/19.0 servers apply around create and write.

Each hook receives the call's :class:`~novo2odoo.sandbox.orm.Env`. The hooks
dispatch on the model name, and models without special behaviour pass through.
The context keys honoured are the ones Odoo reads for the same effects:
``tracking_disable``, ``mail_create_nolog``, ``mail_create_nosubscribe``,
``mail_auto_subscribe_no_notify``, ``mail_activity_automation_skip`` and
``no_reset_password``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from . import attachments, custom_fields
from .exceptions import UserError
from .schema import is_stored
from .store import quote
from .values import DATETIME_FORMAT, today_string

ADDRESS_FIELDS = ("street", "street2", "city", "zip", "state_id", "country_id")
ASSIGNED_MODELS = ("maintenance.request", "crm.lead")
NOTE_SUBTYPE = "mail.mt_note"


# -- helpers -------------------------------------------------------------


def _ctx(env, key: str) -> bool:
    return bool(env.context.get(key))


def _xmlid_res_id(env, module: str, name: str) -> int | None:
    if not env.schema.has_model("ir.model.data"):
        return None
    rows = env.sql(f"SELECT res_id FROM {env.table('ir.model.data')} WHERE module=? AND name=?", (module, name))
    return rows[0][0] if rows else None


def _value(env, model: str, record_id: int, name: str):
    rows = env.sql(f"SELECT {quote(name)} FROM {env.table(model)} WHERE id=?", (record_id,))
    return rows[0][0] if rows else None


def is_mail_thread(env, model: str) -> bool:
    # res.users shows the mail.thread fields of its partner but is no thread itself.
    return model != "res.users" and env.schema.is_mail_thread(model)


def subscribe(env, model: str, record_id: int, partner_ids) -> None:
    """Add followers, skipping partners that already follow the record."""
    if not env.schema.has_model("mail.followers"):
        return
    for partner_id in partner_ids:
        if not partner_id:
            continue
        exists = env.sql(
            f"SELECT 1 FROM {env.table('mail.followers')} WHERE res_model=? AND res_id=? AND partner_id=?",
            (model, record_id, partner_id),
        )
        if not exists:
            env.conn.execute(
                f"INSERT INTO {env.table('mail.followers')} (res_model, res_id, partner_id, subtype_ids) "
                "VALUES (?, ?, ?, '[]')",
                (model, record_id, partner_id),
            )


def log_message(env, model: str, record_id: int, body: str, message_type: str = "notification",
                subtype_id: int | None = None) -> int:
    values = {
        "model": model, "res_id": record_id, "body": body, "message_type": message_type,
        "subtype_id": subtype_id or _xmlid_res_id(env, "mail", "mt_note") or False,
        "author_id": env.user_partner() or False,
    }
    return env.create_one("mail.message", values)


def queue_mail(env, model: str, record_id: int, subject: str, body: str, partner_ids) -> int:
    emails = []
    for partner_id in partner_ids:
        email = _value(env, "res.partner", partner_id, "email")
        if email:
            emails.append(email)
    return env.create_one("mail.mail", {
        "subject": subject, "body_html": body, "model": model, "res_id": record_id,
        "recipient_ids": [(6, 0, [p for p in partner_ids if p])], "email_to": ", ".join(emails) or False,
        "state": "outgoing",
    })


# -- defaults ------------------------------------------------------------


def adjust_defaults(env, model: str, values: dict) -> dict:
    if model == "mail.message":
        if "author_id" in values:
            values["author_id"] = env.user_partner() or False
        if "email_from" in values:
            partner = env.user_partner()
            name = _value(env, "res.partner", partner, "name") if partner else None
            email = _value(env, "res.partner", partner, "email") if partner else None
            values["email_from"] = f'"{name}" <{email}>' if email else False
    return values


# -- create --------------------------------------------------------------


def prepare_create(env, model: str, values: dict, given: dict) -> None:
    """Adjust the values of one record before it is inserted."""
    if model == "res.partner":
        _sync_parent_address(env, values)
    elif model == "res.users":
        _prepare_user(env, values)
    elif model == "maintenance.request":
        _technician_from_equipment(env, values, given)
    elif model == "crm.lead":
        _lead_stage_and_team(env, values, given)
    elif model == "ir.model.fields":
        custom_fields.prepare_create(env, values)
    elif model == "ir.model.data":
        _check_xmlid_unique(env, values.get("module"), values.get("name"), None)
    elif model == "ir.attachment":
        attachments.prepare(values)
    elif model == "maintenance.equipment":
        _check_serial_unique(env, values.get("serial_no"), None)


def _check_serial_unique(env, serial, exclude_id) -> None:
    """Reject a second equipment with the same serial number, as Odoo's SQL constraint does."""
    if not serial:
        return
    rows = env.sql(f"SELECT id FROM {env.table('maintenance.equipment')} WHERE serial_no=?", (serial,))
    if any(r[0] != exclude_id for r in rows):
        raise UserError("The operation cannot be completed: Another asset already exists with this serial number!")


def after_create(env, model: str, record_id: int, values: dict, given: dict) -> None:
    if model == "res.partner":
        _compute_partner_names(env, [record_id])
        _first_contact_address(env, record_id)
    elif model == "ir.model.fields":
        custom_fields.after_create(env, record_id, values)
    elif model == "maintenance.request":
        _request_after_create(env, record_id)
    if is_mail_thread(env, model):
        _thread_after_create(env, model, record_id, values)


def after_create_batch(env, model: str, ids: list[int], vals_list) -> None:
    if model == "res.users" and not _ctx(env, "no_reset_password"):
        _send_invitations(env, ids)


def _thread_after_create(env, model: str, record_id: int, values: dict) -> None:
    if model == "maintenance.request":
        # Odoo's maintenance module subscribes the owner and the technician
        # itself, whatever the context.
        owner = _value(env, model, record_id, "owner_user_id")
        technician = _value(env, model, record_id, "user_id")
        subscribe(env, model, record_id, [env.user_partner(u) for u in (owner, technician) if u])
    elif not _ctx(env, "mail_create_nosubscribe"):
        subscribe(env, model, record_id, [env.user_partner()])
    if _ctx(env, "tracking_disable"):
        return
    if not _ctx(env, "mail_create_nolog"):
        log_message(env, model, record_id, f"<p>{env.schema.description(model)} created</p>")
    if model in ASSIGNED_MODELS:
        _notify_assignee(env, model, record_id, values.get("user_id"))


def _notify_assignee(env, model: str, record_id: int, user_id) -> None:
    """Queue the "You have been assigned" mail Odoo sends to a new assignee.

    Odoo skips it for the user who makes the assignment.
    """
    if isinstance(user_id, (list, tuple)):
        user_id = user_id[0]
    if not user_id or user_id == env.uid:
        return
    if _ctx(env, "tracking_disable") or _ctx(env, "mail_auto_subscribe_no_notify"):
        return
    partner = env.user_partner(user_id)
    subscribe(env, model, record_id, [partner])
    name = _value(env, model, record_id, "name") or ""
    queue_mail(env, model, record_id, f"You have been assigned to {name}",
               f"<p>You have been assigned to the {env.schema.description(model)} {name}.</p>", [partner])


# -- res.partner ---------------------------------------------------------


def _sync_parent_address(env, values: dict) -> None:
    """Copy the parent's address over a contact's own, as Odoo does on create."""
    parent_id = values.get("parent_id")
    if isinstance(parent_id, (list, tuple)):
        parent_id = parent_id[0]
    if not parent_id or (values.get("type") or "contact") != "contact":
        return
    rows = env.sql(
        f"SELECT {', '.join(quote(f) for f in ADDRESS_FIELDS)} FROM {env.table('res.partner')} WHERE id=?",
        (parent_id,),
    )
    if rows and any(v is not None for v in rows[0]):
        for name, value in zip(ADDRESS_FIELDS, rows[0]):
            values[name] = value if value is not None else False


def _address_of(env, record_id: int) -> tuple:
    return env.sql(f"SELECT {', '.join(quote(f) for f in ADDRESS_FIELDS)} FROM {env.table('res.partner')} "
                   "WHERE id=?", (record_id,))[0]


def _first_contact_address(env, record_id: int) -> None:
    """Give an address-less company the address of its first contact, as Odoo 18 and 19 do."""
    table = env.table("res.partner")
    parent = env.sql(f"SELECT parent_id FROM {table} WHERE id=?", (record_id,))[0][0]
    if not parent:
        return
    is_company, grandparent = env.sql(f"SELECT is_company, parent_id FROM {table} WHERE id=?", (parent,))[0]
    own = _address_of(env, record_id)
    if not (is_company or not grandparent) or not any(v is not None for v in own):
        return
    if any(v is not None for v in _address_of(env, parent)):
        return
    if env.sql(f"SELECT COUNT(*) FROM {table} WHERE parent_id=?", (parent,))[0][0] != 1:
        return
    env.write("res.partner", [parent], dict(zip(ADDRESS_FIELDS, (v if v is not None else False for v in own))))


def _address_upstream(env, ids: list[int]) -> None:
    """From Odoo 19 on, a contact's new address becomes its parent's address, and so its siblings'."""
    table = env.table("res.partner")
    for record_id in ids:
        parent, kind = env.sql(f"SELECT parent_id, type FROM {table} WHERE id=?", (record_id,))[0]
        if not parent or (kind or "contact") != "contact":
            continue
        own = _address_of(env, record_id)
        if own != _address_of(env, parent):
            env.write("res.partner", [parent], dict(zip(ADDRESS_FIELDS, (v if v is not None else False for v in own))))


def _compute_partner_names(env, ids) -> None:
    table = env.table("res.partner")
    for record_id in ids:
        rows = env.sql(f"SELECT name, parent_id, is_company FROM {table} WHERE id=?", (record_id,))
        if not rows:
            continue
        name, parent_id, is_company = rows[0]
        complete = name or ""
        commercial = record_id
        if parent_id and not is_company:
            parent = env.sql(f"SELECT name, commercial_partner_id FROM {table} WHERE id=?", (parent_id,))
            if parent:
                complete = f"{parent[0][0] or ''}, {name or ''}" if name else (parent[0][0] or "")
                commercial = parent[0][1] or parent_id
        env.conn.execute(
            f"UPDATE {table} SET complete_name=?, commercial_partner_id=? WHERE id=?",
            (complete or None, commercial, record_id),
        )
        children = [r[0] for r in env.sql(f"SELECT id FROM {table} WHERE parent_id=?", (record_id,))]
        if children:
            _compute_partner_names(env, children)


# -- res.users -----------------------------------------------------------


def _prepare_user(env, values: dict) -> None:
    login = values.get("login")
    if login:
        _check_login_unique(env, login, None)
    fields = env.fields("res.users")
    related = {}
    for name in list(values):
        meta = fields[name]
        if not is_stored(meta) and (meta.get("related") or "").startswith("partner_id."):
            related[meta["related"].split(".", 1)[1]] = values.pop(name)
    if not values.get("partner_id"):
        partner_fields = env.fields("res.partner")
        partner_values = {k: v for k, v in related.items() if k in partner_fields and k != "category_id"}
        partner_values.setdefault("name", login or False)
        partner_values.setdefault("company_id", values.get("company_id") or False)
        partner_values["active"] = values.get("active", True)
        values["partner_id"] = env.create_one("res.partner", partner_values)
    if values.get("active") is None:
        values["active"] = True


def _check_login_unique(env, login: str, exclude_id) -> None:
    rows = env.sql(f"SELECT id FROM {env.table('res.users')} WHERE login=?", (login,))
    if any(r[0] != exclude_id for r in rows):
        raise UserError("The operation cannot be completed: You can not have two users with the same login!")


def _send_invitations(env, ids: list[int]) -> None:
    """Queue the sign-up invitation that auth_signup sends to new users with an email.

    Odoo sends the whole batch at once and rejects it, rolling back the create,
    when one of those users is archived.
    """
    users = []
    for user_id in ids:
        partner, active = env.sql(f"SELECT partner_id, active FROM {env.table('res.users')} WHERE id=?", (user_id,))[0]
        if _value(env, "res.partner", partner, "email"):
            users.append((user_id, partner, active))
    if any(not active for _, _, active in users):
        raise UserError("You cannot perform this action on an archived user.")
    inviter = _value(env, "res.partner", env.user_partner(), "name") or ""
    company = _value(env, "res.company", 1, "name") or ""
    for user_id, partner, _ in users:
        queue_mail(env, "res.users", user_id, f"{inviter} from {company} invites you to connect to Odoo",
                   "<p>You have been invited to connect.</p>", [partner])


# -- maintenance.request -------------------------------------------------


def _technician_from_equipment(env, values: dict, given: dict) -> None:
    equipment = values.get("equipment_id")
    if isinstance(equipment, (list, tuple)):
        equipment = equipment[0]
    if not equipment or not env.schema.has_model("maintenance.equipment"):
        return
    rows = env.sql(
        f"SELECT technician_user_id, category_id, maintenance_team_id FROM {env.table('maintenance.equipment')} "
        "WHERE id=?", (equipment,),
    )
    if not rows:
        return
    technician, category, team = rows[0]
    if "category_id" not in given:
        values["category_id"] = category or False
    if "user_id" not in given:
        if not technician and category:
            technician = _value(env, "maintenance.equipment.category", category, "technician_user_id")
        values["user_id"] = technician or False
    if "maintenance_team_id" not in given and team:
        values["maintenance_team_id"] = team


def _stage_done(env, stage_id) -> bool:
    return bool(stage_id) and bool(_value(env, "maintenance.stage", stage_id, "done"))


def _compute_schedule(env, record_id: int) -> None:
    """Recompute ``schedule_end`` and ``duration`` the way Odoo 19 does.

    From 19.0 on, a request's end defaults to one hour after its scheduled date and its
    duration is computed from the two, so a duration given to create or write does not stay.
    """
    fields = env.fields("maintenance.request")
    if "schedule_end" not in fields:
        return
    table = env.table("maintenance.request")
    start, end = env.sql(f"SELECT schedule_date, schedule_end FROM {table} WHERE id=?", (record_id,))[0]
    if start and not end:
        end = (datetime.strptime(start, "%Y-%m-%d %H:%M:%S") + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
    duration = 0.0
    if start and end:
        seconds = (datetime.strptime(end, "%Y-%m-%d %H:%M:%S") - datetime.strptime(start, "%Y-%m-%d %H:%M:%S"))
        duration = round(seconds.total_seconds() / 3600, 2)
    env.conn.execute(f"UPDATE {table} SET schedule_end=?, duration=? WHERE id=?", (end, duration, record_id))


def _request_after_create(env, record_id: int) -> None:
    _compute_schedule(env, record_id)
    table = env.table("maintenance.request")
    stage, close = env.sql(f"SELECT stage_id, close_date FROM {table} WHERE id=?", (record_id,))[0]
    done = _stage_done(env, stage)
    if close and not done:
        env.conn.execute(f"UPDATE {table} SET close_date=NULL WHERE id=?", (record_id,))
    elif not close and done:
        env.conn.execute(f"UPDATE {table} SET close_date=? WHERE id=?", (today_string(), record_id))
    _update_activity(env, record_id)


def _update_activity(env, record_id: int) -> None:
    """Create or move the request's planned activity, as ``activity_update`` does in Odoo."""
    if _ctx(env, "mail_activity_automation_skip") or not env.schema.has_model("mail.activity"):
        return
    table = env.table("maintenance.request")
    name, schedule, stage, user, owner = env.sql(
        f"SELECT name, schedule_date, stage_id, user_id, owner_user_id FROM {table} WHERE id=?", (record_id,)
    )[0]
    activity_table = env.table("mail.activity")
    existing = [r[0] for r in env.sql(
        f"SELECT id FROM {activity_table} WHERE res_model='maintenance.request' AND res_id=?", (record_id,))]
    if not schedule or _stage_done(env, stage):
        return
    values = {"date_deadline": schedule[:10], "user_id": user or owner or env.uid}
    if existing:
        env.write("mail.activity", existing, values)
        return
    model_ids = env.sql(f"SELECT id FROM {env.table('ir.model')} WHERE model='maintenance.request'")
    values.update({
        "res_model": "maintenance.request", "res_id": record_id, "res_name": name,
        "res_model_id": model_ids[0][0] if model_ids else False, "summary": False,
        "note": f"<p>Request planned for {name}</p>",
    })
    env.create_one("mail.activity", values)


def _next_occurrences(env, ids: list[int], stage_id) -> None:
    """Schedule the next occurrence of recurring preventive requests moved to a done stage."""
    if not _stage_done(env, stage_id):
        return
    fields = "maintenance_type, recurring_maintenance, schedule_date, repeat_unit, repeat_interval, " \
             "repeat_type, repeat_until"
    for record_id in ids:
        rows = env.sql(f"SELECT {fields} FROM {env.table('maintenance.request')} WHERE id=?", (record_id,))
        kind, recurring, schedule, unit, interval, repeat_type, until = rows[0]
        if kind != "preventive" or not recurring:
            continue
        start = datetime.strptime(schedule, DATETIME_FORMAT) if schedule else datetime.utcnow().replace(microsecond=0)
        following = start + relativedelta(**{f"{unit or 'week'}s": interval or 1})
        if repeat_type == "until" and until and following.strftime("%Y-%m-%d") > until:
            continue
        first_stage = env.search("maintenance.stage", [], 0, 1)
        env.copy("maintenance.request", record_id, {
            "schedule_date": following.strftime(DATETIME_FORMAT),
            "stage_id": first_stage[0] if first_stage else False,
            "close_date": False,
        })


# -- crm.lead ------------------------------------------------------------


def _lead_stage_and_team(env, values: dict, given: dict) -> None:
    user = values.get("user_id")
    if "team_id" not in given and user and env.schema.has_model("crm.team.member"):
        rows = env.sql(
            f"SELECT crm_team_id FROM {env.table('crm.team.member')} WHERE user_id=? AND active=1 ORDER BY id",
            (user,),
        )
        if rows:
            values["team_id"] = rows[0][0]
    if not values.get("stage_id"):
        stages = env.search("crm.stage", [("fold", "=", False)], 0, 1)
        if stages:
            values["stage_id"] = stages[0]


# -- ir.model.data -------------------------------------------------------


def _check_xmlid_unique(env, module, name, exclude_id) -> None:
    if not module or not name:
        return
    if " " in str(name):
        raise UserError("The operation cannot be completed: External IDs cannot contain spaces")
    rows = env.sql(f"SELECT id FROM {env.table('ir.model.data')} WHERE module=? AND name=?", (module, name))
    if any(r[0] != exclude_id for r in rows):
        from .faults import unique_error
        raise unique_error(env.schema, "ir.model.data", ["module", "name"], [module, name],
                           "ir_model_data_module_name_uniq_index")


# -- write ---------------------------------------------------------------


def prepare_write(env, model: str, ids: list[int], vals: dict):
    """Check and adjust ``vals`` before the write, returning the state :func:`after_write` needs."""
    before = None
    if model == "res.users":
        if vals.get("login"):
            for record_id in ids:
                _check_login_unique(env, vals["login"], record_id)
    elif model == "ir.model.data" and ("module" in vals or "name" in vals):
        for record_id in ids:
            module = vals.get("module", _value(env, model, record_id, "module"))
            name = vals.get("name", _value(env, model, record_id, "name"))
            _check_xmlid_unique(env, module, name, record_id)
    elif model == "ir.attachment":
        attachments.prepare(vals)
    elif model == "maintenance.equipment" and vals.get("serial_no"):
        for record_id in ids:
            _check_serial_unique(env, vals["serial_no"], record_id)
    elif model == "maintenance.request":
        if vals.get("stage_id"):
            _next_occurrences(env, ids, vals["stage_id"])
        if "user_id" in vals:
            before = {i: _value(env, model, i, "user_id") for i in ids}
    elif model == "crm.lead" and "user_id" in vals:
        before = {i: _value(env, model, i, "user_id") for i in ids}
    elif model == "res.partner" and "parent_id" in vals and vals.get("parent_id"):
        probe = dict(vals)
        for record_id in ids:
            probe.setdefault("type", _value(env, model, record_id, "type"))
        _sync_parent_address(env, probe)
        for name in ADDRESS_FIELDS:
            if name in probe and name not in vals:
                vals[name] = probe[name]
    return before


def after_write(env, model: str, ids: list[int], vals: dict, before) -> None:
    if model == "res.partner":
        if {"name", "parent_id", "is_company"} & set(vals):
            _compute_partner_names(env, ids)
        changed = {k: vals[k] for k in ADDRESS_FIELDS if k in vals}
        if changed and int(env.version.split(".")[0]) >= 19:
            _address_upstream(env, ids)
        if changed:
            for record_id in ids:
                children = env.search("res.partner", [("parent_id", "=", record_id), ("type", "=", "contact")],
                                      active_test=False)
                if children:
                    env.write("res.partner", children, changed)
    elif model == "maintenance.request":
        _request_after_write(env, ids, vals, before)
    elif model == "crm.lead" and before is not None:
        for record_id in ids:
            if vals.get("user_id") and before.get(record_id) != vals["user_id"]:
                _notify_assignee(env, model, record_id, vals["user_id"])


def _request_after_write(env, ids, vals, before) -> None:
    table = env.table("maintenance.request")
    if {"schedule_date", "schedule_end", "duration"} & set(vals):
        for record_id in ids:
            _compute_schedule(env, record_id)
    if vals.get("owner_user_id") or vals.get("user_id"):
        for record_id in ids:
            owner, technician = env.sql(f"SELECT owner_user_id, user_id FROM {table} WHERE id=?", (record_id,))[0]
            subscribe(env, "maintenance.request", record_id, [env.user_partner(u) for u in (owner, technician) if u])
    if "stage_id" in vals:
        for record_id in ids:
            stage = _value(env, "maintenance.request", record_id, "stage_id")
            close = today_string() if _stage_done(env, stage) else None
            env.conn.execute(f"UPDATE {table} SET close_date=? WHERE id=?", (close, record_id))
            if close and env.schema.has_model("mail.activity"):
                env.conn.execute(
                    f"DELETE FROM {env.table('mail.activity')} WHERE res_model='maintenance.request' AND res_id=?",
                    (record_id,),
                )
    if {"stage_id", "user_id", "schedule_date"} & set(vals):
        for record_id in ids:
            _update_activity(env, record_id)
    if before is not None and vals.get("user_id"):
        for record_id in ids:
            if before.get(record_id) != vals["user_id"]:
                _notify_assignee(env, "maintenance.request", record_id, vals["user_id"])


# -- unlink --------------------------------------------------------------


def before_unlink(env, model: str, ids: list[int]) -> None:
    if model == "ir.model.fields":
        custom_fields.before_unlink(env, ids)


# -- computed values -----------------------------------------------------


def compute_field(env, model: str, name: str, ids: list[int]):
    """Return ``{id: value}`` for a non-stored field the sandbox computes, else None."""
    if model == "ir.model.data" and name in ("complete_name", "reference"):
        rows = env.sql(
            f"SELECT id, module, name, model, res_id FROM {env.table(model)} WHERE id IN ({','.join('?' * len(ids))})",
            ids,
        ) if ids else []
        if name == "complete_name":
            return {r[0]: f"{r[1]}.{r[2]}" if r[1] else r[2] for r in rows}
        return {r[0]: f"{r[3]},{r[4]}" for r in rows}
    if model == "mail.followers" and name in ("name", "email"):
        result = {}
        for record_id in ids:
            partner = _value(env, model, record_id, "partner_id")
            result[record_id] = _value(env, "res.partner", partner, name) or False
        return result
    if model == "ir.model.fields" and name == "selection":
        return custom_fields.selection_strings(env, ids)
    if model == "ir.attachment" and name in ("raw", "local_url"):
        return attachments.compute(env, name, ids)
    return None


def display_names(env, model: str, ids: list[int]):
    """Return ``{id: display_name}`` for models whose name is not their ``name`` field, else None."""
    marks = ",".join("?" * len(ids))
    table = env.table(model)
    if model == "res.partner":
        rows = env.sql(f"SELECT id, coalesce(complete_name, name) FROM {table} WHERE id IN ({marks})", ids)
    elif model == "res.users":
        rows = env.sql(
            f"SELECT u.id, p.name FROM {table} u LEFT JOIN {env.table('res.partner')} p ON p.id=u.partner_id "
            f"WHERE u.id IN ({marks})", ids,
        )
    elif model == "res.country.state":
        rows = env.sql(
            f"SELECT s.id, s.name || ' (' || coalesce(c.code, '') || ')' FROM {table} s "
            f"LEFT JOIN {env.table('res.country')} c ON c.id=s.country_id WHERE s.id IN ({marks})", ids,
        )
    elif model == "ir.model.data":
        rows = env.sql(f"SELECT id, module || '.' || name FROM {table} WHERE id IN ({marks})", ids)
    elif model == "mail.followers":
        rows = env.sql(
            f"SELECT f.id, p.name FROM {table} f LEFT JOIN {env.table('res.partner')} p ON p.id=f.partner_id "
            f"WHERE f.id IN ({marks})", ids,
        )
    elif model == "ir.model.fields":
        rows = env.sql(f"SELECT id, field_description || ' (' || model || ')' FROM {table} WHERE id IN ({marks})", ids)
    elif model == "ir.module.module":
        rows = env.sql(f"SELECT id, coalesce(shortdesc, name) FROM {table} WHERE id IN ({marks})", ids)
    elif model in ("mail.message", "mail.mail"):
        rows = env.sql(f"SELECT id, subject FROM {table} WHERE id IN ({marks})", ids)
    elif model == "mail.activity":
        rows = env.sql(f"SELECT id, coalesce(summary, res_name) FROM {table} WHERE id IN ({marks})", ids)
    else:
        return None
    return {r[0]: r[1] or False for r in rows}
