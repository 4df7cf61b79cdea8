"""A tenant key reaches only the tenant surface, and cannot steer the provider call.

Judged by what the platform's provider account (a recording fake) received: a route or a
field that leaks shows up there, whatever status the tenant was given.
"""

import re
from typing import Any

import httpx
import openai
import pytest

from policies.tenant_surface import tenant_route
from tests.fakes.openai import OpenAIFake
from tests.security.conftest import PLATFORM_KEY, Surface
from tests.stack import TenantWorld

pytestmark = pytest.mark.e2e

HELLO = [{"role": "user", "content": "hello"}]
FAST_HELLO = {"model": "konstruct-fast", "messages": HELLO}
# Konstruct's own routes (their own auth, tested in test_abuse.py) and the API docs.
OWN = ("/admin/", "/internal/", "/swagger", "/healthz", "/openapi.json")


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "probe-1", path) if path != "/" else path


def client(surface: Surface, key: str) -> openai.OpenAI:
    return openai.OpenAI(api_key=key, base_url=f"{surface.proxy.url}/v1", max_retries=0)


def test_every_route_outside_the_tenant_surface_answers_404_and_reaches_no_provider(
    surface: Surface,
    platform: OpenAIFake,
    surface_a: TenantWorld,
    route_table: list[dict[str, str]],
) -> None:
    refused = 0
    with httpx.Client(base_url=surface.proxy.url, timeout=60) as http:
        for route in route_table:
            path = concrete(route["path"])
            if route["path"] == "/" or path.startswith(OWN):
                continue
            if route["kind"] == "mount":
                path = f"{path}/index.html"
            if route["kind"] == "http" and tenant_route(route["method"], path) is not None:
                continue
            for headers in ({"Authorization": f"Bearer {surface_a.key}"}, {}):
                response = http.request(
                    route["method"], path, headers=headers, json={"model": "konstruct-fast"}
                )
                assert response.status_code == 404, (route, response.status_code, response.text)
                if route["method"] == "HEAD":
                    continue  # answered without a body
                error = response.json()["error"]
                assert error["code"] == "not_found", (route, error)
                assert set(error) >= {"message", "type", "code"}
            refused += 1
    assert refused > 300, "the route table walk looks truncated"
    assert platform.requests == [], [(r.method, r.path) for r in platform.requests[:10]]


def test_account_wide_provider_routes_never_reach_the_platform_account(
    surface: Surface, platform: OpenAIFake, surface_a: TenantWorld
) -> None:
    probes = [
        ("GET", "/v1/files"),
        ("GET", "/v1/files/file-abc/content"),
        ("DELETE", "/v1/files/file-abc"),
        ("GET", "/v1/batches"),
        ("POST", "/v1/batches"),
        ("GET", "/v1/vector_stores"),
        ("POST", "/v1/vector_stores"),
        ("GET", "/v1/containers"),
        ("GET", "/openai/v1/organization/users"),
        ("POST", "/openai_passthrough/v1/fine_tuning/jobs"),
        ("POST", "/v1/images/generations"),
        ("POST", "/v1/completions"),
        ("POST", "/v1/chat/completions/"),
        ("GET", "/V1/models"),
    ]
    with httpx.Client(base_url=surface.proxy.url, timeout=60) as http:
        for method, path in probes:
            response = http.request(
                method,
                path,
                headers={"Authorization": f"Bearer {surface_a.key}"},
                json={"model": "konstruct-fast", "prompt": "hi"},
            )
            assert response.status_code == 404, (path, response.status_code)
    assert platform.requests == []


def test_the_platform_admin_still_reaches_litellm_management(surface: Surface) -> None:
    response = httpx.get(
        f"{surface.proxy.url}/router/settings",
        headers={"Authorization": f"Bearer {surface.proxy.master_key}"},
        timeout=60,
    )
    assert response.status_code == 200, response.text


