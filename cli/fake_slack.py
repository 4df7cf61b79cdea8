"""A tiny local Slack Web API for `konstruct slack simulate`: keeps what the agent posts.

It answers the methods the bridge's worker calls (`chat.postMessage`, `chat.update`,
`chat.delete`, the native stream `chat.startStream`/`appendStream`/`stopStream`,
`assistant.threads.setStatus`, `auth.test`) the way Slack does, at
`<url>/<method>` for any path prefix, so the bridge's SLACK_API_URL can point at it.
Standard library only; it is a stand-in for trying things out, not a test double.
"""

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

MAX_BODY_BYTES = 1_000_000


@dataclass
class Posted:
    """A message the agent posted, as it stands after later edits."""

    channel: str
    ts: str
    thread_ts: str | None
    text: str
    deleted: bool = False


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]


class FakeSlack:
    def __init__(self, host: str, port: int, on_call: Callable[[Call], None] | None = None) -> None:
        # Who auth.test says the token belongs to: the simulated workspace and its bot.
        self.team_id = "TSIMULATED"
        self.bot_user_id = "USIMBOT"
        self.messages: dict[str, Posted] = {}
        self.calls: list[Call] = []
        self.on_call = on_call
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._server = ThreadingHTTPServer((host, port), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeSlack":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def thread(self, channel: str, thread_ts: str) -> list[Posted]:
        """The agent's visible replies in a thread, oldest first."""
        with self._lock:
            return [
                m
                for m in self.messages.values()
                if m.channel == channel and m.thread_ts == thread_ts and not m.deleted
            ]

    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        call = Call(method, params)
        with self._lock:
            self.calls.append(call)
            answer = self._answer(method, params)
        if self.on_call is not None:
            self.on_call(call)
        return answer

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel") or params.get("channel_id") or "")
        # The bridge writes mrkdwn as `text`, or standard Markdown as `markdown_text`.
        text = str(params.get("markdown_text") or params.get("text") or "")
        if method in ("chat.postMessage", "chat.startStream"):
            ts = f"{int(time.time())}.{next(self._counter):06d}"
            thread_ts = params.get("thread_ts")
            self.messages[ts] = Posted(channel, ts, str(thread_ts) if thread_ts else None, text)
            message = {"type": "message", "text": text, "ts": ts, "bot_id": "BSIMULATED"}
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method in ("chat.update", "chat.delete", "chat.appendStream", "chat.stopStream"):
            found = self.messages.get(str(params.get("ts")))
            if found is None or found.deleted:
                return {"ok": False, "error": "message_not_found"}
            if method == "chat.delete":
                found.deleted = True
            elif method == "chat.update":
                found.text = text
            else:
                found.text += text
            return {"ok": True, "channel": channel, "ts": found.ts, "text": found.text}
        if method == "assistant.threads.setStatus":
            return {"ok": True}
        if method == "auth.test":
            return {
                "ok": True,
                "team_id": self.team_id,
                "team": "Simulated workspace",
                "user_id": self.bot_user_id,
                "bot_id": "BSIM",
            }
        return {"ok": False, "error": "unknown_method"}


def _params(handler: BaseHTTPRequestHandler, body: bytes) -> dict[str, Any]:
    params: dict[str, Any] = dict(parse_qsl(urlsplit(handler.path).query))
    kind = handler.headers.get("Content-Type", "")
    if body and "json" in kind:
        loaded = json.loads(body)
        if isinstance(loaded, dict):
            params.update(loaded)
    elif body:
        params.update(parse_qsl(body.decode(errors="replace")))
    return params


def _handler(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._serve(b"")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self._serve(self.rfile.read(min(length, MAX_BODY_BYTES)))

        def _serve(self, body: bytes) -> None:
            method = urlsplit(self.path).path.rstrip("/").rsplit("/", 1)[-1]
            try:
                answer = fake.answer(method, _params(self, body))
            except ValueError:
                answer = {"ok": False, "error": "invalid_json"}
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base's name)
            """Quiet: the simulation prints the calls itself."""

    return Handler
