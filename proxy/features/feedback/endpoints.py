"""HTTP routes for answer feedback: the bridge records (`/internal/...`), operators read the
counts per agent on the usage API (`/admin/tenants/{tenant_id}/usage/feedback`)."""

from fastapi import APIRouter, Response

from proxy.features.api.deps import BridgeDep, BridgeTenantDep, RuntimeDep, TenantIdDep
from proxy.features.api.schemas import Page
from proxy.features.feedback import service
from proxy.features.feedback.schemas import AgentFeedback, FeedbackIn

admin_router = APIRouter(prefix="/admin/tenants/{tenant_id}/usage", tags=["usage"])
internal_router = APIRouter(prefix="/internal", tags=["internal"], dependencies=[BridgeDep])


@admin_router.get(
    "/feedback",
    response_model=Page[AgentFeedback],
    summary="👍/👎 on answers in Slack, per agent",
)
async def get_feedback(runtime: RuntimeDep, tenant_id: TenantIdDep) -> Page[AgentFeedback]:
    return Page(items=await service.per_agent(runtime, tenant_id))


@internal_router.post(
    "/tenants/{tenant_id}/feedback",
    status_code=204,
    summary="Record a person's 👍/👎 on an answer (a later vote replaces it)",
)
async def post_feedback(
    runtime: RuntimeDep, tenant_id: BridgeTenantDep, body: FeedbackIn
) -> Response:
    await service.record_vote(runtime, tenant_id, body)
    return Response(status_code=204)