def test_websocket_routes_are_closed_for_tenants(surface: Surface, surface_a: TenantWorld) -> None:
    handshake = {
        "Authorization": f"Bearer {surface_a.key}",
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    }
    for path in ("/v1/realtime?model=konstruct-fast", "/v1/responses"):
        response = httpx.get(f"{surface.proxy.url}{path}", headers=handshake, timeout=30)
        assert response.status_code in (403, 404), (path, response.status_code)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("extra_headers", {"OpenAI-Organization": "org-other"}),
        ("headers", {"OpenAI-Project": "proj-other"}),
        ("num_retries", 20),
        ("max_retries", 20),
        ("timeout", 600),
        ("request_timeout", 600),
        ("stream_timeout", 600),
        ("api_type", "azure"),
        ("deployment_id", "gpt-4o"),
        ("api_base", "http://169.254.169.254"),
        ("base_url", "http://169.254.169.254"),
        ("api_key", "sk-mine"),
        ("api_version", "2024-01-01"),
        ("mock_response", "free answer"),
        ("user_config", {"model_list": []}),
        ("fallbacks", ["gpt-4o"]),
        ("cooldown_time", 0),
        ("litellm_credential_name", "x"),
        ("metadata", {"konstruct_tenant_id": "someone-else"}),
        ("metadata", {"user_api_key_team_id": "x"}),
        ("metadata", {"tags": "premium"}),
        ("metadata", {"disable_fallbacks": "true"}),
    ],
)
def test_body_fields_that_steer_the_provider_call_are_refused(
    surface: Surface, platform: OpenAIFake, surface_a: TenantWorld, field: str, value: object
) -> None:
    with pytest.raises(openai.UnprocessableEntityError) as caught:
        client(surface, surface_a.key).chat.completions.create(
            model="konstruct-fast", messages=HELLO, extra_body={field: value}
        )
    assert caught.value.body["code"] == "validation_error"
    assert field in caught.value.body["message"]
    assert platform.requests == []


def test_steering_request_headers_never_reach_the_provider(
    surface: Surface, platform: OpenAIFake, surface_a: TenantWorld
) -> None:
    steering = {
        "OpenAI-Organization": "org-someone-else",
        "OpenAI-Project": "proj-someone-else",
        "x-litellm-num-retries": "20",
        "x-litellm-timeout": "600",
        "anthropic-beta": "files-api-2025-04-14",
        "api-key": "sk-mine",
    }
    reply = client(surface, surface_a.key).chat.completions.create(
        model="konstruct-fast", messages=HELLO, extra_headers=steering
    )
    assert reply.choices[0].message.content
    calls = platform.model_calls()
    assert len(calls) == 1
    received = calls[0].headers
    assert received["authorization"] == f"Bearer {PLATFORM_KEY}"
    for name, value in steering.items():
        assert name.lower() not in received, name
        if len(value) > 3:  # short values ("20") occur in ordinary headers too
            assert all(value not in seen for seen in received.values()), name


def test_a_failing_provider_call_is_tried_once_whatever_the_tenant_asks(
    surface: Surface, platform: OpenAIFake, surface_a: TenantWorld
) -> None:
    platform.configure(fail_status=400, fail_times=None)
    with pytest.raises(openai.BadRequestError):
        client(surface, surface_a.key).chat.completions.create(
            model="konstruct-fast", messages=HELLO, extra_headers={"x-litellm-num-retries": "20"}
        )
    assert len(platform.model_calls()) == 1


