"""Tenant limits: rate limits, monthly budget and message rates."""
