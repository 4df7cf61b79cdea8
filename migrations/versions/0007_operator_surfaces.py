"""Operator surfaces: one-time invitation and reset links, and each call's latency for usage.

An invitation (or an admin's password reset) is a link an operator opens once to set their
own password: only a SHA-256 of its token is stored, it expires, and it is spent when used.
It lives in a platform table, like `operators`, because it is looked up by its token before
anyone is signed in. Usage rows gain the call's latency, so the usage pages can show it per
agent and per key.
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

CURRENT_TENANT = "nullif(current_setting('app.current_tenant', true), '')::uuid"


def upgrade() -> None:
    op.execute(
        """
        create table operator_invitations (
            id uuid primary key default gen_random_uuid(),
            purpose text not null default 'invite' check (purpose in ('invite', 'reset')),
            email text not null check (email = lower(email) and length(email) between 3 and 320),
            role text not null check (role in ('platform_admin', 'tenant_admin')),
            tenant_id uuid references tenants (id) on delete cascade,
            operator_id uuid references operators (id) on delete cascade,
            token_hash text not null,
            invited_by text not null,
            created_at timestamptz not null default now(),
            expires_at timestamptz not null,
            accepted_at timestamptz,
            constraint operator_invitations_token_key unique (token_hash),
            constraint operator_invitations_role_scope check (
                (role = 'platform_admin' and tenant_id is null)
                or (role = 'tenant_admin' and tenant_id is not null)
            ),
            constraint operator_invitations_reset_names_operator check (
                (purpose = 'reset') = (operator_id is not null)
            )
        )
        """
    )
    op.execute(
        "create index operator_invitations_open on operator_invitations (email) "
        "where accepted_at is null"
    )
    op.execute(
        "alter table usage_events add column latency_ms integer "
        "check (latency_ms is null or latency_ms >= 0)"
    )


def downgrade() -> None:
    op.execute("alter table usage_events drop column if exists latency_ms")
    op.execute("drop table if exists operator_invitations")