def test_what_a_tenant_receives_names_no_internal_address_provider_header_or_key_hash(
    surface: Surface, platform: OpenAIFake, surface_a: TenantWorld
) -> None:
    fake_host = platform.url.split("//", 1)[1]
    with httpx.Client(base_url=surface.proxy.url, timeout=60) as http:
        auth = {"Authorization": f"Bearer {surface_a.key}"}
        answered = http.post("/v1/chat/completions", headers=auth, json=FAST_HELLO)
        streamed = http.post(
            "/v1/chat/completions",
            headers=auth,
            json={"model": "konstruct-fast", "messages": HELLO, "stream": True},
        )
        platform.configure(fail_status=400, fail_times=None)
        failed = http.post("/v1/chat/completions", headers=auth, json=FAST_HELLO)
    assert answered.status_code == 200
    assert streamed.status_code == 200
    assert failed.status_code >= 400
    for response in (answered, streamed, failed):
        for name, value in response.headers.items():
            assert not name.lower().startswith(("llm_provider-", "x-ratelimit-")), name
            assert name.lower() != "x-litellm-model-api-base"
            assert fake_host not in value, (name, value)
    assert answered.headers["x-litellm-model-id"] == "fast-openai"
    assert fake_host not in failed.text
    assert set(failed.json()["error"]) >= {"message", "type", "code"}


def test_a_rate_limited_tenant_is_told_so_without_its_key_hash(
    surface: Surface, platform: OpenAIFake, surface_a: TenantWorld
) -> None:
    with surface.proxy.admin() as admin:
        limited = admin.post(
            f"/admin/tenants/{surface_a.id}/keys", json={"name": "rpm1", "rpm_limit": 1}
        ).json()
    statuses: list[int] = []
    bodies: list[dict[str, Any]] = []
    for _ in range(3):
        response = httpx.post(
            f"{surface.proxy.url}/v1/chat/completions",
            headers={"Authorization": f"Bearer {limited['secret']}"},
            json={"model": "konstruct-fast", "messages": HELLO},
            timeout=60,
        )
        statuses.append(response.status_code)
        bodies.append(response.json())
    assert 429 in statuses, statuses
    throttled = bodies[statuses.index(429)]
    assert throttled["error"]["code"] == "rate_limited"
    assert not re.search(r"[0-9a-f]{64}", str(throttled)), throttled


def test_models_list_and_retrieve_answer_like_openai(
    surface: Surface, platform: OpenAIFake, surface_a: TenantWorld
) -> None:
    models = client(surface, surface_a.key).models
    listed = sorted(model.id for model in models.list())
    assert listed == ["konstruct-fast", "konstruct-quality"]
    assert models.retrieve("konstruct-fast").id == "konstruct-fast"
    with pytest.raises(openai.NotFoundError) as caught:
        models.retrieve("gpt-4o")
    assert caught.value.body["code"] == "model_not_found"
    assert platform.requests == []


def test_an_unknown_model_is_404_model_not_found_without_a_provider_call(
    surface: Surface, platform: OpenAIFake, surface_a: TenantWorld
) -> None:
    for model in ("gpt-4o", "openai/gpt-4o", "fast-openai"):
        with pytest.raises(openai.NotFoundError) as caught:
            client(surface, surface_a.key).chat.completions.create(model=model, messages=HELLO)
        assert caught.value.body["code"] == "model_not_found", caught.value.body
    assert platform.requests == []


def test_embeddings_without_an_embedding_model_are_refused_at_once(
    surface: Surface, platform: OpenAIFake, surface_a: TenantWorld
) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client(surface, surface_a.key).embeddings.create(model="konstruct-fast", input="hi")
    assert "embedding" in caught.value.body["message"].lower()
    assert platform.requests == []


def test_one_tenants_failing_calls_do_not_cool_the_shared_deployment_down(
    surface: Surface, platform: OpenAIFake, surface_a: TenantWorld, surface_b: TenantWorld
) -> None:
    for status in (404, 400):
        platform.configure(fail_status=status, fail_times=10)
        for _ in range(10):
            with pytest.raises(openai.APIStatusError):
                client(surface, surface_a.key).chat.completions.create(
                    model="konstruct-fast", messages=HELLO
                )
        reply = client(surface, surface_b.key).chat.completions.create(
            model="konstruct-fast", messages=HELLO
        )
        assert reply.choices[0].message.content, status
