"""One error base with a stable code and HTTP status; services raise these, endpoints and
the one handler (proxy/features/api/errors.py) render them OpenAI-style."""

from typing import Any


class KonstructError(Exception):
    status = 400
    code = "bad_request"
    type = "invalid_request_error"

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class NotFound(KonstructError):
    status = 404
    code = "not_found"


class Unauthorized(KonstructError):
    status = 401
    code = "unauthorized"
    type = "auth_error"


class Forbidden(KonstructError):
    status = 403
    code = "forbidden"
    type = "permission_error"


class Conflict(KonstructError):
    status = 409
    code = "conflict"


class Invalid(KonstructError):
    status = 422
    code = "validation_error"


class TooManyRequests(KonstructError):
    status = 429
    code = "rate_limited"
    type = "throttling_error"


class Unavailable(KonstructError):
    status = 503
    code = "unavailable"
    type = "api_error"


def error_body(message: str, type_: str, code: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "code": code, **extra}}
