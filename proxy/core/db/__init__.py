"""Konstruct's data layer: engine, the tenant transaction, tables and repositories."""
