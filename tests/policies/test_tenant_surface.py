"""The tenant surface's rules, without a server."""

import pytest

from policies.tenant_surface import (
    Operation,
    refused_field,
    scrub_error_message,
    steering_header,
    tenant_route,
    visible_response_header,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [
        ("POST", "/v1/chat/completions", Operation.CHAT),
        ("POST", "/chat/completions", Operation.CHAT),
        ("POST", "/v1/responses", Operation.RESPONSES_CREATE),
        ("GET", "/v1/responses/resp_abc", Operation.RESPONSES_GET),
        ("DELETE", "/responses/resp_abc", Operation.RESPONSES_DELETE),
        ("POST", "/v1/responses/resp_abc/cancel", Operation.RESPONSES_CANCEL),
        ("GET", "/v1/responses/resp_abc/input_items", Operation.RESPONSES_INPUT_ITEMS),
        ("GET", "/v1/models", Operation.MODELS_LIST),
        ("GET", "/v1/models/konstruct-fast", Operation.MODELS_GET),
        ("POST", "/v1/embeddings", Operation.EMBEDDINGS),
    ],
)
def test_the_surface_routes(method: str, path: str, operation: Operation) -> None:
    route = tenant_route(method, path)
    assert route is not None
    assert route.operation is operation


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/chat/completions"),
        ("POST", "/v1/chat/completions/"),
        ("POST", "/v2/chat/completions"),
        ("POST", "/openai/v1/chat/completions"),
        ("GET", "/v1/files"),
        ("POST", "/v1/completions"),
        ("GET", "/v1/responses/resp_a/other"),
        ("GET", "/v1/responses/a/../../files"),
        ("POST", "/v1/models"),
    ],
)
def test_everything_else_is_off_the_surface(method: str, path: str) -> None:
    assert tenant_route(method, path) is None


def test_only_openais_documented_fields_pass() -> None:
    chat = {"model": "m", "messages": [], "temperature": 0, "metadata": {"order": "42"}}
    assert refused_field(Operation.CHAT, chat) is None
    assert refused_field(Operation.CHAT, {**chat, "num_retries": 3}) == "num_retries"
    assert refused_field(Operation.CHAT, {**chat, "input": "x"}) == "input"
    assert refused_field(Operation.RESPONSES_CREATE, {"model": "m", "input": "x"}) is None
    assert refused_field(Operation.CHAT, {**chat, "metadata": {"tags": "a"}}) == "metadata.tags"
    assert refused_field(Operation.CHAT, {**chat, "metadata": {"n": 1}}) == "metadata.n"
    assert refused_field(Operation.CHAT, {**chat, "metadata": "x"}) == "metadata"


def test_steering_headers_and_platform_response_headers() -> None:
    assert steering_header("x-litellm-num-retries")
    assert steering_header("openai-organization")
    assert not steering_header("x-konstruct-agent")
    assert not steering_header("x-stainless-lang")
    assert visible_response_header("x-litellm-model-id")
    assert visible_response_header("content-type")
    assert not visible_response_header("x-litellm-model-api-base")
    assert not visible_response_header("llm_provider-openai-organization")
    assert not visible_response_header("x-ratelimit-remaining-requests")


def test_error_messages_lose_addresses_and_key_hashes() -> None:
    message = f"Connection to http://10.0.0.7:11434/api/chat failed for key {'ab' * 32}"
    assert scrub_error_message(message) == "Connection to <provider> failed for key <key>"
