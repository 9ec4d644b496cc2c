"""Load stage: write converted records into Odoo in batches and journal every change."""
