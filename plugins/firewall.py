"""The request firewall at the proxy's edge: what reaches LiteLLM, and what comes back.

A pure ASGI middleware around LiteLLM's app (installed by proxy/gateway/app.py), because the checks
must come before LiteLLM reads the request: LiteLLM acts on steering headers and body
fields (x-litellm-num-retries, timeout, extra_headers…) while it parses the request, before
any auth or pre-call hook of ours runs, and it routes hundreds of paths that act on the
platform's provider accounts. For callers other than the platform admin:

- only the tenant surface (policies/tenant_surface.py) is routed; every other LiteLLM path
  answers 404 in OpenAI's shape and never reaches a provider;
- steering request headers are dropped; body fields outside OpenAI's documented ones are
  refused (422), as are bodies too large (413), not JSON, or nested too deep (422);
- on the way back, LiteLLM's platform headers (provider address, key spend, the provider's
  own headers) are removed and error bodies are put in OpenAI's shape without internal
  addresses or key hashes.

Konstruct's own routes (/admin, /internal, /healthz) get the same body checks, and strings
Postgres cannot store (NUL) are refused there as 422; they do their own auth.
"""

import hmac
import json
from typing import Any, Final

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from policies.error_codes import STATUS_CODES, STATUS_TYPES
from policies.tenant_surface import (
    ALLOWED_FIELDS,
    Operation,
    refused_field,
    scrub_error_message,
    steering_header,
    tenant_route,
    visible_response_header,
)

# Konstruct's own routes (their own auth) and the API documentation (`/` is its page).
OWN_PREFIXES: Final = ("/admin/", "/internal/", "/swagger/")
OWN_PATHS: Final = frozenset({"/healthz", "/openapi.json", "/"})
# OpenAI accepts requests up to tens of megabytes (images inline as base64); our admin API
# takes short texts and settings only.
MAX_GATEWAY_BODY_BYTES: Final = 32 * 1024 * 1024
MAX_ADMIN_BODY_BYTES: Final = 2 * 1024 * 1024
MAX_JSON_DEPTH: Final = 32
# Where LiteLLM keeps a request's parsed body (litellm/proxy/common_utils/http_parsing_utils.py).
LITELLM_PARSED_BODY: Final = "parsed_body"


class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.param = status, code, message, param


def error_json(status: int, code: str, message: str, param: str | None = None) -> bytes:
    error = {"message": message, "type": STATUS_TYPES.get(status, "api_error"), "code": code}
    return json.dumps({"error": {**error, "param": param}}).encode()


def json_depth(value: Any) -> int:
    """How deeply containers nest in a parsed JSON value (a scalar is 0)."""
    depth, level = 0, [(value, 1)]
    while level:
        node, at = level.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        depth = max(depth, at)
        level.extend((child, at + 1) for child in children)
    return depth


def holds_nul(value: Any) -> bool:
    """Whether any string in a parsed JSON value (keys included) carries a NUL character."""
    pending = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            if "\x00" in node:
                return True
        elif isinstance(node, dict):
            pending.extend(node.keys())
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return False


def parse_body(raw: bytes, *, required: bool = True) -> Any:
    """The parsed JSON body; not JSON: a 400, or None when not `required` (the route's own
    validation then answers). Too deep is a 422 either way."""
    return _parse(raw, required=required)[0]


def _parse(raw: bytes, *, required: bool) -> tuple[Any, bool]:
    """`parse_body`, and whether orjson (LiteLLM's parser) read it: what only the standard
    library reads (NaN, integers past 64 bits) LiteLLM reads its own way."""
    if not (raw.strip() or required):
        return None, False
    try:
        parsed, by_orjson = orjson.loads(raw), True
    except orjson.JSONDecodeError:
        try:
            parsed, by_orjson = json.loads(raw), False
        except RecursionError as exc:
            raise Refusal(422, "validation_error", "The JSON body is nested too deeply.") from exc
        except ValueError as exc:
            if not required:
                return None, False
            raise Refusal(400, "bad_request", "The request body is not valid JSON.") from exc
    if json_depth(parsed) > MAX_JSON_DEPTH:
        raise Refusal(422, "validation_error", "The JSON body is nested too deeply.")
    return parsed, by_orjson


async def read_body(receive: Receive, limit: int) -> bytes:
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Refusal(400, "bad_request", "The client went away.")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise Refusal(413, "request_too_large", f"Request bodies are limited to {limit} bytes.")
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


