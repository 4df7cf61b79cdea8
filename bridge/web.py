"""The bridge's web process: Slack events and interactions in (verified by bolt, deduped,
enqueued, acked) and bolt's OAuth install."""

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import uvicorn
from redis import Redis as SyncRedis
from redis.asyncio import Redis
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.retry import Retry
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bridge import install
from bridge.clients import Clients
from bridge.settings import Settings, get_settings
from bridge.slack_app import build_app
from bridge.tracing import WEB_SERVICE
from bridge.tracing import configure as configure_tracing
from bridge.verification import (
    MAX_BODY_BYTES,
    parse_interaction,
    parse_payload,
    timestamp_is_numeric,
)
from policies.tls import uvicorn_options

log = logging.getLogger(__name__)

# A failed Redis must answer quickly (and 5xx), well inside Slack's three seconds.
# Fail fast when Redis is down, so Slack gets its 5xx (and retries) well inside 3 s.
_REDIS_CONNECT_TIMEOUT = 1.0
_REDIS_TIMEOUT = 2.0


@dataclass(frozen=True)
class Services:
    settings: Settings
    clients: Clients
    sync_redis: SyncRedis
    slack: AsyncSlackRequestHandler


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def _rejection(request: Request, *, interaction: bool) -> Response | None:
    """The answer for input bolt would answer 500 on, else None (bolt verifies the rest).
    Never echoes the body."""
    length = request.headers.get("content-length", "0")
    if not length.isdigit():
        return PlainTextResponse("malformed request", status_code=400)
    if int(length) > MAX_BODY_BYTES:
        return PlainTextResponse("request too large", status_code=413)
    if not timestamp_is_numeric(request.headers):
        return PlainTextResponse("invalid request", status_code=401)
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return PlainTextResponse("request too large", status_code=413)
    if interaction:
        # Bolt reads a body labelled JSON as JSON, whatever it holds: a form would be a 500.
        labelled_json = request.headers.get("content-type", "").startswith("application/json")
        if labelled_json or parse_interaction(body) is None:
            return PlainTextResponse("malformed payload", status_code=400)
        return None
    payload = parse_payload(body)
    if payload is None:
        return PlainTextResponse("malformed payload", status_code=400)
    if payload["type"] == "app_rate_limited":
        log.warning("Slack is rate limiting events for team %s", payload.get("team_id"))
        return PlainTextResponse("", status_code=200)
    return None


async def slack_events(request: Request) -> Response:
    rejection = await _rejection(request, interaction=False)
    return rejection or await _services(request).slack.handle(request)


async def slack_interactivity(request: Request) -> Response:
    rejection = await _rejection(request, interaction=True)
    return rejection or await _services(request).slack.handle(request)


async def slack_oauth(request: Request) -> Response:
    """The install and redirect paths: bolt's OAuth flow answers both."""
    services = _services(request)
    if services.slack.app.oauth_flow is None:
        page = install.not_configured()
        return Response(page.body, status_code=page.status, headers=page.first_headers())
    return await services.slack.handle(request)


async def healthz(request: Request) -> Response:
    try:
        await _services(request).clients.redis.ping()
    except RedisError:
        return JSONResponse({"status": "unavailable", "redis": False}, status_code=503)
    return JSONResponse({"status": "ok", "redis": True})


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # A pooled connection that died with a Redis restart is retried once on a fresh one,
        # so the first event after the restart is not answered 500 for nothing.
        redis = Redis.from_url(
            settings.redis_url,
            decode_responses=True,
            socket_connect_timeout=_REDIS_CONNECT_TIMEOUT,
            socket_timeout=_REDIS_TIMEOUT,
            retry=AsyncRetry(NoBackoff(), 1),
            retry_on_error=[RedisConnectionError],
        )
        sync_redis = SyncRedis.from_url(
            settings.redis_url,
            socket_connect_timeout=_REDIS_CONNECT_TIMEOUT,
            socket_timeout=_REDIS_TIMEOUT,
            retry=Retry(NoBackoff(), 1),
            retry_on_error=[RedisConnectionError],
        )
        clients = Clients.open(settings, redis)
        clients.start_listening()
        bolt = build_app(clients, sync_redis)
        app.state.services = Services(settings, clients, sync_redis, AsyncSlackRequestHandler(bolt))
        try:
            yield
        finally:
            await clients.aclose()
            sync_redis.close()

    return Starlette(
        routes=[
            Route("/slack/events", slack_events, methods=["POST"]),
            Route("/slack/interactivity", slack_interactivity, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route(install.INSTALL_PATH, slack_oauth, methods=["GET"]),
            Route(install.REDIRECT_PATH, slack_oauth, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def main() -> None:
    settings = get_settings()
    configure_tracing(WEB_SERVICE, settings)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # Request lines carry URLs with one-time OAuth states and thread ids; failures are logged
    # by our own code without them.
    for noisy in ("httpx", "httpx2"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # uvicorn's access log holds no bodies, but its query strings would show OAuth codes.
    uvicorn.run(
        create_app(settings),
        host=settings.bridge_host,
        port=settings.bridge_port,
        access_log=False,
        **uvicorn_options(settings.konstruct_tls_cert_file, settings.konstruct_tls_key_file),
    )


if __name__ == "__main__":
    main()
