"""`GET /healthz`: Postgres and Redis reachable; never calls a model provider."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from proxy.core.runtime import Runtime

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness and readiness: Postgres and Redis reachable")
async def healthz(request: Request) -> JSONResponse:
    runtime: Runtime = request.app.state.konstruct
    checks: dict[str, str] = {}
    try:
        async with runtime.db.platform_transaction() as conn:
            await conn.execute(text("select 1"))
        checks["postgres"] = "ok"
    except Exception as exc:  # any failure means not ready; say which kind, never secrets
        checks["postgres"] = f"error: {exc.__class__.__name__}"
    try:
        await runtime.redis.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if healthy else "degraded", "checks": checks},
        status_code=200 if healthy else 503,
    )
