"""The stable error codes and types Konstruct answers with, by HTTP status (OpenAI's shape:
`{"error": {"message", "type", "code"}}`), for the gateway's edge and the admin API alike."""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

STATUS_CODES: Final[Mapping[int, str]] = MappingProxyType(
    {
        400: "bad_request",
        401: "unauthorized",
        402: "budget_exhausted",
        403: "forbidden",
        404: "not_found",
        413: "request_too_large",
        422: "validation_error",
        429: "rate_limited",
        500: "internal_error",
        503: "unavailable",
    }
)
STATUS_TYPES: Final[Mapping[int, str]] = MappingProxyType(
    {
        400: "invalid_request_error",
        401: "auth_error",
        402: "budget_exceeded",
        403: "permission_error",
        404: "invalid_request_error",
        413: "invalid_request_error",
        422: "invalid_request_error",
        429: "throttling_error",
    }
)
