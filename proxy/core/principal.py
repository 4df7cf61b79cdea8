"""Who is acting: the principal every service records and checks (no HTTP here)."""

from dataclasses import dataclass
from uuid import UUID

PLATFORM_ADMIN = "platform_admin"
TENANT_ADMIN = "tenant_admin"


@dataclass(frozen=True)
class Principal:
    """Who is calling the admin API."""

    role: str
    actor: str
    operator_id: UUID | None = None
    tenant_id: UUID | None = None

    @property
    def is_platform_admin(self) -> bool:
        return self.role == PLATFORM_ADMIN
