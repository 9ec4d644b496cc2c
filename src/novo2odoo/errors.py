"""Exceptions raised by novo2odoo.

Every error the tool raises on purpose derives from :class:`Novo2OdooError`, so a caller can
catch that one class. The tree::

    Novo2OdooError
    ├── SourceError            the export folder or one of its files cannot be read
    ├── MappingError           the mapping file is invalid
    │   └── MappingNotConfirmed  the mapping was never confirmed, or changed since
    ├── TargetError            talking to the Odoo target failed
    │   ├── TargetConnectError   the server cannot be reached or serves no RPC endpoint
    │   ├── AuthenticationError  the database, login, password or API key was rejected
    │   ├── OdooFault            the server raised a fault for one call
    │   └── SandboxMismatchError a sandbox file was opened as another Odoo version or module set
    ├── JournalError           the journal database is missing, from another run or corrupt
    └── RollbackRefused        records changed in Odoo after the run; rollback needs --force
"""

from __future__ import annotations


class Novo2OdooError(Exception):
    """Base class of every error novo2odoo raises on purpose."""


class SourceError(Novo2OdooError):
    """The export folder or one of its files cannot be read."""


class MappingError(Novo2OdooError):
    """The mapping file is invalid or does not fit the export or the target."""


class MappingNotConfirmed(MappingError):
    """The mapping was never confirmed, or its content changed after confirmation."""


class TargetError(Novo2OdooError):
    """Talking to the Odoo target failed."""


class TargetConnectError(TargetError):
    """The target cannot be reached, or the URL serves no Odoo RPC endpoint."""


class AuthenticationError(TargetError):
    """The target rejected the database, login, password or API key."""


class OdooFault(TargetError):
    """The Odoo server raised a fault for one call.

    ``code`` is the XML-RPC fault code (1 for a server-side exception, 2 for a user error,
    3 for access denied, 4 for a forbidden call). ``message`` is the last meaningful line of
    the server's fault string; ``details`` keeps the whole string.
    """

    def __init__(self, model: str, method: str, code: int | str, details: str, message: str | None = None):
        self.model = model
        self.method = method
        self.code = code
        self.details = details
        self.message = message or last_fault_line(details)
        super().__init__(f"{model}.{method} failed: {self.message}")


class JournalError(Novo2OdooError):
    """The journal database is missing, belongs to another export, or is corrupt."""


class RollbackRefused(Novo2OdooError):
    """Records of the run were changed in Odoo after the run; rollback needs ``--force``."""

    def __init__(self, changed: list[tuple[str, int, str]]):
        self.changed = changed
        listing = ", ".join(f"{model}({rid}) {xmlid}" for model, rid, xmlid in changed[:10])
        more = f" and {len(changed) - 10} more" if len(changed) > 10 else ""
        were = "record was" if len(changed) == 1 else "records were"
        super().__init__(
            f"{len(changed)} {were} changed in Odoo after the run: {listing}{more}. "
            "Rerun with --force to roll back anyway."
        )


def last_fault_line(text: str) -> str:
    """Return the line of an Odoo fault string that names the cause.

    Odoo puts a Python traceback first and the exception text last, except for user errors,
    whose first line is the message. Both are tried, skipping blank and traceback lines.
    """
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        return "(empty fault string)"
    if lines[0].startswith("Traceback"):
        return lines[-1]
    if lines[0].endswith(":") and len(lines) > 1:
        return f"{lines[0]} {lines[-1]}"
    return lines[0]
