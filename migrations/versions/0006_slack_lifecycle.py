"""Slack's lifecycle: connection status reason and health, Enterprise Grid routes, answer feedback.

- channel_connections learns why and when it was disabled (an uninstall, a revoked token,
  an operator), its health (the last successful Slack call, the last error), and the
  Enterprise Grid org it belongs to. An org-wide install is one connection whose
  `workspace_id` is the org's enterprise id (`is_enterprise_install`): its route in
  slack_team_routes is that id, so events from every workspace of the org reach its tenant.
- answer_feedback holds one 👍/👎 per person per answer, per agent (tenant table, RLS).
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

CURRENT_TENANT = "nullif(current_setting('app.current_tenant', true), '')::uuid"


def upgrade() -> None:
    op.execute(
        """
        alter table channel_connections
            add column enterprise_id text,
            add column is_enterprise_install boolean not null default false,
            add column disabled_reason text,
            add column disabled_at timestamptz,
            add column last_ok_at timestamptz,
            add column last_error text,
            add column last_error_at timestamptz
        """
    )
    op.execute(
        """
        create table answer_feedback (
            tenant_id uuid not null references tenants (id) on delete cascade,
            agent_id uuid not null,
            channel_id text not null,
            message_ts text not null,
            user_id text not null,
            rating smallint not null check (rating in (-1, 1)),
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            primary key (tenant_id, channel_id, message_ts, user_id),
            foreign key (tenant_id, agent_id) references agents (tenant_id, id) on delete cascade
        )
        """
    )
    op.execute("create index answer_feedback_by_agent on answer_feedback (tenant_id, agent_id)")
    op.execute("alter table answer_feedback enable row level security")
    op.execute("alter table answer_feedback force row level security")
    op.execute(
        "create policy tenant_isolation on answer_feedback "
        f"using (tenant_id = {CURRENT_TENANT}) with check (tenant_id = {CURRENT_TENANT})"
    )


def downgrade() -> None:
    op.execute("drop table if exists answer_feedback")
    op.execute(
        """
        alter table channel_connections
            drop column if exists enterprise_id,
            drop column if exists is_enterprise_install,
            drop column if exists disabled_reason,
            drop column if exists disabled_at,
            drop column if exists last_ok_at,
            drop column if exists last_error,
            drop column if exists last_error_at
        """
    )
