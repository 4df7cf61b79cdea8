"""The bridge's web process: Slack events in (verified, deduped, enqueued, acked) and installs."""

import contextlib
import logging
import time
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
from bridge.proxy_api import ProxyAPI
from bridge.settings import Settings, get_settings
from bridge.slack_app import build_app
from bridge.tracing import WEB_SERVICE
from bridge.tracing import configure as configure_tracing
from bridge.verification import MAX_BODY_BYTES, check_signature, parse_payload
from policies.tls import uvicorn_options

log = logging.getLogger(__name__)

# A failed Redis must answer quickly (and 5xx), well inside Slack's three seconds.
# Fail fast when Redis is down, so Slack gets its 5xx (and retries) well inside 3 s.
_REDIS_CONNECT_TIMEOUT = 1.0
_REDIS_TIMEOUT = 2.0


@dataclass(frozen=True)
class Services:
    settings: Settings
    redis: Redis
    sync_redis: SyncRedis
    proxy_api: ProxyAPI
    slack: AsyncSlackRequestHandler


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def _rejection(request: Request, settings: Settings) -> Response | None:
    """The answer for a request that must not reach bolt, else None. Never echoes the body."""
    length = request.headers.get("content-length", "0")
    if not length.isdigit():
        return PlainTextResponse("malformed request", status_code=400)
    if int(length) > MAX_BODY_BYTES:
        return PlainTextResponse("request too large", status_code=413)
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return PlainTextResponse("request too large", status_code=413)
    secret = settings.slack_signing_secret.get_secret_value()
    rejected = check_signature(request.headers, body, secret, time.time())
    if rejected is not None:
        log.info("rejected a Slack request: %s", rejected.reason)
        return PlainTextResponse("invalid request", status_code=rejected.status)
    payload = parse_payload(body)
    if payload is None:
        return PlainTextResponse("malformed payload", status_code=400)
    if payload["type"] == "app_rate_limited":
        log.warning("Slack is rate limiting events for team %s", payload.get("team_id"))
        return PlainTextResponse("", status_code=200)
    return None


async def slack_events(request: Request) -> Response:
    services = _services(request)
    rejection = await _rejection(request, services.settings)
    return rejection or await services.slack.handle(request)


async def healthz(request: Request) -> Response:
    try:
        await _services(request).redis.ping()
    except RedisError:
        return JSONResponse({"status": "unavailable", "redis": False}, status_code=503)
    return JSONResponse({"status": "ok", "redis": True})


async def slack_install(request: Request) -> Response:
    services = _services(request)
    return await install.start_install(
        services.settings, services.redis, request.query_params.get("state")
    )


async def slack_oauth_redirect(request: Request) -> Response:
    services = _services(request)
    params = request.query_params
    return await install.finish_install(
        services.settings,
        services.proxy_api,
        code=params.get("code"),
        state=params.get("state"),
        error=params.get("error"),
    )


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
        proxy_api = ProxyAPI(settings)
        bolt = build_app(settings, redis, sync_redis, proxy_api)
        app.state.services = Services(
            settings, redis, sync_redis, proxy_api, AsyncSlackRequestHandler(bolt)
        )
        try:
            yield
        finally:
            await proxy_api.aclose()
            await redis.aclose()
            sync_redis.close()

    return Starlette(
        routes=[
            Route("/slack/events", slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/slack/install", slack_install, methods=["GET"]),
            Route(install.REDIRECT_PATH, slack_oauth_redirect, methods=["GET"]),
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
