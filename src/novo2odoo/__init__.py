"""novo2odoo: migrate Novo Work Order CSV exports into Odoo CRM and Maintenance."""

__version__ = "0.1.0"
