"""Shared pieces of the admin API's request and response models."""

from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, StringConstraints

Slug = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=64,
        pattern=r"^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$",
    ),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]
SlackId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=32, pattern=r"^[A-Z0-9]+$"),
]


T = TypeVar("T")


class Input(BaseModel):
    """Request bodies refuse unknown fields, so a typo is an error, not a silent no-op."""

    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):  # noqa: UP046 (Python 3.11 has no PEP 695 syntax)
    items: list[T]


class Paged(Page[T], Generic[T]):  # noqa: UP046
    """One page of a list the server sorts and pages: `total` matches across all pages."""

    total: int
    limit: int
    offset: int


def changes(model: BaseModel) -> dict[str, Any]:
    """The fields a PATCH body actually set."""
    return model.model_dump(exclude_unset=True)