async def refuse(send: Send, refusal: Refusal) -> None:
    body = error_json(refusal.status, refusal.code, refusal.message, refusal.param)
    await send(
        {
            "type": "http.response.start",
            "status": refusal.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def openai_error(status: int, body: bytes) -> bytes:
    """Any error body LiteLLM or FastAPI produced, as OpenAI's `{"error": {...}}` with a
    stable code and a message that names no internal address or key hash."""
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    error = parsed.get("error") if isinstance(parsed, dict) else None
    if not isinstance(error, dict):
        detail = parsed.get("detail") if isinstance(parsed, dict) else None
        if isinstance(detail, dict) and isinstance(detail.get("error"), dict):
            error = detail["error"]
        else:
            text = detail if isinstance(detail, str) else body.decode(errors="replace")
            error = {"message": text or "The request failed."}
    message = scrub_error_message(str(error.get("message") or "The request failed."))
    code = error.get("code")
    if not isinstance(code, str) or not code or code.isdigit():
        code = STATUS_CODES.get(status, "error")
    kind = error.get("type") if isinstance(error.get("type"), str) else None
    shaped = {
        "message": message,
        "type": kind or STATUS_TYPES.get(status, "api_error"),
        "code": code,
        "param": error.get("param") if isinstance(error.get("param"), str) else None,
    }
    return json.dumps({"error": shaped}).encode()


def tenant_send(send: Send) -> Send:
    """Filter LiteLLM's response for a tenant: visible headers only, errors reshaped."""
    pending: Message | None = None
    buffered: list[bytes] = []

    async def filtered(message: Message) -> None:
        nonlocal pending
        if message["type"] == "http.response.start":
            headers = [
                (name, value)
                for name, value in message.get("headers", [])
                if visible_response_header(name.decode("latin-1").lower())
            ]
            message = {**message, "headers": headers}
            if int(message["status"]) >= 400:
                pending = message  # held until the whole error body is read
                return
            await send(message)
            return
        if pending is None or message["type"] != "http.response.body":
            await send(message)
            return
        buffered.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        status = int(pending["status"])
        body = openai_error(status, b"".join(buffered))
        headers = [
            (name, value)
            for name, value in pending["headers"]
            if name.lower() not in (b"content-length", b"content-type")
        ]
        headers += [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({**pending, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        pending = None

    return filtered


class TenantSurface:
    """The firewall middleware; `master_key` (the platform admin) passes through untouched."""

    def __init__(
        self,
        app: ASGIApp,
        master_key: str,
        chat_models: frozenset[str],
        embedding_models: frozenset[str],
    ) -> None:
        self.app = app
        self.admin_authorization = f"Bearer {master_key}".encode()
        self.models = {
            Operation.CHAT: chat_models,
            Operation.RESPONSES_CREATE: chat_models,
            Operation.EMBEDDINGS: embedding_models,
            Operation.MODELS_GET: chat_models | embedding_models,
        }

    def _is_platform_admin(self, scope: Scope) -> bool:
        expected = self.admin_authorization
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                return hmac.compare_digest(value, expected)
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        own = path.startswith(OWN_PREFIXES) or path in OWN_PATHS
        if not own and self._is_platform_admin(scope):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            # No tenant route is a websocket (realtime sessions act on the provider account).
            await send({"type": "websocket.close", "code": 1008})
            return
        try:
            if own:
                receive = await self._checked_own_body(scope, receive)
                await self.app(scope, receive, send)
                return
            method = str(scope["method"])
            if method == "OPTIONS" and any(tenant_route(m, path) for m in ("GET", "POST")):
                await self.app(scope, receive, send)  # a browser's CORS preflight
                return
            route = tenant_route(method, path)
            if route is None:
                raise Refusal(404, "not_found", f"Unknown route: {scope['method']} {path}.")
            if route.model is not None:
                self._check_model(route.operation, route.model)
            # In place, not a copy: routing writes the matched route into this very scope,
            # where the request span (proxy/gateway/tracing.py) reads it afterwards.
            scope["headers"] = [
                (name, value)
                for name, value in scope["headers"]
                if not steering_header(name.decode("latin-1").lower())
            ]
            if route.operation in ALLOWED_FIELDS:
                raw = await read_body(receive, MAX_GATEWAY_BODY_BYTES)
                body, litellm_reads_it_so = _parse(raw, required=True)
                if not isinstance(body, dict):
                    raise Refusal(400, "bad_request", "The request body must be a JSON object.")
                field = refused_field(route.operation, body)
                if field is not None:
                    raise Refusal(
                        422, "validation_error", f"'{field}' cannot be set by API clients.", field
                    )
                self._check_model(route.operation, body.get("model"))
                receive = replay(raw, receive)
                if litellm_reads_it_so:
                    # LiteLLM takes a request's body from its own cache of what it parsed
                    # (scope["parsed_body"]) when there is one: parsed once, not twice.
                    scope[LITELLM_PARSED_BODY] = (tuple(body), body)
        except Refusal as refusal:
            await refuse(send, refusal)
            return
        await self.app(scope, receive, tenant_send(send))

    def _check_model(self, operation: Operation, model: object) -> None:
        served = self.models[operation]
        if operation is Operation.EMBEDDINGS and not served:
            raise Refusal(
                400, "embeddings_unavailable", "No embedding model is configured on this gateway."
            )
        if not isinstance(model, str) or model not in served:
            names = ", ".join(sorted(served))
            raise Refusal(
                404,
                "model_not_found",
                f"The model `{model}` does not exist or you do not have access to it "
                f"(models: {names}).",
                "model",
            )

    async def _checked_own_body(self, scope: Scope, receive: Receive) -> Receive:
        if "\x00" in scope["path"] or b"%00" in scope.get("query_string", b""):
            raise Refusal(422, "validation_error", "Text may not contain NUL characters.")
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            return receive
        raw = await read_body(receive, MAX_ADMIN_BODY_BYTES)
        parsed = parse_body(raw, required=False)
        if holds_nul(parsed):
            raise Refusal(422, "validation_error", "Text may not contain NUL characters.")
        return replay(raw, receive)
