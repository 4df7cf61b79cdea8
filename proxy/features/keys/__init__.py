"""Tenant keys: the virtual keys that carry a tenant's identity, limits and budget."""
