"""A real MCP server (the `mcp` SDK, Streamable HTTP) that demands a credential and records.

`MCPFake` serves the SDK's own Streamable HTTP app with uvicorn on ``127.0.0.1`` (port 0 =
random), in a thread of the test process, so the proxy's MCP client speaks the real protocol
(discovery or the initialize handshake, sessions, SSE or JSON answers) to a real server.
In front of the app a small ASGI layer:

- refuses a request without ``Authorization: Bearer <required_token>`` (when set) or without
  each of ``required_headers`` with its exact value: 401 with a JSON body, as a real server
  behind an API gateway would;
- records every HTTP request it received (refused ones too) as :class:`Recorded`, with the
  JSON-RPC body, so a test can assert what reached the server, or that nothing did.

Tools (knobs change their behaviour):

- ``lookup_order(order_id)`` → ``"Order <id>: shipped, 2 items, total 42.50 EUR"``;
- ``refund_order(order_id, amount, card_pin)`` → ``"Refunded <amount> on order <id>"``
  (``card_pin`` is marked secret in its schema: ``writeOnly``);
- ``fail_order(order_id)`` always fails with a ToolError (the SDK answers ``isError: true``
  with its message).

Knobs: ``required_token`` (default ``"mcp-test-token"``; None = no auth), ``required_headers``
(name → value), ``tool_delay_seconds`` (every tool sleeps first), ``result_repeat`` (the
lookup's text repeated N times: a big result), ``fail_status`` (every request answers this
HTTP status before reaching the app).

``python -m tests.fakes.mcp_server --port 0 --ready-file PATH`` runs it standalone.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import json
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Annotated, Any, ClassVar, Self

import uvicorn
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from tests.fakes.base import Recorded

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_TOKEN = "mcp-test-token"
MCP_PATH = "/mcp"


class MCPFake:
    """The MCP server, its credential check and its record of what it received."""

    name: ClassVar[str] = "mcp_server"
    KNOBS: ClassVar[dict[str, Any]] = {
        "required_token": DEFAULT_TOKEN,
        "required_headers": {},
        "tool_delay_seconds": 0.0,
        "result_repeat": 1,
        "fail_status": None,
    }

    required_token: str | None
    required_headers: dict[str, str]
    tool_delay_seconds: float
    result_repeat: int
    fail_status: int | None

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **knobs: Any) -> None:
        self.host = host
        self._requested_port = port
        self._lock = threading.RLock()
        self._requests: list[Recorded] = []
        self._tool_calls: list[tuple[str, dict[str, Any]]] = []
        self._baseline = copy.deepcopy(knobs)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.reset()

    # ----------------------------------------------------------------- knobs and records
    def configure(self, **knobs: Any) -> Self:
        unknown = sorted(set(knobs) - set(self.KNOBS))
        if unknown:
            raise ValueError(f"unknown knob(s) for fake {self.name}: {', '.join(unknown)}")
        with self._lock:
            for key, value in knobs.items():
                setattr(self, key, copy.deepcopy(value))
        return self

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()
            self._tool_calls.clear()

    def reset(self) -> None:
        self.clear()
        with self._lock:
            for key, default in self.KNOBS.items():
                setattr(self, key, copy.deepcopy(default))
            self.configure(**self._baseline)

    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    @property
    def tool_calls(self) -> list[tuple[str, dict[str, Any]]]:
        """(tool name, arguments) of every tool the server ran, in order."""
        with self._lock:
            return list(self._tool_calls)

    def rpc_methods(self) -> list[str]:
        """The JSON-RPC method of every recorded request that carried one."""
        return [
            str(rec.json["method"])
            for rec in self.requests
            if isinstance(rec.json, dict) and "method" in rec.json
        ]

    # ----------------------------------------------------------------- the MCP server
    def _mcp(self) -> MCPServer:
        server = MCPServer("konstruct-fake-orders")
        fake = self

        async def ran(name: str, arguments: dict[str, Any]) -> None:
            with fake._lock:
                fake._tool_calls.append((name, arguments))
                delay = float(fake.tool_delay_seconds or 0)
            if delay > 0:
                await asyncio.sleep(delay)

        @server.tool(description="Look up an order by its id: status, items and total.")
        async def lookup_order(
            order_id: Annotated[str, Field(description="The order's id, e.g. A-1001")],
        ) -> str:
            await ran("lookup_order", {"order_id": order_id})
            line = f"Order {order_id}: shipped, 2 items, total 42.50 EUR"
            return "\n".join([line] * max(1, int(fake.result_repeat)))

        @server.tool(description="Refund part or all of an order to the customer's card.")
        async def refund_order(
            order_id: str,
            amount: float,
            card_pin: Annotated[str, Field(json_schema_extra={"writeOnly": True})],
        ) -> str:
            await ran(
                "refund_order", {"order_id": order_id, "amount": amount, "card_pin": card_pin}
            )
            return f"Refunded {amount:.2f} on order {order_id}"

        @server.tool(description="A tool that always fails.")
        async def fail_order(order_id: str) -> str:
            await ran("fail_order", {"order_id": order_id})
            raise ToolError(f"order system is down (order {order_id})")

        return server

    def _guard(self, app: ASGIApp) -> ASGIApp:
        fake = self

        async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            headers = {
                key.decode("latin-1").lower(): value.decode("latin-1")
                for key, value in scope.get("headers", [])
            }
            chunks: list[bytes] = []

            async def recording_receive() -> Message:
                message = await receive()
                if message["type"] == "http.request":
                    chunks.append(bytes(message.get("body", b"")))
                return message

            with fake._lock:
                token = fake.required_token
                required = dict(fake.required_headers)
                fail_status = fake.fail_status
            refused: tuple[int, dict[str, Any]] | None = None
            if fail_status is not None:
                refused = (int(fail_status), {"error": "scripted failure"})
            elif token is not None and headers.get("authorization") != f"Bearer {token}":
                refused = (401, {"error": "invalid_token"})
            elif any(headers.get(name.lower()) != value for name, value in required.items()):
                refused = (401, {"error": "missing or wrong header"})
            try:
                if refused is None:
                    await app(scope, recording_receive, send)
                else:
                    while True:  # read the body so it can be recorded
                        message = await recording_receive()
                        if not message.get("more_body"):
                            break
                    status, body = refused
                    payload = json.dumps(body).encode()
                    await send(
                        {
                            "type": "http.response.start",
                            "status": status,
                            "headers": [(b"content-type", b"application/json")],
                        }
                    )
                    await send({"type": "http.response.body", "body": payload})
            finally:
                body_bytes = b"".join(chunks)
                parsed: Any = None
                with contextlib.suppress(ValueError):
                    parsed = json.loads(body_bytes) if body_bytes else None
                query = scope.get("query_string", b"").decode()
                rec = Recorded(
                    method=scope["method"],
                    path=scope["path"],
                    query=dict(p.split("=", 1) for p in query.split("&") if "=" in p),
                    headers=headers,
                    body_bytes=body_bytes,
                    json=parsed,
                    form=None,
                    time=time.time(),
                )
                with fake._lock:
                    fake._requests.append(rec)

        return guarded

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> Self:
        if self._server is not None:
            return self
        app = self._mcp().streamable_http_app(streamable_http_path=MCP_PATH, host=self.host)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._requested_port))
        config = uvicorn.Config(
            self._guard(app), log_level="warning", lifespan="on", access_log=False
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="fake-mcp", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the fake MCP server did not start")
            time.sleep(0.01)
        self._server, self._thread, self._socket = server, thread, sock
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._socket is None:
            raise RuntimeError("fake mcp_server is not started")
        return int(self._socket.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def mcp_url(self) -> str:
        """The Streamable HTTP endpoint to register."""
        return self.url + MCP_PATH


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fakes.mcp_server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ready-file")
    parser.add_argument("--script", help="initial knobs as a JSON object")
    args = parser.parse_args(argv)
    fake = MCPFake(host=args.host, port=args.port, **json.loads(args.script or "{}"))
    done = threading.Event()

    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    with fake:
        if args.ready_file:
            target = Path(args.ready_file)
            tmp = target.with_name(target.name + ".tmp")
            tmp.write_text(str(fake.port))
            os.replace(tmp, target)
        sys.stdout.write(f"fake-mcp_server listening on {fake.mcp_url}\n")
        sys.stdout.flush()
        while not done.wait(0.5):
            pass


if __name__ == "__main__":
    main()
