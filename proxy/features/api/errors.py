"""The one handler that renders Konstruct's errors (proxy/core/errors.py) OpenAI-style."""

import json
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from litellm.proxy._types import ProxyException
from litellm.proxy.proxy_server import openai_exception_handler

from policies.error_codes import STATUS_CODES
from proxy.core.errors import KonstructError, error_body


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc if part not in ("body", "query", "path")]
    return ".".join(parts) or "body"


async def _konstruct_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KonstructError)
    return JSONResponse(
        error_body(exc.message, exc.type, exc.code), status_code=exc.status, headers=exc.headers
    )


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = [
        {"field": _field_name(tuple(error["loc"])), "message": str(error["msg"])}
        for error in exc.errors()
    ]
    message = "; ".join(f"{f['field']}: {f['message']}" for f in fields[:5])
    return JSONResponse(
        error_body(
            f"Invalid input. {message}", "invalid_request_error", "validation_error", fields=fields
        ),
        status_code=422,
    )


async def _proxy_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProxyException)
    response: Response = await openai_exception_handler(request, exc)
    if not isinstance(response, JSONResponse):
        return response
    body = json.loads(bytes(response.body))
    stated = str(exc.openai_code or "")
    if response.status_code == 401 and (not stated or stated.isdigit()):
        # Not our key check (its 401s carry a word code): a provider refused the platform's
        # own credentials. The caller's key is fine, so no 401 for the caller.
        body = error_body(
            "The model provider is unavailable right now; try again later.",
            "api_error",
            "unavailable",
        )
        return JSONResponse(body, status_code=503)
    if response.status_code == 422:
        body["error"]["type"] = "invalid_request_error"
    if not stated or stated.isdigit():
        # LiteLLM puts the HTTP status in `code`; Konstruct promises stable words there.
        stated = STATUS_CODES.get(response.status_code, stated)
    body["error"]["code"] = stated
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return JSONResponse(body, status_code=response.status_code, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(KonstructError, _konstruct_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ProxyException, _proxy_exception)
