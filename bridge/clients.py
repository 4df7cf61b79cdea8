"""One bridge process's long-lived clients: Redis, the proxy's internal API, one aiohttp
session for every Slack Web API client (one client per bot token), the workspace cache and
its listener for the proxy's change signal.

Built once per process and used for every event: a job no longer pays for new connections,
TLS handshakes or an empty cache. Every client belongs to the event loop it was built on
(the worker's loop thread, or uvicorn's loop in the web process).
"""

import asyncio
import contextlib
import logging
import time
from typing import Any, Final

import aiohttp
from redis.asyncio import Redis
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bridge.proxy_api import ProxyAPI
from bridge.settings import Settings
from bridge.workspaces import WorkspaceCache

log = logging.getLogger(__name__)

# Each 429 is waited out for its Retry-After inside the call (the job's timeout bounds the
# total): a storm then never makes RQ re-run the job at once, ahead of Slack's pause.
SLACK_RATE_LIMIT_RETRIES: Final = 10
# More distinct bot tokens than this in one process: the oldest clients are let go.
_MAX_SLACK_CLIENTS: Final = 1_000


class PacedWebClient(AsyncWebClient):
    """One bot token's client, shared by every job using the token. Slack limits a method per
    workspace, so a 429's Retry-After pauses that method for all of them, not only for the
    call that got it (which slack_sdk's retry handler waits out itself); until a call of the
    method works again, its calls go one at a time, so a storm is not met by a burst."""

    def __init__(self, **kwargs: Any) -> None:
        self.paused_until: dict[str, float] = {}
        self._storms: dict[str, asyncio.Lock] = {}
        super().__init__(**kwargs)

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:
        if api_method not in self.paused_until:
            return await super().api_call(api_method, **kwargs)
        async with self._storms.setdefault(api_method, asyncio.Lock()):
            wait = self.paused_until.get(api_method, 0.0) - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            answer = await super().api_call(api_method, **kwargs)
            if self.paused_until.get(api_method, 0.0) <= time.monotonic():
                # It worked with no new 429 on the way: the storm is over.
                self.paused_until.pop(api_method, None)
            return answer


class _SharedRateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """slack_sdk's 429 handler that also tells the client when the method may be called."""

    def __init__(self, paused_until: dict[str, float]) -> None:
        super().__init__(max_retry_count=SLACK_RATE_LIMIT_RETRIES)
        self._paused_until = paused_until

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is not None:
            values = {k.lower(): v for k, v in response.headers.items()}.get("retry-after")
            try:
                seconds = float(values[0]) if values else 1.0
            except ValueError:
                seconds = 1.0
            method = request.url.rstrip("/").rsplit("/", 1)[-1]
            until = time.monotonic() + seconds
            self._paused_until[method] = max(self._paused_until.get(method, 0.0), until)
        await super().prepare_for_next_attempt_async(
            state=state, request=request, response=response, error=error
        )


class Clients:
    """What one process keeps open; `aclose` on the same loop that built it."""

    def __init__(self, settings: Settings, redis: Redis, proxy_api: ProxyAPI) -> None:
        self.settings = settings
        self.redis = redis
        self.proxy_api = proxy_api
        self.workspaces = WorkspaceCache(proxy_api, settings)
        self._session: aiohttp.ClientSession | None = None
        self._slack: dict[str, AsyncWebClient] = {}
        self._listener: asyncio.Task[None] | None = None

    @classmethod
    def open(cls, settings: Settings, redis: Redis | None = None) -> "Clients":
        redis = redis or Redis.from_url(settings.redis_url, decode_responses=True)
        return cls(settings, redis, ProxyAPI(settings))

    def start_listening(self) -> None:
        """Follow the proxy's change signal (on the running loop) until `aclose`."""
        if self._listener is None:
            self._listener = asyncio.get_running_loop().create_task(
                self.workspaces.listen(self.redis), name="workspace-changes"
            )

    def slack(self, token: str) -> AsyncWebClient:
        """The Web API client of one bot token; all of them share one connection pool."""
        client = self._slack.get(token)
        if client is None:
            if self._session is None or self._session.closed:
                self._session = aiohttp.ClientSession(
                    timeout=aiohttp.ClientTimeout(total=30),
                    connector=aiohttp.TCPConnector(limit=200, keepalive_timeout=30),
                )
            if len(self._slack) >= _MAX_SLACK_CLIENTS:
                self._slack.pop(next(iter(self._slack)))
            client = PacedWebClient(
                token=token, base_url=self.settings.slack_api_url, session=self._session
            )
            client.retry_handlers = [
                AsyncConnectionErrorRetryHandler(),
                _SharedRateLimitRetry(client.paused_until),
            ]
            self._slack[token] = client
        return client

    def forget_token(self, token: str) -> None:
        """Slack refused the token for good: no client of this process uses it again."""
        self._slack.pop(token, None)

    async def aclose(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        if self._session is not None:
            await self._session.close()
        await self.proxy_api.aclose()
        await self.redis.aclose()
