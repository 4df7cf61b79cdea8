"""Admin API models for the audit log."""

from datetime import datetime
from typing import Any

from proxy.features.api.schemas import Output, Paged


class AuditEntry(Output):
    id: int
    actor: str
    action: str
    target: str
    detail: dict[str, Any]
    created_at: datetime


class AuditPage(Paged[AuditEntry]):
    # Every action and actor this log has, for the filters (not just this page's).
    actions: list[str]
    actors: list[str]
