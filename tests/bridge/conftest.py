"""The bridge as real processes (web + RQ worker) against the real proxy and the Slack fake."""

import contextlib
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import redis as redis_lib
from rq import Queue, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import StartedJobRegistry

from bridge.queue import job_id_for
from tests.conftest import Services
from tests.fakes.slack import SlackFake
from tests.processes import ROOT, Process, free_port
from tests.stack import ProxyServer, TenantWorld, make_world

SIGNING_SECRET = "test-signing-secret-for-the-bridge"
CLIENT_ID = "1234.5678"
CLIENT_SECRET = "test-client-secret"
ENGAGEMENT_TTL = 3
AUTHORIZE_URL = "https://slack.test/oauth/v2/authorize"


def sign(body: bytes, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """The headers Slack sends: `v0=` HMAC-SHA256 of `v0:{ts}:{raw body}`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/json",
    }


def slack_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10].upper()}"


class WorkerProcess(Process):
    """`python -m bridge.worker`, ready once RQ lists it as a worker of the bridge queue."""

    def __init__(self, env: dict[str, str], redis_url: str, queue: str) -> None:
        super().__init__("bridge-worker", "bridge.worker", env, health_url="")
        self.redis_url = redis_url
        self.queue = queue

    def start(self, timeout: float = 60) -> "WorkerProcess":
        # Other suites may clear .run/ between our starts.
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", self.module],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        connection = redis_lib.Redis.from_url(self.redis_url)
        queue = Queue(self.queue, connection=connection)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited early; see {self.log_path}")
            if any(w.pid == self.proc.pid for w in Worker.all(queue=queue)):
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"worker not registered within {timeout}s; see {self.log_path}")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def terminate(self, timeout: float = 30) -> None:
        """SIGTERM, as a deploy stops it: running jobs finish or go back to the queue."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout)

    def kill(self) -> None:
        """SIGKILL the worker and its work horses (RQ puts each horse in a session of its own)."""
        assert self.proc is not None
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        os.killpg(self.proc.pid, signal.SIGKILL)
        for pid in children.split():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        self.proc.wait()


@dataclass
class Bridge:
    url: str
    queue_name: str
    redis: redis_lib.Redis
    proxy: ProxyServer
    worker: WorkerProcess

    @property
    def queue(self) -> Queue:
        return Queue(self.queue_name, connection=self.redis)

    def post(self, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
        return httpx.post(f"{self.url}/slack/events", content=body, headers=headers, timeout=30)

    def deliver(
        self,
        team_id: str,
        event: dict[str, Any],
        event_id: str | None = None,
        installed_team: str | None = None,
        enterprise_id: str | None = None,
        org_wide_install: str | None = None,
        **headers: str,
    ) -> tuple[httpx.Response, str]:
        """Send one Events API callback, signed as Slack signs it. `installed_team` (Slack
        Connect) is the installation in `authorizations` when it is not `team_id`'s. On
        Enterprise Grid the payload names the org (`enterprise_id`); an org-wide install's
        authorization names the org and no team (`team_id: null`): `org_wide_install` is
        that org's id."""
        event_id = event_id or slack_id("Ev")
        org_wide = org_wide_install is not None
        enterprise_id = org_wide_install or enterprise_id
        authorized = installed_team or team_id
        payload: dict[str, Any] = {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "api_app_id": "AFAKEAPP",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "is_ext_shared_channel": authorized != team_id,
            "authorizations": [
                {
                    "enterprise_id": enterprise_id,
                    "team_id": None if org_wide else authorized,
                    "user_id": "UBOT",
                    "is_bot": True,
                    "is_enterprise_install": org_wide,
                }
            ],
        }
        if enterprise_id:
            payload["enterprise_id"] = enterprise_id
        body = json.dumps(payload).encode()
        return self.post(body, {**sign(body), **headers}), event_id

    def interact(self, payload: dict[str, Any], **headers: str) -> httpx.Response:
        """Send a Block Kit interaction as Slack does: form-encoded `payload=<json>`, signed."""
        body = urlencode({"payload": json.dumps(payload)}).encode()
        signed = {**sign(body), "Content-Type": "application/x-www-form-urlencoded"}
        return httpx.post(
            f"{self.url}/slack/interactivity",
            content=body,
            headers={**signed, **headers},
            timeout=30,
        )

    def job(self, event_id: str) -> Job | None:
        try:
            return Job.fetch(job_id_for(event_id), connection=self.redis)
        except NoSuchJobError:
            return None

    @contextlib.contextmanager
    def worker_killed(self) -> Iterator[None]:
        """SIGKILL the worker mid-job; on leaving, requeue what it was running (what RQ's
        registry maintenance does once the dead worker's heartbeat lapses) and start a new
        worker."""
        self.worker.kill()
        try:
            yield
            StartedJobRegistry(self.queue_name, connection=self.redis).cleanup(
                timestamp=time.time() + 3600
            )
        finally:
            self.worker.start()

    def wait_job(self, event_id: str, timeout: float = 60) -> Any:
        """The job's result once it finished; fails if it failed or never ran."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.job(event_id)
            if job is not None:
                status = job.get_status()
                if status == "finished":
                    return job.return_value()
                if status == "failed":
                    raise AssertionError(f"job for {event_id} failed: {job.latest_result()}")
            time.sleep(0.05)
        raise AssertionError(f"job for {event_id} did not finish in {timeout}s")


def make_bridge_env(proxy: ProxyServer, redis_url: str, slack: SlackFake) -> dict[str, str]:
    """The environment of a bridge (web + worker) on a port and queue of its own."""
    port = free_port()
    return {
        "REDIS_URL": redis_url,
        "KONSTRUCT_PROXY_URL": proxy.url,
        "KONSTRUCT_BRIDGE_KEY": proxy.bridge_key,
        "KONSTRUCT_BRIDGE_URL": f"http://127.0.0.1:{port}",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_API_URL": slack.api_url,
        "SLACK_AUTHORIZE_URL": AUTHORIZE_URL,
        "BRIDGE_HOST": "127.0.0.1",
        "BRIDGE_PORT": str(port),
        "BRIDGE_QUEUE": f"bridge-test-{uuid.uuid4().hex[:8]}",
        "BRIDGE_ENGAGEMENT_TTL_SECONDS": str(ENGAGEMENT_TTL),
    }


@contextlib.contextmanager
def running_bridge(env: dict[str, str], redis_url: str, proxy: ProxyServer) -> Iterator[Bridge]:
    """The web process and an RQ worker started with `env`, stopped at the end."""
    url = env["KONSTRUCT_BRIDGE_URL"]
    web = Process("bridge-web", "bridge.web", env, f"{url}/healthz").start()
    worker = WorkerProcess(env, redis_url, env["BRIDGE_QUEUE"]).start()
    connection = redis_lib.Redis.from_url(redis_url)
    try:
        yield Bridge(url, env["BRIDGE_QUEUE"], connection, proxy, worker)
    finally:
        worker.stop()
        web.stop()
        connection.close()


@pytest.fixture(scope="session")
def bridge_env(
    proxy: ProxyServer, services: Services, fake_slack_session: SlackFake
) -> dict[str, str]:
    return make_bridge_env(proxy, services.redis_url, fake_slack_session)


@pytest.fixture(scope="session")
def bridge(bridge_env: dict[str, str], services: Services, proxy: ProxyServer) -> Iterator[Bridge]:
    with running_bridge(bridge_env, services.redis_url, proxy) as running:
        yield running


@dataclass(frozen=True)
class Connected:
    """A tenant (made through the admin API) with a Slack workspace connected to it."""

    world: TenantWorld
    team_id: str
    bot_user_id: str
    bot_token: str
    connection: dict[str, Any]

    @property
    def tenant_id(self) -> str:
        return self.world.id

    @property
    def agent_id(self) -> str:
        return str(self.world.agent["id"])


def connect(
    proxy: ProxyServer,
    name: str,
    limits: dict[str, Any] | None = None,
    **agent: Any,
) -> Connected:
    world = make_world(proxy, name, **agent)
    team_id, bot_user_id = slack_id("T"), slack_id("UB")
    bot_token = f"xoxb-{name.lower()}-{uuid.uuid4().hex}"
    # The proxy checks the token with Slack's auth.test: Slack must have issued it.
    assert proxy.slack is not None, "this proxy checks tokens with no fake Slack"
    proxy.slack.install_workspace(team_id, bot_token, bot_user_id)
    with proxy.admin() as admin:
        if limits is not None:
            put = admin.put(f"/admin/tenants/{world.id}/limits", json=limits)
            assert put.status_code == 200, put.text
        made = admin.post(
            f"/admin/tenants/{world.id}/slack-connections",
            json={
                "workspace_id": team_id,
                "workspace_name": f"{name} workspace",
                "bot_token": bot_token,
                "bot_user_id": bot_user_id,
                "default_agent_id": world.agent["id"],
            },
        )
        assert made.status_code == 201, made.text
    return Connected(world, team_id, bot_user_id, bot_token, made.json())


@pytest.fixture
def acme(proxy: ProxyServer) -> Connected:
    return connect(proxy, "Acme")


@pytest.fixture
def globex(proxy: ProxyServer) -> Connected:
    return connect(proxy, "Globex")
