"""Responses API results the gateway served, and which tenant owns each."""
