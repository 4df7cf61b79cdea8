"""Operator rules: throttled login, short-lived tokens, server-side logout, scoped invites."""

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.exc import IntegrityError

from policies.redis_keys import login_throttle_key
from proxy.core.errors import Conflict, Forbidden, NotFound, TooManyRequests, Unauthorized
from proxy.core.principal import Principal
from proxy.core.runtime import Runtime
from proxy.features.audit.service import record
from proxy.features.operators.passwords import hash_password, verify_password
from proxy.features.operators.repository import OperatorRepository
from proxy.features.operators.schemas import LoginIn, LoginOut, Operator, OperatorCreate
from proxy.features.operators.tokens import issue_operator_token
from proxy.features.tenants.repository import TenantRepository

THROTTLE_WINDOW_SECONDS = 60


async def _throttle(runtime: Runtime, subjects: list[tuple[str, int]]) -> None:
    for subject, limit in subjects:
        key = login_throttle_key(subject)
        attempts = await runtime.redis.incr(key)
        if attempts == 1:
            await runtime.redis.expire(key, THROTTLE_WINDOW_SECONDS)
        if attempts > limit:
            ttl = await runtime.redis.ttl(key)
            raise TooManyRequests(
                "Too many login attempts; try again in a minute.",
                headers={"Retry-After": str(max(ttl, 1))},
            )


async def login(runtime: Runtime, body: LoginIn, client_ip: str) -> LoginOut:
    settings = runtime.settings
    await _throttle(
        runtime,
        [
            (f"email:{body.email}", settings.konstruct_login_attempts_per_minute),
            (f"ip:{client_ip}", settings.konstruct_login_attempts_per_minute_per_ip),
        ],
    )
    async with runtime.db.platform_transaction() as conn:
        operator = await OperatorRepository(conn).get_by_email(body.email)
    matches, rehash = await verify_password(
        operator.password_hash if operator else None, body.password
    )
    if operator is None or not matches:
        raise Unauthorized("Wrong email or password.")
    async with runtime.db.platform_transaction() as conn:
        await OperatorRepository(conn).record_login(operator.id, rehash)
    await runtime.redis.delete(login_throttle_key(f"email:{body.email}"))
    token, expires = issue_operator_token(
        runtime.settings,
        operator_id=operator.id,
        role=operator.role,
        tenant_id=operator.tenant_id,
        session_version=operator.session_version,
    )
    return LoginOut(
        token=token,
        expires_at=datetime.fromtimestamp(expires, UTC),
        operator=Operator.model_validate(operator),
    )


async def logout(runtime: Runtime, principal: Principal) -> None:
    """Every token of this operator stops working: the session version moves on."""
    if principal.operator_id is None:
        return
    async with runtime.db.platform_transaction() as conn:
        await OperatorRepository(conn).bump_session_version(principal.operator_id)


async def me(runtime: Runtime, principal: Principal) -> Operator:
    if principal.operator_id is None:
        return Operator(
            id=UUID(int=0),
            email="master-key",
            role="platform_admin",
            tenant_id=None,
            created_at=datetime.fromtimestamp(0, UTC),
        )
    async with runtime.db.platform_transaction() as conn:
        row = await OperatorRepository(conn).get(principal.operator_id)
    if row is None:
        raise Unauthorized("This session has ended; log in again.")
    return Operator.model_validate(row)


async def create(runtime: Runtime, principal: Principal, body: OperatorCreate) -> Operator:
    password_hash = await hash_password(body.password)
    try:
        async with runtime.db.platform_transaction() as conn:
            if (
                body.tenant_id is not None
                and await TenantRepository(conn).get(body.tenant_id) is None
            ):
                raise NotFound("No such tenant.")
            row = await OperatorRepository(conn).create(
                email=body.email,
                password_hash=password_hash,
                role=body.role,
                tenant_id=body.tenant_id,
            )
    except IntegrityError as exc:
        raise Conflict(f"An operator with email {body.email} already exists.") from exc
    if body.tenant_id is not None:
        async with runtime.db.tenant_transaction(body.tenant_id) as conn:
            await record(
                conn, principal, "operator.create", tenant_id=body.tenant_id, target=body.email
            )
    else:
        async with runtime.db.platform_transaction() as conn:
            await record(conn, principal, "operator.create", tenant_id=None, target=body.email)
    return Operator.model_validate(row)


async def list_operators(runtime: Runtime, tenant_id: UUID | None) -> list[Operator]:
    async with runtime.db.platform_transaction() as conn:
        rows = await OperatorRepository(conn).list_all(tenant_id=tenant_id)
    return [Operator.model_validate(row) for row in rows]


async def delete(runtime: Runtime, principal: Principal, operator_id: UUID) -> None:
    if principal.operator_id == operator_id:
        raise Forbidden("You cannot delete yourself.")
    async with runtime.db.platform_transaction() as conn:
        repo = OperatorRepository(conn)
        row = await repo.get(operator_id)
        if row is None:
            raise NotFound("No such operator.")
        await repo.delete(operator_id)
    if row.tenant_id is not None:
        async with runtime.db.tenant_transaction(row.tenant_id) as conn:
            await record(
                conn, principal, "operator.delete", tenant_id=row.tenant_id, target=row.email
            )


async def ensure_first_admin(runtime: Runtime, email: str, password: str) -> bool:
    """Create the first platform admin if there is none; False when one already exists."""
    async with runtime.db.platform_transaction() as conn:
        repo = OperatorRepository(conn)
        if await repo.count_platform_admins() > 0:
            return False
        await repo.create(
            email=email.strip().lower(),
            password_hash=await hash_password(password),
            role="platform_admin",
            tenant_id=None,
        )
    return True
