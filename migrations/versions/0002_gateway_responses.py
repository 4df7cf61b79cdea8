"""Responses API results a tenant created through the gateway: whose each response id is.

Every tenant shares the platform's provider account, which would answer any tenant for any
response id; the gateway serves an id (retrieve, input items, cancel, delete, a follow-up's
previous_response_id) only to the tenant that created it.
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CURRENT_TENANT = "nullif(current_setting('app.current_tenant', true), '')::uuid"


def upgrade() -> None:
    op.execute(
        """
        create table gateway_responses (
            tenant_id uuid not null references tenants (id) on delete cascade,
            response_id text not null,
            created_at timestamptz not null default now(),
            primary key (tenant_id, response_id)
        )
        """
    )
    op.execute("alter table gateway_responses enable row level security")
    op.execute("alter table gateway_responses force row level security")
    op.execute(
        "create policy tenant_isolation on gateway_responses "
        f"using (tenant_id = {CURRENT_TENANT}) with check (tenant_id = {CURRENT_TENANT})"
    )


def downgrade() -> None:
    op.execute("drop table if exists gateway_responses")
