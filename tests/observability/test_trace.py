"""One Slack event, one trace: bridge web → RQ job → proxy → provider, in a real OTLP export.

The traced stack (proxy with two workers, bridge web, RQ worker) exports to the fake
collector in tests/fakes/otlp.py; the suite's default stack runs without an endpoint and
must send nothing anywhere.
"""

import socket
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from telemetry.tracing import configure_tracing, tracer, traces_url
from tests.bridge.conftest import (
    Bridge,
    connect,
    make_bridge_env,
    running_bridge,
    slack_id,
)
from tests.bridge.events import mention
from tests.conftest import SECRET_SHAPES, Services
from tests.fakes.anthropic import AnthropicFake
from tests.fakes.ollama import OllamaFake
from tests.fakes.otlp import OTLPFake, ReceivedSpan
from tests.fakes.slack import SlackFake
from tests.processes import Process, free_port
from tests.stack import ProxyServer

# These tests start their own proxy (30-60 s, more on a busy machine) before they run.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

WEB, WORKER, PROXY = "konstruct-bridge-web", "konstruct-bridge-worker", "konstruct-proxy"
# Exported within a tenth of a second instead of OpenTelemetry's default five.
FAST_EXPORT = {"OTEL_BSP_SCHEDULE_DELAY": "100"}
OUR_SCOPES = {"konstruct.bridge", "konstruct.proxy", "konstruct.gateway"}
# The OTLP/HTTP port an exporter uses when nobody configured one.
DEFAULT_OTLP_PORT = 4318


@pytest.fixture(scope="module")
def traced_proxy(
    proxy_env: dict[str, str], fake_otlp_session: OTLPFake, fake_slack_session: SlackFake
) -> Iterator[ProxyServer]:
    port = free_port()
    env = {
        **proxy_env,
        **FAST_EXPORT,
        "PROXY_PORT": str(port),
        # Each uvicorn worker is a process of its own, with its own exporter.
        "PROXY_WORKERS": "2",
        "OTEL_EXPORTER_OTLP_ENDPOINT": fake_otlp_session.url,
    }
    process = Process("proxy-traced", "proxy.serve", env, f"http://127.0.0.1:{port}/healthz")
    process.start()
    try:
        yield ProxyServer(
            f"http://127.0.0.1:{port}",
            proxy_env["KONSTRUCT_MASTER_KEY"],
            proxy_env["KONSTRUCT_BRIDGE_KEY"],
            process,
            fake_slack_session,
        )
    finally:
        process.stop()


@pytest.fixture(scope="module")
def traced_bridge(
    traced_proxy: ProxyServer,
    services: Services,
    fake_slack_session: SlackFake,
    fake_otlp_session: OTLPFake,
) -> Iterator[Bridge]:
    env = {
        **make_bridge_env(traced_proxy, services.redis_url, fake_slack_session),
        **FAST_EXPORT,
        # The full-URL form of the setting, as a collector behind a path would need.
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": fake_otlp_session.traces_url,
    }
    with running_bridge(env, services.redis_url, traced_proxy) as bridge:
        yield bridge


def _by_id(spans: list[ReceivedSpan]) -> dict[str, ReceivedSpan]:
    return {span.span_id: span for span in spans}


def _tree(spans: dict[str, ReceivedSpan]) -> str:
    """The trace as indented lines, for failure messages."""
    children: dict[str, list[ReceivedSpan]] = {}
    for span in sorted(spans.values(), key=lambda span: span.start_ns):
        parent = span.parent_span_id if span.parent_span_id in spans else ""
        children.setdefault(parent, []).append(span)
    lines: list[str] = []

    def walk(parent: str, depth: int) -> None:
        for span in children.get(parent, []):
            lines.append(f"{'  ' * depth}{span.service}: {span.name} [{span.kind}]")
            walk(span.span_id, depth + 1)

    walk("", 0)
    return "\n".join(lines)


def _strings(span: ReceivedSpan) -> list[str]:
    """Every text a span carries: its name, attribute and event values, resource."""
    values: list[Any] = [span.name, *span.attributes.values(), *span.resource.values()]
    for event in span.events:
        values += [event["name"], *event["attributes"].values()]
    return [str(value) for value in values]


