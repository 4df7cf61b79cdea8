"""The admin and internal API: one package per feature (endpoints, service, repository, schemas)."""
