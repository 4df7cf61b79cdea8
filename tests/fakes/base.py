"""Common machinery of the network-edge fakes: a tiny threaded HTTP server that records.

Every fake is a :class:`FakeServer` subclass that answers real wire formats on
``127.0.0.1`` (port 0 = random by default). It records every request it receives
(except its own ``/_fake/`` control calls) and exposes behaviour knobs that can be
set in-process (plain attributes, or :meth:`FakeServer.configure`) or over HTTP:

- ``GET  /_fake/requests`` recorded requests as JSON
- ``POST /_fake/clear``    forget recorded requests (and per-fake state)
- ``POST /_fake/reset``    clear and restore every knob to its default
- ``GET  /_fake/script``   current knobs as JSON
- ``POST /_fake/script``   set knobs from a JSON object, e.g. ``{"fail_status": 500}``

Standard library only, so a fake starts in milliseconds.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import copy
import json as jsonlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Self, TypeVar
from urllib.parse import parse_qs, urlsplit

CONTROL_PREFIX = "/_fake/"

T = TypeVar("T")


@dataclass(frozen=True)
class Recorded:
    """One HTTP request as the fake received it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body_bytes: bytes
    json: Any
    form: dict[str, str] | None
    time: float

    @property
    def text(self) -> str:
        return self.body_bytes.decode("utf-8", errors="replace")

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    @property
    def bearer(self) -> str | None:
        """The token of an ``Authorization: Bearer`` header, if any."""
        auth = self.headers.get("authorization", "")
        if auth[:7].lower() == "bearer ":
            return auth[7:].strip()
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "body": self.text,
            "json": self.json,
            "form": self.form,
            "time": self.time,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Recorded:
        return cls(
            method=str(data["method"]),
            path=str(data["path"]),
            query=dict(data.get("query") or {}),
            headers=dict(data.get("headers") or {}),
            body_bytes=str(data.get("body") or "").encode(),
            json=data.get("json"),
            form=data.get("form"),
            time=float(data.get("time") or 0.0),
        )


@dataclass
class Response:
    """What a fake answers. ``stream`` (if set) is sent with chunked transfer encoding."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    stream: Iterable[bytes] | None = None
    chunk_delay: float = 0.0
    # After the stream's last chunk, drop the connection instead of ending the body: what a
    # client sees when a provider dies mid-answer, `drop_after` seconds after that chunk.
    drop_connection: bool = False
    drop_after: float = 0.0


def json_response(
    obj: Any, status: int = 200, headers: Mapping[str, str] | None = None, content_type: str = ""
) -> Response:
    return Response(
        status=status,
        body=jsonlib.dumps(obj).encode(),
        content_type=content_type or "application/json",
        headers=dict(headers or {}),
    )


def text_response(text: str, status: int = 200, content_type: str = "text/plain") -> Response:
    return Response(
        status=status, body=text.encode(), content_type=f"{content_type}; charset=utf-8"
    )


def _first_values(pairs: Mapping[str, list[str]]) -> dict[str, str]:
    return {k: v[0] if v else "" for k, v in pairs.items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], fake: FakeServer) -> None:
        self.fake = fake
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60  # idle keep-alive connections are dropped after this long
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in two sends; with Nagle's algorithm the body would wait for
        # the client's delayed ACK of the headers (40 ms on Linux for a client such as Node's
        # fetch that does not ACK at once), a stall real providers do not have.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.fake._track(self.connection, add=True)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server.fake._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Silence the default stderr access log."""

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch(head=True)

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            parts: list[bytes] = []
            while True:
                size_line = self.rfile.readline().strip().split(b";")[0]
                size = int(size_line or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(parts)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self, head: bool = False) -> None:
        fake = self.server.fake
        split = urlsplit(self.path)
        path = split.path or "/"
        query = _first_values(parse_qs(split.query, keep_blank_values=True))
        body = self._read_body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        ctype = headers.get("content-type", "").lower()
        form: dict[str, str] | None = None
        parsed_json: Any = None
        if "application/x-www-form-urlencoded" in ctype:
            form = _first_values(parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True))
        elif body:
            with contextlib.suppress(ValueError):
                parsed_json = jsonlib.loads(body)
        rec = Recorded(
            method=self.command,
            path=path,
            query=query,
            headers=headers,
            body_bytes=body,
            json=parsed_json,
            form=form,
            time=time.time(),
        )
        try:
            if path.startswith(CONTROL_PREFIX):
                response = fake._control(rec)
            else:
                fake._record(rec)
                response = fake.handle(rec)
        except Exception as exc:  # a bug in a fake must show up as a 500, not a hang
            response = json_response({"fake_internal_error": repr(exc)}, status=500)
        self._write(response, head=head)

    def _write(self, response: Response, head: bool) -> None:
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            for name, value in response.headers.items():
                self.send_header(name, value)
            if response.stream is None:
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                if not head:
                    self.wfile.write(response.body)
                self.wfile.flush()
                return
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            self.wfile.flush()
            fake = self.server.fake
            first = True
            for chunk in response.stream:
                if (
                    not first
                    and response.chunk_delay > 0
                    and fake._stopping.wait(response.chunk_delay)
                ):
                    break
                first = False
                if not chunk or head:
                    continue
                self.wfile.write(f"{len(chunk):X}\r\n".encode() + chunk + b"\r\n")
                self.wfile.flush()
            if response.drop_connection:
                self.close_connection = True
                fake._stopping.wait(response.drop_after)
                with contextlib.suppress(OSError):  # the client may have gone meanwhile
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True


