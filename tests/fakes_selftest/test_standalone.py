"""The fakes as separate processes: ``python -m tests.fakes.<kind> --ready-file``."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import openai
import pytest
from slack_sdk import WebClient

from tests.fakes.base import RemoteFake, spawn_standalone

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def test_ready_file_and_sigterm(tmp_path: Path) -> None:
    ready = tmp_path / "port"
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.ollama", "--port", "0", "--ready-file", str(ready)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        while not ready.exists():
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else b""
            assert time.monotonic() - started < 15
            time.sleep(0.02)
        port = int(ready.read_text())
        assert port > 0
        assert httpx.get(f"http://127.0.0.1:{port}/").text == "Ollama is running"
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
        if proc.stderr is not None:
            assert b"Traceback" not in proc.stderr.read()
            proc.stderr.close()


def test_openai_standalone_control_endpoints(tmp_path: Path) -> None:
    with spawn_standalone("openai", tmp_path, script={"prompt_tokens": 3}) as proc:
        remote = RemoteFake(proc.url)
        assert remote.knobs()["prompt_tokens"] == 3
        knobs = remote.configure(reply_text="from another process", completion_tokens=2)
        assert knobs["reply_text"] == "from another process"

        client = openai.OpenAI(base_url=f"{proc.url}/v1", api_key="sk-remote", max_retries=0)
        resp = client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
        )
        assert resp.choices[0].message.content == "from another process"
        assert resp.usage is not None
        assert (resp.usage.prompt_tokens, resp.usage.completion_tokens) == (3, 2)

        (rec,) = remote.requests  # control calls are not recorded
        assert rec.path == "/v1/chat/completions"
        assert rec.bearer == "sk-remote"
        assert rec.json["model"] == "gpt-4o-mini"

        remote.configure(fail_status=503, fail_times=1)
        with pytest.raises(openai.InternalServerError):
            client.chat.completions.create(
                model="gpt-4o", messages=[{"role": "user", "content": "x"}]
            )
        remote.clear()
        assert remote.requests == []
        remote.reset()
        assert remote.knobs()["reply_text"] is None

        bad = httpx.post(f"{proc.url}/_fake/script", json={"no_such_knob": 1})
        assert bad.status_code == 400


@pytest.mark.parametrize("kind", ["anthropic", "ollama"])
def test_provider_standalone_starts(kind: str, tmp_path: Path) -> None:
    with spawn_standalone(kind, tmp_path) as proc:
        remote = RemoteFake(proc.url)
        remote.configure(fail_status=500)
        anthropic = kind == "anthropic"
        path = "/v1/messages" if anthropic else "/api/chat"
        model = "claude-sonnet-4-5" if anthropic else "llama3"
        resp = httpx.post(
            f"{proc.url}{path}",
            headers={"anthropic-version": "2023-06-01", "x-api-key": "k"},
            json={"model": model, "max_tokens": 5, "messages": [], "stream": False},
        )
        assert resp.status_code == 500
        assert [r.path for r in remote.requests] == [path]


def test_slack_standalone(tmp_path: Path) -> None:
    script = {"oauth_codes": {"c1": {"team_id": "T1", "team_name": "One"}}}
    with spawn_standalone("slack", tmp_path, script=script) as proc:
        oauth = WebClient(base_url=f"{proc.url}/api/").oauth_v2_access(
            client_id="x", client_secret="y", code="c1"
        )
        client = WebClient(token=oauth["access_token"], base_url=f"{proc.url}/api/")
        seeded = httpx.post(
            f"{proc.url}/_fake/message",
            json={"channel": "C1", "text": "question", "team_id": "T1"},
        )
        assert seeded.json()["ok"] is True
        posted = client.chat_postMessage(channel="C1", thread_ts="1700000000.000001", text="one")
        client.chat_update(channel="C1", ts=posted["ts"], text="final")
        remote = RemoteFake(proc.url)
        calls = remote.get("calls")
        assert [c["method"] for c in calls] == [
            "oauth.v2.access",
            "chat.postMessage",
            "chat.update",
        ]
        assert calls[1]["team_id"] == "T1"
        thread = httpx.get(
            f"{proc.url}/_fake/thread",
            params={"channel": "C1", "thread_ts": "1700000000.000001"},
        ).json()
        assert [m["text"] for m in thread] == ["final"]
        remote.configure(invalid_tokens=[oauth["access_token"]], disabled_methods=["chat.update"])
        assert remote.knobs()["disabled_methods"] == ["chat.update"]
        resp = httpx.post(
            f"{proc.url}/api/auth.test",
            headers={"Authorization": f"Bearer {oauth['access_token']}"},
        )
        assert resp.json() == {"ok": False, "error": "invalid_auth"}
