"""Operator rules: throttled login, short-lived tokens, server-side logout, scoped invitations
with one-time expiring links (the invitee chooses the password), admin resets by link, and
password changes that end every other session."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.exc import IntegrityError

from policies.redis_keys import login_throttle_key
from proxy.core.errors import Conflict, Forbidden, NotFound, TooManyRequests, Unauthorized
from proxy.core.principal import Principal
from proxy.core.runtime import Runtime
from proxy.features.audit.service import record
from proxy.features.operators.passwords import hash_password, verify_password
from proxy.features.operators.repository import InvitationRepository, OperatorRepository
from proxy.features.operators.schemas import (
    Invitation,
    InvitationAccept,
    InvitationCreate,
    InvitationIssued,
    InvitationPreview,
    LoginIn,
    LoginOut,
    Operator,
    OperatorCreate,
    PasswordChange,
)
from proxy.features.operators.tokens import issue_operator_token
from proxy.features.tenants.repository import TenantRepository

THROTTLE_WINDOW_SECONDS = 60
INVITATION_TTL = timedelta(days=7)
RESET_TTL = timedelta(days=1)
# argon2 cannot verify this, so a reset operator's old password stops working at once.
UNUSABLE_HASH = "!reset"
INVALID_LINK = "This link is not valid any more: it was used, withdrawn or has expired."


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
    return _session(runtime, operator)


def _session(runtime: Runtime, operator: Any) -> LoginOut:
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


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def _audit(
    runtime: Runtime,
    principal: Principal,
    action: str,
    tenant_id: UUID | None,
    target: str,
    detail: dict[str, Any] | None = None,
) -> None:
    """A platform operator's changes go to the platform log, a tenant admin's to its tenant's."""
    if tenant_id is not None:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            await record(conn, principal, action, tenant_id=tenant_id, target=target, detail=detail)
    else:
        async with runtime.db.platform_transaction() as conn:
            await record(conn, principal, action, tenant_id=None, target=target, detail=detail)


async def invite(
    runtime: Runtime, principal: Principal, body: InvitationCreate
) -> InvitationIssued:
    token = secrets.token_urlsafe(32)
    async with runtime.db.platform_transaction() as conn:
        if body.tenant_id is not None and await TenantRepository(conn).get(body.tenant_id) is None:
            raise NotFound("No such tenant.")
        if await OperatorRepository(conn).get_by_email(body.email) is not None:
            raise Conflict(f"An operator with email {body.email} already exists.")
        invitations = InvitationRepository(conn)
        await invitations.withdraw_open(email=body.email, purpose="invite")
        row = await invitations.create(
            purpose="invite",
            email=body.email,
            role=body.role,
            tenant_id=body.tenant_id,
            token_hash=_token_hash(token),
            invited_by=principal.actor,
            expires_at=datetime.now(UTC) + INVITATION_TTL,
        )
    await _audit(
        runtime, principal, "operator.invite", body.tenant_id, body.email, {"role": body.role}
    )
    return InvitationIssued.model_validate({**row._mapping, "token": token})


async def reset_password(
    runtime: Runtime, principal: Principal, operator_id: UUID
) -> InvitationIssued:
    """The operator's password and sessions end now; the link lets them choose a new one."""
    if principal.operator_id == operator_id:
        raise Forbidden("Change your own password on your profile page.")
    token = secrets.token_urlsafe(32)
    async with runtime.db.platform_transaction() as conn:
        operators = OperatorRepository(conn)
        operator = await operators.get(operator_id)
        if operator is None:
            raise NotFound("No such operator.")
        await operators.set_password(operator_id, UNUSABLE_HASH)
        invitations = InvitationRepository(conn)
        await invitations.withdraw_open(email=operator.email, purpose="reset")
        row = await invitations.create(
            purpose="reset",
            email=operator.email,
            role=operator.role,
            tenant_id=operator.tenant_id,
            operator_id=operator.id,
            token_hash=_token_hash(token),
            invited_by=principal.actor,
            expires_at=datetime.now(UTC) + RESET_TTL,
        )
    await _audit(runtime, principal, "operator.password_reset", operator.tenant_id, operator.email)
    return InvitationIssued.model_validate({**row._mapping, "token": token})


