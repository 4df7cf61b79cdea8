"""Shared HTTP pieces of Konstruct's own routes: dependencies, errors, schemas, health."""