class FakeServer:
    """Base of every fake: start/stop, recording, knobs, control endpoints.

    Subclasses set ``name``, extend ``KNOBS`` (knob name -> default) and implement
    :meth:`handle`. Knobs are plain instance attributes. Knobs given to the constructor are
    this server's baseline: :meth:`reset` returns to them (e.g. the session fakes' required
    keys), not to the class defaults.
    """

    name: ClassVar[str] = "fake"
    KNOBS: ClassVar[dict[str, Any]] = {
        # HTTP status every counted call answers with (provider-shaped error body).
        "fail_status": None,
        # Only the next N counted calls fail, then normal again; None = always.
        "fail_times": None,
        # Seconds to wait before answering a counted call.
        "delay_seconds": 0.0,
    }

    fail_status: int | None
    fail_times: int | None
    delay_seconds: float

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **knobs: Any) -> None:
        self.host = host
        self._requested_port = port
        self._lock = threading.RLock()
        self._requests: list[Recorded] = []
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._baseline: dict[str, Any] = {}
        self._apply_defaults()
        self.configure(**knobs)
        self._baseline = copy.deepcopy(knobs)

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> Self:
        if self._httpd is not None:
            return self
        self._stopping.clear()
        self._httpd = _HTTPServer((self.host, self._requested_port), self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-{self.name}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd = self._httpd
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            conns = list(self._connections)
            self._connections.clear()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError(f"fake {self.name} is not started")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """Base URL without trailing slash, e.g. ``http://127.0.0.1:54321``."""
        return f"http://{self.host}:{self.port}"

    def _track(self, conn: socket.socket, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    # ----------------------------------------------------------------- recording
    def _record(self, rec: Recorded) -> None:
        with self._lock:
            self._requests.append(rec)

    @property
    def requests(self) -> list[Recorded]:
        """A snapshot of every request received so far (oldest first)."""
        with self._lock:
            return list(self._requests)

    def wait_for(
        self, predicate: Callable[[], T], timeout: float = 10.0, interval: float = 0.02
    ) -> T:
        """Poll ``predicate`` until it returns something truthy (returned) or time runs out.

        For asserting on work another thread or process does, e.g.
        ``fake.wait_for(lambda: len(fake.requests) >= 2)``.
        """
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise AssertionError(f"fake {self.name}: condition not met within {timeout}s")
            time.sleep(interval)

    def clear(self) -> None:
        """Forget recorded requests (subclasses also drop their per-run state)."""
        with self._lock:
            self._requests.clear()

    def reset(self) -> None:
        """``clear()`` and restore every knob to its baseline (constructor knobs, else default)."""
        with self._lock:
            self.clear()
            self._apply_defaults()

    # ----------------------------------------------------------------- knobs
    @classmethod
    def knob_defaults(cls) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            merged.update(vars(klass).get("KNOBS", {}))
        return merged

    def _apply_defaults(self) -> None:
        for name, default in self.knob_defaults().items():
            setattr(self, name, copy.deepcopy(default))
        for name, value in self._baseline.items():
            setattr(self, name, self.coerce_knob(name, copy.deepcopy(value)))

    def configure(self, **knobs: Any) -> Self:
        """Set knobs by name (unknown names raise ``ValueError``)."""
        defaults = self.knob_defaults()
        unknown = sorted(set(knobs) - set(defaults))
        if unknown:
            raise ValueError(f"unknown knob(s) for fake {self.name}: {', '.join(unknown)}")
        with self._lock:
            for name, value in knobs.items():
                setattr(self, name, self.coerce_knob(name, value))
        return self

    def coerce_knob(self, name: str, value: Any) -> Any:
        """Turn a JSON value into the knob's in-process type (override for sets etc.)."""
        del name
        return value

    def knobs(self) -> dict[str, Any]:
        with self._lock:
            return {name: _jsonable(getattr(self, name)) for name in self.knob_defaults()}

    def consume_failure(self) -> int | None:
        """For a counted call: the status it must fail with, or None (decrements fail_times)."""
        with self._lock:
            status = self.fail_status
            if status is None:
                return None
            if self.fail_times is None:
                return int(status)
            if self.fail_times > 0:
                self.fail_times -= 1
                return int(status)
            return None

    def wait_delay(self) -> None:
        delay = float(self.delay_seconds or 0)
        if delay > 0:
            self._stopping.wait(delay)

    # ----------------------------------------------------------------- control endpoints
    def _control(self, rec: Recorded) -> Response:
        action = rec.path[len(CONTROL_PREFIX) :].strip("/")
        if action == "requests" and rec.method == "GET":
            return json_response([r.to_dict() for r in self.requests])
        if action == "clear" and rec.method == "POST":
            self.clear()
            return json_response({"ok": True})
        if action == "reset" and rec.method == "POST":
            self.reset()
            return json_response({"ok": True})
        if action == "script" and rec.method == "GET":
            return json_response(self.knobs())
        if action == "script" and rec.method == "POST":
            data = rec.json if rec.json is not None else {}
            if not isinstance(data, dict):
                return json_response({"ok": False, "error": "script must be an object"}, 400)
            try:
                self.configure(**data)
            except (ValueError, TypeError) as exc:
                return json_response({"ok": False, "error": str(exc)}, 400)
            return json_response({"ok": True, "knobs": self.knobs()})
        extra = self.control_extra(action, rec)
        if extra is not None:
            return extra
        return json_response({"ok": False, "error": f"unknown control {rec.path}"}, 404)

    def control_extra(self, action: str, rec: Recorded) -> Response | None:
        """Subclass hook for additional ``/_fake/...`` endpoints."""
        del action, rec
        return None

    # ----------------------------------------------------------------- the wire
    def handle(self, rec: Recorded) -> Response:
        raise NotImplementedError


# --------------------------------------------------------------------- standalone mode
def run_standalone(cls: type[FakeServer], argv: list[str] | None = None) -> None:
    """``python -m tests.fakes.X --port 0 --ready-file PATH [--script JSON]``."""
    parser = argparse.ArgumentParser(prog=f"python -m tests.fakes.{cls.name}")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ready-file", help="write the listening port here once ready")
    parser.add_argument("--script", help="initial knobs as a JSON object")
    args = parser.parse_args(argv)
    knobs = jsonlib.loads(args.script) if args.script else {}
    fake = cls(host=args.host, port=args.port)
    fake.configure(**knobs)
    done = threading.Event()

    def _on_signal(signum: int, frame: Any) -> None:
        del signum, frame
        done.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    fake.start()
    if args.ready_file:
        target = Path(args.ready_file)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(str(fake.port))
        os.replace(tmp, target)
    sys.stdout.write(f"fake-{cls.name} listening on {fake.url}\n")
    sys.stdout.flush()
    try:
        while not done.wait(0.5):
            pass
    finally:
        fake.stop()


class RemoteFake:
    """Talks to a fake's ``/_fake/`` endpoints (for fakes running as separate processes)."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def _call(self, method: str, action: str, payload: Any = None) -> Any:
        data = None if payload is None else jsonlib.dumps(payload).encode()
        req = urllib.request.Request(  # noqa: S310 - local http URL only
            f"{self.url}{CONTROL_PREFIX}{action}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310
            return jsonlib.loads(resp.read() or b"null")

    @property
    def requests(self) -> list[Recorded]:
        return [Recorded.from_dict(d) for d in self._call("GET", "requests")]

    def clear(self) -> None:
        self._call("POST", "clear", {})

    def reset(self) -> None:
        self._call("POST", "reset", {})

    def configure(self, **knobs: Any) -> dict[str, Any]:
        return dict(self._call("POST", "script", knobs)["knobs"])

    def knobs(self) -> dict[str, Any]:
        return dict(self._call("GET", "script"))

    def get(self, action: str) -> Any:
        return self._call("GET", action)


@dataclass
class StandaloneFake:
    """A fake running as a child process (see :func:`spawn_standalone`)."""

    process: subprocess.Popen[bytes]
    port: int
    host: str = "127.0.0.1"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def remote(self) -> RemoteFake:
        return RemoteFake(self.url)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@contextlib.contextmanager
def spawn_standalone(
    kind: str,
    ready_dir: Path,
    script: Mapping[str, Any] | None = None,
    timeout: float = 15.0,
    cwd: Path | None = None,
) -> Iterator[StandaloneFake]:
    """Run ``python -m tests.fakes.<kind>`` and wait for its ready file."""
    ready = ready_dir / f"fake-{kind}-{os.getpid()}-{time.monotonic_ns()}.port"
    cmd = [sys.executable, "-m", f"tests.fakes.{kind}", "--port", "0", "--ready-file", str(ready)]
    if script:
        cmd += ["--script", jsonlib.dumps(dict(script))]
    root = cwd or Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    fake: StandaloneFake | None = None
    try:
        deadline = time.monotonic() + timeout
        while not ready.exists():
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise RuntimeError(f"fake {kind} exited early ({proc.returncode}): {err}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"fake {kind} not ready after {timeout}s")
            time.sleep(0.02)
        fake = StandaloneFake(process=proc, port=int(ready.read_text().strip()))
        yield fake
    finally:
        if fake is not None:
            fake.stop()
        elif proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
        if proc.stderr is not None:
            proc.stderr.close()
        with contextlib.suppress(FileNotFoundError):
            ready.unlink()


def basic_auth(rec: Recorded) -> tuple[str, str] | None:
    """(user, password) of an ``Authorization: Basic`` header, if any."""
    auth = rec.headers.get("authorization", "")
    if auth[:6].lower() != "basic ":
        return None
    try:
        user, _, password = base64.b64decode(auth[6:].strip()).decode().partition(":")
    except ValueError:
        return None
    return user, password