def test_one_slack_event_is_one_trace_across_web_job_proxy_and_provider(
    traced_bridge: Bridge,
    traced_proxy: ProxyServer,
    fake_slack: SlackFake,
    fake_otlp: OTLPFake,
    fake_anthropic: AnthropicFake,
) -> None:
    # A quality-tier agent: konstruct-quality's first deployment is Anthropic, whose stream
    # reports usage and whose model has a price.
    conn = connect(traced_proxy, "Traced", model_tier="quality")
    fake_anthropic.configure(prompt_tokens=23, completion_tokens=9)
    words = "our alarm code is 4711-SECRET-TEXT, please remind me"
    channel = slack_id("C")
    event = mention(fake_slack, conn, channel, words)

    answer, event_id = traced_bridge.deliver(conn.team_id, event)
    assert answer.status_code == 200
    assert traced_bridge.wait_job(event_id) == "answered"

    def web_span() -> ReceivedSpan | None:
        found = [s for s in fake_otlp.spans if s.attributes.get("slack.event.id") == event_id]
        return next((s for s in found if s.service == WEB), None)

    root = fake_otlp.wait_for(web_span, timeout=30)

    def provider_span() -> ReceivedSpan | None:
        spans = _by_id(fake_otlp.trace(root.trace_id))
        found = next((s for s in spans.values() if s.service == PROXY and s.kind == "client"), None)
        # Each process exports in batches: wait until every span up to the root is in.
        span = found
        while span is not None and span.parent_span_id:
            span = spans.get(span.parent_span_id)
        return found if span == root else None

    provider = fake_otlp.wait_for(provider_span, timeout=30)
    spans = _by_id(fake_otlp.trace(root.trace_id))
    tree = _tree(spans)
    assert {span.service for span in spans.values()} == {WEB, WORKER, PROXY}, tree
    # Only our own spans: libraries that trace by themselves (FastAPI) record raw paths.
    assert {span.scope for span in spans.values()} == OUR_SCOPES, tree

    # provider ← gateway ← the proxy's request span ← the agent turn's request span (the
    # runtime calls its own /v1 over loopback) ← the job ← the accepted event (root)
    gateway = spans[provider.parent_span_id]
    request = spans[gateway.parent_span_id]
    turn = spans[request.parent_span_id]
    job = spans[turn.parent_span_id]
    assert spans[job.parent_span_id] == root, tree
    assert root.parent_span_id == ""
    assert [s.service for s in (root, job, turn, request, gateway, provider)] == [
        WEB,
        WORKER,
        PROXY,
        PROXY,
        PROXY,
        PROXY,
    ], tree
    assert (root.kind, job.kind, turn.kind, request.kind) == (
        "producer",
        "consumer",
        "server",
        "server",
    )
    assert turn.name == "POST /internal/tenants/{tenant_id}/agent-turns"
    assert request.name == "POST /v1/chat/completions"
    assert request.attributes["http.response.status_code"] == 200
    # Every span of the job's other proxy calls (internal API) hangs under the job too.
    for span in spans.values():
        if span.service == PROXY and span.kind == "server" and span is not request:
            assert span.parent_span_id == job.span_id, tree

    assert root.attributes == {
        "konstruct.tenant.id": conn.tenant_id,
        "slack.team.id": conn.team_id,
        "slack.event.id": event_id,
        "slack.event.type": "app_mention",
        "slack.channel.id": channel,
    }
    assert job.attributes["konstruct.tenant.id"] == conn.tenant_id
    assert job.attributes["konstruct.agent.id"] == conn.agent_id
    assert job.attributes["slack.channel.id"] == channel
    assert job.attributes["konstruct.job.outcome"] == "answered"
    assert request.attributes["konstruct.tenant.id"] == conn.tenant_id
    assert request.attributes["konstruct.agent.id"] == conn.agent_id
    assert request.attributes["konstruct.model_group"] == "konstruct-quality"

    usage = _usage(traced_proxy, conn.tenant_id)
    totals, [billed] = usage["totals"], usage["by_model"]
    assert gateway.attributes["konstruct.tenant.id"] == conn.tenant_id
    assert gateway.attributes["konstruct.agent.id"] == conn.agent_id
    assert gateway.attributes["konstruct.model_group"] == "konstruct-quality"
    assert gateway.attributes["konstruct.deployment"] == "quality-anthropic"
    assert gateway.attributes["gen_ai.usage.input_tokens"] == 23
    assert gateway.attributes["gen_ai.usage.output_tokens"] == 9
    assert gateway.attributes["konstruct.cost_usd"] > 0
    assert Decimal(str(gateway.attributes["konstruct.cost_usd"])).quantize(
        Decimal("1e-8")
    ) == Decimal(str(totals["cost_usd"]))
    assert (totals["prompt_tokens"], totals["completion_tokens"]) == (23, 9)
    assert provider.attributes["konstruct.deployment"] == "quality-anthropic"
    assert provider.attributes["gen_ai.provider.name"] == "anthropic"
    assert provider.attributes["gen_ai.request.model"] == billed["model"]
    assert "claude-sonnet-4-5" in billed["model"]
    assert provider.attributes["gen_ai.usage.input_tokens"] == 23
    assert provider.attributes["gen_ai.usage.output_tokens"] == 9
    # Timings come from LiteLLM: the provider call lies within the gateway's, within the request.
    assert request.start_ns <= gateway.start_ns <= provider.start_ns <= provider.end_ns
    assert provider.end_ns <= request.end_ns
    assert job.start_ns <= turn.start_ns <= request.start_ns
    assert request.end_ns <= turn.end_ns <= job.end_ns

    # No span of the run carries the person's words, the persona or any credential.
    for span in fake_otlp.spans:
        for value in _strings(span):
            assert "SECRET-TEXT" not in value, (span.name, value)
            assert "PERSONA-" not in value, (span.name, value)
            assert conn.bot_token not in value, (span.name, value)
            assert not SECRET_SHAPES.search(value), (span.name, value)


