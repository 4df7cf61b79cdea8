"""Konstruct's central server: LiteLLM Proxy plus the admin and internal APIs and the DB layer."""
