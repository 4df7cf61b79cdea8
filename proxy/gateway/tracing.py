"""One server span per proxy request, continuing the caller's trace (W3C `traceparent`).

Installed only when tracing is configured. The span is current while LiteLLM, our routers
and our plugins run, so they add the tenant, agent and model group to it, and
plugins/tracing.py hangs the gateway and provider spans of a model call under it.
"""

from fastapi import FastAPI
from opentelemetry.trace import SpanKind, StatusCode
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from proxy.core.settings import Settings
from telemetry.tracing import TRACEPARENT, configure_tracing, extract, tracer

SERVICE_NAME = "konstruct-proxy"

# Polled by load balancers and `make up`: spans for them would drown the rest.
UNTRACED_PATHS = frozenset({"/healthz", "/health/liveliness", "/health/readiness"})


class RequestSpans:
    """Pure ASGI middleware, so the span is current in every task the request runs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in UNTRACED_PATHS:
            await self.app(scope, receive, send)
            return
        carrier = {
            key.decode("latin-1"): value.decode("latin-1")
            for key, value in scope["headers"]
            if key == TRACEPARENT.encode()
        }
        method = str(scope["method"])
        status = 0

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        # Named by the route template once routing is done: paths carry ids and one-time
        # OAuth states, so the raw path is never recorded.
        with tracer("konstruct.proxy").start_as_current_span(
            method,
            context=extract(carrier),
            kind=SpanKind.SERVER,
            attributes={"http.request.method": method},
        ) as span:
            try:
                await self.app(scope, receive, record_status)
            finally:
                route = getattr(scope.get("route"), "path", None)
                if isinstance(route, str):
                    span.update_name(f"{method} {route}")
                    span.set_attribute("http.route", route)
                if status:
                    span.set_attribute("http.response.status_code", status)
                if status >= 500:
                    span.set_status(StatusCode.ERROR)


def trace_requests(app: FastAPI, settings: Settings) -> None:
    """Export this worker's spans when an endpoint is set; uvicorn's workers are fresh
    processes that each import proxy.gateway.app, so each configures its own exporter."""
    if configure_tracing(
        SERVICE_NAME,
        endpoint=settings.otel_exporter_otlp_endpoint,
        traces_endpoint=settings.otel_exporter_otlp_traces_endpoint,
    ):
        app.add_middleware(RequestSpans)
