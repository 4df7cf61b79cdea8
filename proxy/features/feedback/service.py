"""Answer feedback rules: one vote per person per answer, for an agent of the same tenant."""

from uuid import UUID

from sqlalchemy.exc import IntegrityError

from proxy.core.errors import Invalid
from proxy.core.runtime import Runtime
from proxy.features.feedback.repository import FeedbackRepository
from proxy.features.feedback.schemas import AgentFeedback, FeedbackIn


async def record_vote(runtime: Runtime, tenant_id: UUID, body: FeedbackIn) -> None:
    try:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            await FeedbackRepository(conn).upsert(tenant_id=tenant_id, **body.model_dump())
    except IntegrityError as exc:
        raise Invalid("agent_id must name an agent of this tenant.") from exc


async def per_agent(runtime: Runtime, tenant_id: UUID) -> list[AgentFeedback]:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        rows = await FeedbackRepository(conn).per_agent()
    return [AgentFeedback.model_validate(row) for row in rows]
