"""Tracing for every Konstruct process: OpenTelemetry spans exported over OTLP/HTTP when an
endpoint is configured, and OpenTelemetry's no-op tracer (nothing recorded, nothing sent)
when none is.

The provider is this module's, not OpenTelemetry's global one: libraries that trace on
their own once a global provider exists (FastAPI records raw URL paths, LiteLLM its
payloads) stay silent, so only spans built here, with attributes we chose, leave a
process.

Processes join one trace through W3C `traceparent` only: HTTP headers between processes,
the RQ job's meta between the bridge's web process and its worker. Baggage is never
propagated, so nothing but trace and span ids crosses a process boundary.
"""

import logging
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

log = logging.getLogger(__name__)

TRACEPARENT = "traceparent"
# A forked RQ job flushes its spans before it exits; a collector that does not answer must
# not hold the worker much longer than that.
FLUSH_TIMEOUT_MILLIS = 5_000

_W3C = TraceContextTextMapPropagator()
_NO_OP = trace.NoOpTracer()


@dataclass
class _State:
    provider: TracerProvider | None = None
    tracers: dict[str, Tracer] = field(default_factory=dict)


_state = _State()


def traces_url(endpoint: str, traces_endpoint: str) -> str | None:
    """Where spans go, as OTLP/HTTP defines it: the traces endpoint as given, else
    `{endpoint}/v1/traces`; None when neither is set."""
    if traces_endpoint:
        return traces_endpoint
    if endpoint:
        return f"{endpoint.rstrip('/')}/v1/traces"
    return None


def build_provider(service_name: str, url: str) -> TracerProvider:
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=url)))
    return provider


def configure_tracing(service_name: str, *, endpoint: str = "", traces_endpoint: str = "") -> bool:
    """Install this process's tracer provider; call once at process start, before forking.

    Without an endpoint nothing is installed: spans stay OpenTelemetry's non-recording
    no-ops and no exporter exists. Returns whether spans are exported.
    """
    if _state.provider is not None:
        return True
    url = traces_url(endpoint, traces_endpoint)
    if url is None:
        return False
    _state.provider = build_provider(service_name, url)
    log.info("exporting traces of %s over OTLP/HTTP", service_name)
    return True


def flush() -> None:
    """Export what is buffered now: a forked job process exits without running atexit."""
    if _state.provider is not None and not _state.provider.force_flush(FLUSH_TIMEOUT_MILLIS):
        log.warning("spans not exported within %d ms", FLUSH_TIMEOUT_MILLIS)


def tracer(name: str) -> Tracer:
    """This process's tracer for `name`; OpenTelemetry's no-op tracer when tracing is off."""
    if _state.provider is None:
        return _NO_OP
    found = _state.tracers.get(name)
    if found is None:
        found = _state.tracers[name] = _state.provider.get_tracer(name)
    return found


def inject(carrier: MutableMapping[str, str], context: Context | None = None) -> None:
    """Add the current (or the given) span's `traceparent` to `carrier`; nothing when no
    span is being recorded."""
    _W3C.inject(carrier, context=context)


def current_trace() -> dict[str, str]:
    """The current span as a W3C carrier (empty without a recorded span)."""
    carrier: dict[str, str] = {}
    inject(carrier)
    return carrier


def extract(carrier: Mapping[str, str]) -> Context:
    """The remote parent a `traceparent` in `carrier` names (an empty context without one)."""
    return _W3C.extract(carrier)


def epoch_nanos(moment: datetime | float | None) -> int | None:
    """A timestamp as OpenTelemetry wants it; LiteLLM hands out naive local datetimes."""
    if moment is None:
        return None
    seconds = moment.timestamp() if isinstance(moment, datetime) else float(moment)
    return int(seconds * 1_000_000_000)


# Span attributes every process uses for the same thing.
TENANT_ID = "konstruct.tenant.id"
AGENT_ID = "konstruct.agent.id"
