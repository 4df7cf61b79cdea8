"""Fake OpenTelemetry collector: OTLP/HTTP ``POST /v1/traces``, recording every span.

Speaks the real wire format: a protobuf ``ExportTraceServiceRequest`` (``application/
x-protobuf``, gzip if ``Content-Encoding: gzip``; JSON-encoded OTLP is accepted too),
answered with a protobuf ``ExportTraceServiceResponse``. Point an exporter at
``OTEL_EXPORTER_OTLP_ENDPOINT=fake.url`` (or ``…_TRACES_ENDPOINT=fake.traces_url``).

Run standalone: ``python -m tests.fakes.otlp --port 0 --ready-file PATH``.
"""

from __future__ import annotations

import gzip
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue

from tests.fakes.base import FakeServer, Recorded, Response, json_response, run_standalone

TRACES_PATH = "/v1/traces"
PROTOBUF = "application/x-protobuf"
# opentelemetry.proto's Span.SpanKind numbers.
KINDS = {0: "unspecified", 1: "internal", 2: "server", 3: "client", 4: "producer", 5: "consumer"}


def _value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [_value(item) for item in value.array_value.values]
    if kind == "kvlist_value":
        return _attributes(value.kvlist_value.values)
    if kind is None:
        return None
    return getattr(value, kind)


def _attributes(pairs: Any) -> dict[str, Any]:
    items: list[KeyValue] = list(pairs)
    return {pair.key: _value(pair.value) for pair in items}


@dataclass(frozen=True)
class ReceivedSpan:
    """One span as the collector received it; ids in lower-case hex, times in epoch ns."""

    service: str
    scope: str
    trace_id: str
    span_id: str
    parent_span_id: str
    name: str
    kind: str
    start_ns: int
    end_ns: int
    attributes: dict[str, Any]
    resource: dict[str, Any]
    events: list[dict[str, Any]]
    status_code: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def decode(body: bytes, content_type: str) -> list[ReceivedSpan]:
    request = ExportTraceServiceRequest()
    if "json" in content_type:
        json_format.Parse(body.decode(), request)
    else:
        request.ParseFromString(body)
    spans: list[ReceivedSpan] = []
    for resource_spans in request.resource_spans:
        resource = _attributes(resource_spans.resource.attributes)
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                spans.append(
                    ReceivedSpan(
                        service=str(resource.get("service.name", "")),
                        scope=scope_spans.scope.name,
                        trace_id=span.trace_id.hex(),
                        span_id=span.span_id.hex(),
                        parent_span_id=span.parent_span_id.hex(),
                        name=span.name,
                        kind=KINDS.get(span.kind, str(span.kind)),
                        start_ns=span.start_time_unix_nano,
                        end_ns=span.end_time_unix_nano,
                        attributes=_attributes(span.attributes),
                        resource=resource,
                        events=[
                            {
                                "name": event.name,
                                "time_ns": event.time_unix_nano,
                                "attributes": _attributes(event.attributes),
                            }
                            for event in span.events
                        ],
                        status_code=span.status.code,
                    )
                )
    return spans


class OTLPFake(FakeServer):
    """Records spans; ``fail_status`` makes exports fail (503 is retried by the SDK)."""

    name: ClassVar[str] = "otlp"

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **knobs: Any) -> None:
        self._spans: list[ReceivedSpan] = []
        super().__init__(host=host, port=port, **knobs)

    @property
    def traces_url(self) -> str:
        return f"{self.url}{TRACES_PATH}"

    def clear(self) -> None:
        with self._lock:
            super().clear()
            self._spans.clear()

    @property
    def spans(self) -> list[ReceivedSpan]:
        with self._lock:
            return list(self._spans)

    def trace(self, trace_id: str) -> list[ReceivedSpan]:
        return [span for span in self.spans if span.trace_id == trace_id]

    def handle(self, rec: Recorded) -> Response:
        if rec.method != "POST" or rec.path != TRACES_PATH:
            return json_response({"error": f"no such endpoint {rec.method} {rec.path}"}, 404)
        status = self.consume_failure()
        if status is not None:
            return json_response({"error": "collector unavailable"}, status)
        self.wait_delay()
        body = rec.body_bytes
        if (rec.header("content-encoding") or "").lower() == "gzip":
            body = gzip.decompress(body)
        content_type = (rec.header("content-type") or PROTOBUF).lower()
        try:
            spans = decode(body, content_type)
        except Exception as exc:  # a malformed export is a client bug the test must see
            return json_response({"error": f"undecodable export: {exc!r}"}, 400)
        with self._lock:
            self._spans.extend(spans)
        if "json" in content_type:
            return json_response({})
        return Response(
            body=ExportTraceServiceResponse().SerializeToString(), content_type=PROTOBUF
        )

    def control_extra(self, action: str, rec: Recorded) -> Response | None:
        if action == "spans" and rec.method == "GET":
            return json_response([span.to_dict() for span in self.spans])
        return None


if __name__ == "__main__":
    run_standalone(OTLPFake)
