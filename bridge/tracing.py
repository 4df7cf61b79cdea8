"""The bridge's spans: one per accepted Slack event (web process), one per job (worker).

The event's span goes to the worker as the `traceparent` in the RQ job's meta; the job's
span goes to the proxy as the `traceparent` header of every call it makes there. Spans
carry ids (tenant, team, event, channel, agent), never message text or tokens.
"""

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind
from rq import get_current_job

from bridge.settings import Settings
from telemetry.tracing import (
    AGENT_ID,
    TENANT_ID,
    TRACEPARENT,
    configure_tracing,
    current_trace,
    extract,
    flush,
    inject,
    tracer,
)

WEB_SERVICE = "konstruct-bridge-web"
WORKER_SERVICE = "konstruct-bridge-worker"
# Where the authorize step leaves the workspace's tenant for the event's span.
TENANT_CONTEXT_KEY = "konstruct_tenant_id"


def configure(service_name: str, settings: Settings) -> bool:
    return configure_tracing(
        service_name,
        endpoint=settings.otel_exporter_otlp_endpoint,
        traces_endpoint=settings.otel_exporter_otlp_traces_endpoint,
    )


def _event_attributes(team_id: str, event_id: str, event: Mapping[str, Any]) -> dict[str, str]:
    attributes = {
        "slack.team.id": team_id,
        "slack.event.id": event_id,
        "slack.event.type": event.get("type"),
        "slack.channel.id": event.get("channel"),
    }
    return {name: value for name, value in attributes.items() if isinstance(value, str)}


@contextlib.contextmanager
def accepted_event_span(
    team_id: str, event_id: str, event: Mapping[str, Any], tenant_id: object
) -> Iterator[Span]:
    """The web process's span for an event it hands to the worker (a trace starts here)."""
    attributes = _event_attributes(team_id, event_id, event)
    if tenant_id:
        attributes[TENANT_ID] = str(tenant_id)
    with tracer("konstruct.bridge").start_as_current_span(
        "slack event", kind=SpanKind.PRODUCER, attributes=attributes
    ) as span:
        yield span


def job_trace_meta() -> dict[str, str]:
    """What the job's meta carries so its span joins the event's trace."""
    return current_trace()


def job_carrier() -> dict[str, str]:
    """The accepted event's span, from the current RQ job's meta (in the job's thread)."""
    job = get_current_job()
    return {TRACEPARENT: str(job.meta[TRACEPARENT])} if job and TRACEPARENT in job.meta else {}


@contextlib.contextmanager
def job_span(
    team_id: str, event_id: str, event: Mapping[str, Any], carrier: Mapping[str, str]
) -> Iterator[Span]:
    """The job's span, child of the event's span (`carrier`, from `job_carrier`); entered
    on the worker's loop, where the job's calls are made."""
    with tracer("konstruct.bridge").start_as_current_span(
        "slack event job",
        context=extract(carrier),
        kind=SpanKind.CONSUMER,
        attributes=_event_attributes(team_id, event_id, event),
    ) as span:
        yield span


def export_now() -> None:
    """Export the job's spans as it ends, not seconds later in a batch."""
    flush()


def note_job(tenant_id: object, agent_id: object | None) -> None:
    """Name the job span's tenant and agent once the workspace is known."""
    span = trace.get_current_span()
    span.set_attribute(TENANT_ID, str(tenant_id))
    if agent_id is not None:
        span.set_attribute(AGENT_ID, str(agent_id))


async def send_traceparent(request: httpx.Request) -> None:
    """httpx request hook: the proxy's span of this call joins the current trace."""
    inject(request.headers)


def trace_headers() -> dict[str, str]:
    return current_trace()
