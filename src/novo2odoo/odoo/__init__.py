"""Access to an Odoo database over its external API."""

from .client import OdooClient, connect_target

__all__ = ["OdooClient", "connect_target"]
