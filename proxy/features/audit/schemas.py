"""Admin API models for the audit log."""

from datetime import datetime
from typing import Any

from proxy.features.api.schemas import Output


class AuditEntry(Output):
    id: int
    actor: str
    action: str
    target: str
    detail: dict[str, Any]
    created_at: datetime