async def list_invitations(runtime: Runtime, tenant_id: UUID | None) -> list[Invitation]:
    async with runtime.db.platform_transaction() as conn:
        rows = await InvitationRepository(conn).list_open(tenant_id=tenant_id)
    return [Invitation.model_validate(row) for row in rows]


async def withdraw_invitation(runtime: Runtime, principal: Principal, invitation_id: UUID) -> None:
    async with runtime.db.platform_transaction() as conn:
        invitations = InvitationRepository(conn)
        row = await invitations.get(invitation_id)
        if row is None or row.accepted_at is not None:
            raise NotFound("No such open invitation.")
        await invitations.delete(invitation_id)
    await _audit(runtime, principal, "operator.invite_withdraw", row.tenant_id, row.email)


def _usable(row: Any, now: datetime) -> bool:
    return row is not None and row.accepted_at is None and row.expires_at > now


async def preview_invitation(runtime: Runtime, token: str) -> InvitationPreview:
    async with runtime.db.platform_transaction() as conn:
        row = await InvitationRepository(conn).by_token_hash(_token_hash(token))
    if not _usable(row, datetime.now(UTC)):
        raise NotFound(INVALID_LINK)
    return InvitationPreview.model_validate(row)


async def accept_invitation(runtime: Runtime, body: InvitationAccept) -> LoginOut:
    """Spend a link once: the row is locked, so two clicks cannot both create or reset."""
    password_hash = await hash_password(body.password)
    now = datetime.now(UTC)
    try:
        async with runtime.db.platform_transaction() as conn:
            invitations = InvitationRepository(conn)
            row = await invitations.by_token_hash(_token_hash(body.token), lock=True)
            if row is None or not _usable(row, now):
                raise NotFound(INVALID_LINK)
            operators = OperatorRepository(conn)
            if row.purpose == "reset":
                await operators.set_password(row.operator_id, password_hash)
            else:
                await operators.create(
                    email=row.email,
                    password_hash=password_hash,
                    role=row.role,
                    tenant_id=row.tenant_id,
                )
            await invitations.spend(row.id, now)
            operator = await operators.get_by_email(row.email)
    except IntegrityError as exc:
        raise Conflict("An operator with this email already exists.") from exc
    assert operator is not None
    assert row is not None
    actor = Principal(role=operator.role, actor=operator.email, operator_id=operator.id)
    action = "operator.password_set" if row.purpose == "reset" else "operator.join"
    await _audit(runtime, actor, action, operator.tenant_id, operator.email)
    return _session(runtime, operator)


async def change_password(
    runtime: Runtime, principal: Principal, body: PasswordChange, client_ip: str
) -> LoginOut:
    """The current password is required; every other session ends, this one gets a new token."""
    if principal.operator_id is None:
        raise Forbidden("The master key has no password to change.")
    settings = runtime.settings
    await _throttle(
        runtime,
        [
            (f"password:{principal.operator_id}", settings.konstruct_login_attempts_per_minute),
            (f"ip:{client_ip}", settings.konstruct_login_attempts_per_minute_per_ip),
        ],
    )
    async with runtime.db.platform_transaction() as conn:
        operator = await OperatorRepository(conn).get(principal.operator_id)
    if operator is None:
        raise Unauthorized("This session has ended; log in again.")
    matches, _ = await verify_password(operator.password_hash, body.current_password)
    if not matches:
        raise Forbidden("The current password is wrong.")
    new_hash = await hash_password(body.new_password)
    async with runtime.db.platform_transaction() as conn:
        operators = OperatorRepository(conn)
        await operators.set_password(operator.id, new_hash)
        changed = await operators.get(operator.id)
    if changed is None:
        raise Unauthorized("This session has ended; log in again.")
    await runtime.redis.delete(login_throttle_key(f"password:{operator.id}"))
    await _audit(runtime, principal, "operator.password_change", operator.tenant_id, operator.email)
    return _session(runtime, changed)
