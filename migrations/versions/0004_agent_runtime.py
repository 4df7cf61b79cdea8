"""The agent runtime (#16): job description and statement of work, turn limits, approvers,
the record of every tool call, and approvals of "ask first" tool calls.

- agents: `job_description` and `statement_of_work` (Agent Designer text, fenced as operator
  guidance in the prompt), `max_tool_steps` and `turn_deadline_seconds` (per turn), and
  `approver_ids` (Slack user ids who may approve this agent's "ask first" tool calls besides
  the person who asked).
- tool_calls: one row per tool call an agent's model made (arguments the tool's schema marks
  secret already redacted); never the tool's result.
- approvals: an "ask first" call waiting for a person. The arguments it will run with are
  sealed (they may hold secrets); `status` moves pending -> approved | denied | expired, then
  approved -> running -> done, each step a conditional update so the tool runs at most once
  however often the decision or the turn is replayed. `result` (sealed) is what the run
  answered, for a turn that is replayed after it.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

CURRENT_TENANT = "nullif(current_setting('app.current_tenant', true), '')::uuid"

TABLES = ("tool_calls", "approvals")


def upgrade() -> None:
    op.execute(
        """
        alter table agents
            add column job_description text not null default '',
            add column statement_of_work text not null default '',
            add column max_tool_steps integer not null default 8
                check (max_tool_steps between 1 and 50),
            add column turn_deadline_seconds integer not null default 90
                check (turn_deadline_seconds between 5 and 600),
            add column approver_ids jsonb not null default '[]'::jsonb
        """
    )
    op.execute(
        """
        create table tool_calls (
            id uuid primary key default gen_random_uuid(),
            tenant_id uuid not null references tenants (id) on delete cascade,
            agent_id uuid,
            turn_id text not null,
            tool_name text not null,
            requested_by text not null default '',
            arguments jsonb not null default '{}'::jsonb,
            outcome text not null check (
                outcome in ('ok', 'error', 'invalid', 'timeout', 'denied', 'expired', 'unknown')
            ),
            duration_ms integer not null default 0 check (duration_ms >= 0),
            approval_id uuid,
            created_at timestamptz not null default now(),
            unique (tenant_id, id),
            foreign key (tenant_id, agent_id) references agents (tenant_id, id)
                on delete set null (agent_id)
        )
        """
    )
    op.execute("create index tool_calls_by_time on tool_calls (tenant_id, created_at)")
    # A call that waited for an approval is recorded once, however often its turn is replayed.
    op.execute(
        "create unique index tool_calls_one_per_approval on tool_calls (tenant_id, approval_id) "
        "where approval_id is not null"
    )
    op.execute(
        """
        create table approvals (
            id uuid primary key default gen_random_uuid(),
            tenant_id uuid not null references tenants (id) on delete cascade,
            agent_id uuid,
            turn_id text not null,
            call_key text not null,
            tool_name text not null,
            status_text text not null default '',
            arguments jsonb not null default '{}'::jsonb,
            sealed_arguments text not null,
            requested_by text not null default '',
            approver_ids jsonb not null default '[]'::jsonb,
            status text not null default 'pending' check (
                status in ('pending', 'approved', 'denied', 'expired', 'running', 'done')
            ),
            decided_by text,
            decided_at timestamptz,
            expires_at timestamptz not null,
            sealed_result text,
            result_ok boolean,
            created_at timestamptz not null default now(),
            unique (tenant_id, id),
            unique (tenant_id, turn_id, call_key),
            foreign key (tenant_id, agent_id) references agents (tenant_id, id)
                on delete set null (agent_id)
        )
        """
    )
    for table in TABLES:
        op.execute(f"alter table {table} enable row level security")
        op.execute(f"alter table {table} force row level security")
        op.execute(
            f"create policy tenant_isolation on {table} "
            f"using (tenant_id = {CURRENT_TENANT}) with check (tenant_id = {CURRENT_TENANT})"
        )


def downgrade() -> None:
    for table in reversed(TABLES):
        op.execute(f"drop table if exists {table}")
    op.execute(
        """
        alter table agents
            drop column if exists job_description,
            drop column if exists statement_of_work,
            drop column if exists max_tool_steps,
            drop column if exists turn_deadline_seconds,
            drop column if exists approver_ids
        """
    )
