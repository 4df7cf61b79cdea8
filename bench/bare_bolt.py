"""The slack_ack baseline: a bare slack-bolt AsyncApp that verifies and acks, nothing else.

Same signing secret and `process_before_response=True` as the bridge, an `app_mention`
listener that just returns, and a constant `authorize` (bolt needs one; the bridge's looks up
its Redis cache). Served by uvicorn the way `python -m bridge.web` serves the bridge:

    SLACK_SIGNING_SECRET=... python -m bench.bare_bolt --port 3101
"""

import argparse
import logging
import os
from typing import Any

import uvicorn
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

log = logging.getLogger(__name__)

BOT_TOKEN = "xoxb-bench-bare-bolt"
BOT_USER_ID = "UBENCHBOT"


def create_app(signing_secret: str) -> Starlette:
    async def authorize(team_id: Any, **_: Any) -> AuthorizeResult:
        return AuthorizeResult(
            enterprise_id=None, team_id=team_id, bot_token=BOT_TOKEN, bot_user_id=BOT_USER_ID
        )

    bolt = AsyncApp(
        signing_secret=signing_secret,
        authorize=authorize,
        process_before_response=True,
        raise_error_for_unhandled_request=False,
        logger=log,
    )

    @bolt.event("app_mention")
    async def mentioned() -> None:
        return None

    handler = AsyncSlackRequestHandler(bolt)

    async def slack_events(request: Request) -> Response:
        return await handler.handle(request)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/slack/events", slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bare_bolt", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    secret = os.environ.get("SLACK_SIGNING_SECRET", "")
    if not secret:
        raise SystemExit("bench.bare_bolt: SLACK_SIGNING_SECRET is not set")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    uvicorn.run(create_app(secret), host=args.host, port=args.port, access_log=False)


if __name__ == "__main__":
    main()
