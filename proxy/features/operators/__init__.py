"""Operators: the people who use the portal (platform admins and tenant admins)."""
