"""Custom auth: a tenant key becomes a LiteLLM identity carrying the tenant's limits.

Referenced from litellm_config.yaml as `general_settings.custom_auth`. LiteLLM calls it
for every request (the master key too); its rate limiter then enforces the rpm/tpm set
here, and our budget check answers 402 before any provider is called.
"""

import hmac
import logging
from datetime import UTC, datetime

from fastapi import Request
from litellm.proxy._types import LitellmUserRoles, ProxyException, UserAPIKeyAuth
from opentelemetry import trace

from plugins.contracts import services
from policies.error_codes import STATUS_TYPES
from policies.limits import MODEL_TIER_GROUPS, BudgetState, budget_state
from policies.tenant_keys import hash_key
from policies.tenant_surface import LITELLM_ALLOWED_ROUTES
from telemetry.tracing import TENANT_ID

log = logging.getLogger("konstruct.auth")
ALLOWED_MODEL_GROUPS = sorted(MODEL_TIER_GROUPS.values())


def _reject(status: int, code: str, message: str) -> ProxyException:
    return ProxyException(
        message=message, type=STATUS_TYPES[status], param=None, code=status, openai_code=code
    )


async def user_api_key_auth(request: Request, api_key: str) -> UserAPIKeyAuth:  # noqa: ARG001
    try:
        return await _authenticate(api_key)
    except ProxyException:
        raise
    except Exception as exc:  # LiteLLM would turn anything else into a misleading 500/401
        log.exception("tenant key check failed")
        raise ProxyException(
            message="Konstruct could not check this key right now; try again shortly.",
            type="api_error",
            param=None,
            code=503,
            openai_code="unavailable",
        ) from exc


async def _authenticate(api_key: str) -> UserAPIKeyAuth:
    gateway = services()
    if api_key and hmac.compare_digest(api_key.encode(), gateway.master_key.encode()):
        return UserAPIKeyAuth(api_key=hash_key(api_key), user_role=LitellmUserRoles.PROXY_ADMIN)
    if not api_key:
        raise _reject(401, "unauthorized", "Missing API key: send 'Authorization: Bearer <key>'.")
    key_hash = hash_key(api_key)
    grant = await gateway.grant_for(key_hash)
    if grant is None or grant.revoked:
        raise _reject(401, "unauthorized", "Invalid or revoked API key.")
    trace.get_current_span().set_attribute(TENANT_ID, str(grant.tenant_id))
    if grant.expires_at is not None and grant.expires_at <= datetime.now(UTC):
        raise _reject(401, "unauthorized", "This API key has expired.")
    if grant.tenant_status != "active":
        raise _reject(403, "forbidden", "This tenant is suspended; contact your administrator.")
    state = BudgetState.OK
    if grant.monthly_budget_usd is not None:
        spent = await gateway.spent_this_month(grant.tenant_id)
        state = budget_state(
            float(spent), float(grant.monthly_budget_usd), float(grant.degrade_at_share)
        )
        if state is BudgetState.EXHAUSTED:
            raise _reject(
                402,
                "budget_exhausted",
                "This team's monthly AI budget is used up; an administrator can raise it.",
            )
    return UserAPIKeyAuth(
        api_key=key_hash,
        token=key_hash,
        user_role=LitellmUserRoles.INTERNAL_USER,
        rpm_limit=grant.rpm_limit,
        tpm_limit=grant.tpm_limit,
        models=ALLOWED_MODEL_GROUPS,
        # The firewall (plugins/firewall.py) routes only the tenant surface; LiteLLM's own
        # route check holds the same line should anything reach it.
        allowed_routes=list(LITELLM_ALLOWED_ROUTES),
        metadata={
            "konstruct_tenant_id": str(grant.tenant_id),
            "konstruct_key_id": str(grant.key_id),
            "konstruct_budget_state": state.value,
        },
    )
