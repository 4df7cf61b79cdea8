"""A business's own HTTP API, as a tenant registers it as an HTTP tool: checks a secret header.

Every route but ``/public`` demands ``<key_header>: <required_key>`` (default
``X-Api-Key: http-tool-secret-key``) and answers 401 ``{"error": "invalid api key"}``
otherwise, as an API gateway would. Every request is recorded (refused ones too).

Routes:

- ``GET /orders/<id>`` → ``{"order_id": id, "status": "shipped", "query": {...}}``;
- ``POST /refunds`` → ``{"refunded": <amount>, "order_id": ..., "received": <body>}``;
- ``GET /echo-key`` → 500 with a body that quotes the key it received (a careless upstream);
- ``GET /redirect`` → 302 to ``redirect_to`` (default ``/orders/A-1`` on this server);
- ``GET /big`` → ``big_size`` characters of text;
- ``GET /public`` → ``ok``, no key needed.

Knobs (besides the base ones: ``fail_status``, ``fail_times``, ``delay_seconds``):
``required_key``, ``key_header``, ``redirect_to``, ``big_size``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from tests.fakes.base import (
    FakeServer,
    Recorded,
    Response,
    json_response,
    run_standalone,
    text_response,
)

DEFAULT_KEY = "http-tool-secret-key"


class HttpToolFake(FakeServer):
    name: ClassVar[str] = "http_tool_server"
    KNOBS: ClassVar[dict[str, Any]] = {
        "required_key": DEFAULT_KEY,
        "key_header": "X-Api-Key",
        "redirect_to": "/orders/A-1",
        "big_size": 100_000,
    }

    required_key: str
    key_header: str
    redirect_to: str
    big_size: int

    def handle(self, rec: Recorded) -> Response:
        self.wait_delay()
        status = self.consume_failure()
        if status is not None:
            return json_response({"error": "scripted failure"}, status=status)
        if rec.path == "/public":
            return text_response("ok")
        if rec.header(self.key_header) != self.required_key:
            return json_response({"error": "invalid api key"}, status=401)
        if rec.method == "GET" and rec.path.startswith("/orders/"):
            order_id = rec.path.removeprefix("/orders/")
            return json_response({"order_id": order_id, "status": "shipped", "query": rec.query})
        if rec.method == "POST" and rec.path == "/refunds":
            body = rec.json if isinstance(rec.json, dict) else {}
            return json_response(
                {"refunded": body.get("amount"), "order_id": body.get("order_id"), "received": body}
            )
        if rec.path == "/echo-key":
            return text_response(f"upstream rejected key {rec.header(self.key_header)}", 500)
        if rec.path == "/redirect":
            return Response(status=302, headers={"Location": self.redirect_to})
        if rec.path == "/big":
            return text_response("x" * int(self.big_size))
        return json_response({"error": f"no route {rec.method} {rec.path}"}, status=404)

    def paths(self) -> list[str]:
        return [rec.path for rec in self.requests]


if __name__ == "__main__":
    run_standalone(HttpToolFake)
