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


class LoginOut(Output):
    token: str
    expires_at: datetime
    operator: Operator


class OperatorCreate(Input):
    email: Email
    password: Password
    role: Role = "tenant_admin"
    tenant_id: UUID | None = None

    @model_validator(mode="after")
    def _scope(self) -> "OperatorCreate":
        if self.role == "tenant_admin" and self.tenant_id is None:
            raise ValueError("a tenant admin needs tenant_id")
        if self.role == "platform_admin" and self.tenant_id is not None:
            raise ValueError("a platform admin has no tenant_id")
        return self
