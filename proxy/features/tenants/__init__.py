"""Tenants: the businesses that share this deployment."""
