"""HTTP route for the Slack app's manifest (`/admin/slack-app`)."""

from fastapi import APIRouter

from proxy.features.api.deps import PrincipalDep, RuntimeDep
from proxy.features.slack_app import service
from proxy.features.slack_app.schemas import SlackApp

router = APIRouter(prefix="/admin", tags=["slack"])


@router.get(
    "/slack-app",
    response_model=SlackApp,
    summary="The Slack app's manifest for this deployment, its scopes and events",
)
async def slack_app(runtime: RuntimeDep, _: PrincipalDep) -> SlackApp:
    return service.slack_app(runtime)