def _usage(proxy: ProxyServer, tenant_id: str) -> dict[str, Any]:
    """What the operator's usage page shows once the call's usage row is written (LiteLLM
    runs the usage logger after the stream, off the request; on a loaded machine, late)."""
    deadline = time.monotonic() + 60
    with proxy.admin() as admin:
        while True:
            answer = admin.get(f"/admin/tenants/{tenant_id}/usage")
            assert answer.status_code == 200, answer.text
            usage: dict[str, Any] = answer.json()
            if usage["totals"]["calls"]:
                return usage
            assert time.monotonic() < deadline, "no usage row for the answered call in 60 s"
            time.sleep(0.2)


def _default_port_collector() -> OTLPFake:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", DEFAULT_OTLP_PORT)) == 0:
            pytest.skip(f"port {DEFAULT_OTLP_PORT} is taken: cannot watch the default endpoint")
    return OTLPFake(port=DEFAULT_OTLP_PORT).start()


@pytest.fixture(scope="module")
def untraced_bridge(
    proxy: ProxyServer, services: Services, fake_slack_session: SlackFake
) -> Iterator[Bridge]:
    """A bridge as the suite runs it, in front of the suite's proxy: no OTLP setting."""
    env = make_bridge_env(proxy, services.redis_url, fake_slack_session)
    with running_bridge(env, services.redis_url, proxy) as bridge:
        yield bridge


def test_without_an_endpoint_nothing_is_recorded_or_sent(
    untraced_bridge: Bridge, fake_slack: SlackFake, fake_ollama: OllamaFake
) -> None:
    """Without an OTLP setting, a collector on OpenTelemetry's default port hears nothing
    from the proxy, the web process or the worker."""
    bridge = untraced_bridge
    collector = _default_port_collector()
    try:
        conn = connect(bridge.proxy, "Untraced")
        channel = slack_id("C")
        _, event_id = bridge.deliver(conn.team_id, mention(fake_slack, conn, channel, "hello"))
        assert bridge.wait_job(event_id) == "answered"
        assert fake_ollama.model_calls()
        # Longer than OpenTelemetry's default batch delay (5 s): anything buffered is sent.
        time.sleep(6)
        assert collector.requests == []
        assert collector.spans == []
    finally:
        collector.stop()


def test_configure_tracing_without_an_endpoint_installs_nothing() -> None:
    assert traces_url("", "") is None
    assert traces_url("http://collector:4318/", "") == "http://collector:4318/v1/traces"
    assert traces_url("http://a:4318", "http://b/x/v1/traces") == "http://b/x/v1/traces"
    assert configure_tracing("konstruct-test") is False
    with tracer("konstruct.test").start_as_current_span("nothing") as span:
        assert not span.is_recording()
        assert not span.get_span_context().is_valid
