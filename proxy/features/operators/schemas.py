"""Admin API models for operators and their sessions."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import StringConstraints, model_validator

from proxy.features.api.schemas import Input, Output

Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_lower=True,
        min_length=3,
        max_length=320,
        pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
    ),
]
Password = Annotated[str, StringConstraints(min_length=12, max_length=200)]
Role = Literal["platform_admin", "tenant_admin"]


class LoginIn(Input):
    email: Email
    password: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class Operator(Output):
    id: UUID
    email: str
    role: Role
    tenant_id: UUID | None
    created_at: datetime
    last_login_at: datetime | None = None


class LoginOut(Output):
    token: str
    expires_at: datetime
    operator: Operator


class Scoped(Input):
    email: Email
    role: Role = "tenant_admin"
    tenant_id: UUID | None = None

    @model_validator(mode="after")
    def _scope(self) -> "Scoped":
        if self.role == "tenant_admin" and self.tenant_id is None:
            raise ValueError("a tenant admin needs tenant_id")
        if self.role == "platform_admin" and self.tenant_id is not None:
            raise ValueError("a platform admin has no tenant_id")
        return self


class OperatorCreate(Scoped):
    """An operator with a password chosen by the caller (scripts; people get invitations)."""

    password: Password


class InvitationCreate(Scoped):
    """Who is invited; they choose their own password when they open the link."""


class Invitation(Output):
    id: UUID
    purpose: Literal["invite", "reset"]
    email: str
    role: Role
    tenant_id: UUID | None
    invited_by: str
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None


class InvitationIssued(Invitation):
    # Shown once: only its hash is stored. The portal's link is /invite/<token>.
    token: str


class InvitationPreview(Output):
    """What the person opening a link sees before choosing a password."""

    purpose: Literal["invite", "reset"]
    email: str
    role: Role
    tenant_name: str | None
    expires_at: datetime


class InvitationToken(Input):
    token: Annotated[str, StringConstraints(min_length=20, max_length=200)]


class InvitationAccept(InvitationToken):
    password: Password


class PasswordChange(Input):
    current_password: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    new_password: Password

    @model_validator(mode="after")
    def _new(self) -> "PasswordChange":
        if self.new_password == self.current_password:
            raise ValueError("the new password must differ from the current one")
        return self
