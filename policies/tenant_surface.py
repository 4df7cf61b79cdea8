"""The tenant surface: the gateway routes a tenant key may reach and the request fields it may set.

Every tenant shares the platform's provider accounts, so anything of LiteLLM's a tenant can
reach that acts on provider-side objects (files, batches, vector stores, pass-through…) acts
on every tenant's objects. The surface is therefore an allowlist: the routes Konstruct
supports end to end, and for each the body fields of its OpenAI counterpart. Everything else
is refused before LiteLLM sees the request (see proxy/tenant_surface.py).
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class Operation(StrEnum):
    CHAT = "chat"
    RESPONSES_CREATE = "responses.create"
    RESPONSES_GET = "responses.retrieve"
    RESPONSES_DELETE = "responses.delete"
    RESPONSES_CANCEL = "responses.cancel"
    RESPONSES_INPUT_ITEMS = "responses.input_items"
    EMBEDDINGS = "embeddings"
    MODELS_LIST = "models.list"
    MODELS_GET = "models.retrieve"


_ID: Final = r"(?P<id>[A-Za-z0-9_\-=.]{1,512})"
_ROUTES: Final[tuple[tuple[str, str, Operation], ...]] = (
    ("POST", r"/chat/completions", Operation.CHAT),
    ("POST", r"/responses", Operation.RESPONSES_CREATE),
    ("GET", rf"/responses/{_ID}", Operation.RESPONSES_GET),
    ("DELETE", rf"/responses/{_ID}", Operation.RESPONSES_DELETE),
    ("POST", rf"/responses/{_ID}/cancel", Operation.RESPONSES_CANCEL),
    ("GET", rf"/responses/{_ID}/input_items", Operation.RESPONSES_INPUT_ITEMS),
    ("POST", r"/embeddings", Operation.EMBEDDINGS),
    ("GET", r"/models", Operation.MODELS_LIST),
    ("GET", r"/models/(?P<model>[A-Za-z0-9_\-.:]{1,128})", Operation.MODELS_GET),
)
# Each route with and without OpenAI's `/v1` prefix, as the SDKs send either.
_COMPILED: Final = tuple(
    (method, re.compile(rf"(?:/v1)?{pattern}"), operation) for method, pattern, operation in _ROUTES
)


# The same surface as LiteLLM's `allowed_routes` (exact paths, and paths below them).
LITELLM_ALLOWED_ROUTES: Final = tuple(
    f"{prefix}{path}"
    for prefix in ("/v1", "")
    for path in ("/chat/completions", "/responses", "/embeddings", "/models")
)


@dataclass(frozen=True)
class TenantRoute:
    operation: Operation
    response_id: str | None = None
    model: str | None = None


def tenant_route(method: str, path: str) -> TenantRoute | None:
    """The operation a tenant request asks for, or None: not part of the tenant surface."""
    for allowed_method, pattern, operation in _COMPILED:
        if method != allowed_method:
            continue
        match = pattern.fullmatch(path)
        if match is not None:
            found = match.groupdict()
            return TenantRoute(operation, response_id=found.get("id"), model=found.get("model"))
    return None


# OpenAI's documented request fields per operation (Chat Completions, Responses, Embeddings API
# references). A field outside these is refused: LiteLLM reads many non-OpenAI fields as
# instructions for the provider call (extra_headers, num_retries, timeout, api_type,
# deployment_id, …), and a new LiteLLM release can add more.
_CHAT_FIELDS: Final = frozenset(
    {
        "model", "messages", "audio", "frequency_penalty", "function_call", "functions",
        "logit_bias", "logprobs", "max_completion_tokens", "max_tokens", "metadata",
        "modalities", "n", "parallel_tool_calls", "prediction", "presence_penalty",
        "prompt_cache_key", "prompt_cache_retention", "reasoning_effort", "response_format",
        "safety_identifier", "seed", "service_tier", "stop", "store", "stream",
        "stream_options", "temperature", "tool_choice", "tools", "top_logprobs", "top_p",
        "user", "verbosity", "web_search_options",
    }
)  # fmt: skip
_RESPONSES_FIELDS: Final = frozenset(
    {
        "model", "input", "instructions", "background", "include", "max_output_tokens",
        "max_tool_calls", "metadata", "parallel_tool_calls", "previous_response_id", "prompt",
        "prompt_cache_key", "prompt_cache_retention", "reasoning", "safety_identifier",
        "service_tier", "store", "stream", "stream_options", "temperature", "text",
        "tool_choice", "tools", "top_logprobs", "top_p", "truncation", "user",
    }
)  # fmt: skip
_EMBEDDINGS_FIELDS: Final = frozenset({"model", "input", "dimensions", "encoding_format", "user"})
ALLOWED_FIELDS: Final = {
    Operation.CHAT: _CHAT_FIELDS,
    Operation.RESPONSES_CREATE: _RESPONSES_FIELDS,
    Operation.EMBEDDINGS: _EMBEDDINGS_FIELDS,
}
# Metadata is echoed to the caller by OpenAI; LiteLLM also reads some keys of it as routing
# and logging instructions, and ours start with these prefixes.
RESERVED_METADATA_PREFIXES: Final = ("konstruct_", "user_api_key", "litellm", "model_", "tags")
RESERVED_METADATA_KEYS: Final = frozenset(
    {"disable_fallbacks", "deployment", "fallbacks", "guardrails", "mock_response", "headers"}
)


def refused_field(operation: Operation, body: dict[str, object]) -> str | None:
    """The first body field (or `metadata.<key>`) a tenant may not set, else None."""
    allowed = ALLOWED_FIELDS.get(operation)
    if allowed is None:
        return None
    for field in sorted(body):
        if field not in allowed:
            return field
    metadata = body.get("metadata")
    if metadata is not None:
        if not isinstance(metadata, dict):
            return "metadata"
        for key, value in sorted(metadata.items()):
            text = str(key)
            reserved = text in RESERVED_METADATA_KEYS or text.startswith(RESERVED_METADATA_PREFIXES)
            if reserved or not isinstance(value, str):
                return f"metadata.{text}"
    return None


# Request headers that steer LiteLLM's call (x-litellm-timeout, x-litellm-num-retries, …) or
# that LiteLLM may forward to a provider on the platform's account (OpenAI-Organization,
# OpenAI-Project, anthropic-beta, alternative key headers). SDKs send some of them from their
# own configuration, so they are dropped from the request rather than refused.
STEERING_HEADER_PREFIXES: Final = ("x-litellm-", "openai-", "anthropic-")
STEERING_HEADERS: Final = frozenset({"api-key", "x-api-key", "x-goog-api-key", "api-version"})


def steering_header(name: str) -> bool:
    """Whether a request header (lower-cased) is dropped before LiteLLM reads the request."""
    return name in STEERING_HEADERS or name.startswith(STEERING_HEADER_PREFIXES)


# Response headers a tenant may see from LiteLLM: which deployment answered, fallbacks and
# timings. Everything else LiteLLM adds (x-litellm-model-api-base, key spend and limits,
# `llm_provider-*` copies of the provider's headers, the platform account's x-ratelimit-*) is
# about the platform, not the tenant.
VISIBLE_LITELLM_HEADERS: Final = frozenset(
    {
        "x-litellm-call-id",
        "x-litellm-model-id",
        "x-litellm-model-group",
        "x-litellm-attempted-fallbacks",
        "x-litellm-attempted-retries",
        "x-litellm-overhead-duration-ms",
        "x-litellm-response-duration-ms",
    }
)
_HIDDEN_PREFIXES: Final = ("llm_provider-", "x-ratelimit-", "x-litellm-")


def visible_response_header(name: str) -> bool:
    """Whether a response header (lower-cased) may reach a tenant."""
    if name in VISIBLE_LITELLM_HEADERS:
        return True
    return not name.startswith(_HIDDEN_PREFIXES)


_URL: Final = re.compile(r"https?://[^\s'\"<>]+")
_HEX_DIGEST: Final = re.compile(r"\b[0-9a-f]{64}\b")


def scrub_error_message(message: str) -> str:
    """An error message as a tenant may read it: no internal addresses, no key hashes."""
    return _HEX_DIGEST.sub("<key>", _URL.sub("<provider>", message))
