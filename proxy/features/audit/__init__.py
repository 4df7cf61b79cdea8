"""Audit log: who did what to which tenant, when."""
