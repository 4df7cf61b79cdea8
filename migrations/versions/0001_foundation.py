"""Foundation schema: platform registry, tenant tables under forced row-level security.

Revision ID: 0001
Revises:
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

CURRENT_TENANT = "nullif(current_setting('app.current_tenant', true), '')::uuid"

# Tables whose every row belongs to one tenant: RLS enabled, forced, one policy.
TENANT_TABLES = (
    "agents",
    "tenant_keys",
    "tenant_limits",
    "channel_connections",
    "channel_agent_overrides",
    "conversations",
    "messages",
    "usage_events",
)

SCHEMA = """
create table tenants (
    id uuid primary key default gen_random_uuid(),
    name text not null check (length(name) between 1 and 200),
    slug text not null unique check (slug ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'),
    status text not null default 'active' check (status in ('active', 'suspended')),
    settings jsonb not null default '{}'::jsonb,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create table operators (
    id uuid primary key default gen_random_uuid(),
    email text not null check (email = lower(email) and length(email) between 3 and 320),
    password_hash text not null,
    role text not null check (role in ('platform_admin', 'tenant_admin')),
    tenant_id uuid references tenants (id) on delete cascade,
    session_version integer not null default 1,
    created_at timestamptz not null default now(),
    last_login_at timestamptz,
    constraint operators_email_key unique (email),
    constraint operators_role_scope check (
        (role = 'platform_admin' and tenant_id is null)
        or (role = 'tenant_admin' and tenant_id is not null)
    )
);

create table agents (
    id uuid primary key default gen_random_uuid(),
    tenant_id uuid not null references tenants (id) on delete cascade,
    slug text not null check (slug ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'),
    name text not null check (length(name) between 1 and 100),
    role text not null default '',
    persona text not null default '',
    system_prompt text not null default '',
    tool_assignments jsonb not null default '[]'::jsonb,
    escalation_rules jsonb not null default '[]'::jsonb,
    model_tier text not null default 'fast' check (model_tier in ('fast', 'quality')),
    is_default boolean not null default false,
    is_active boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (tenant_id, id),
    unique (tenant_id, slug)
);
create unique index agents_one_default on agents (tenant_id) where is_default;

create table tenant_keys (
    id uuid primary key default gen_random_uuid(),
    tenant_id uuid not null references tenants (id) on delete cascade,
    name text not null check (length(name) between 1 and 100),
    kind text not null default 'api' check (kind in ('api', 'bridge')),
    key_hash text not null,
    prefix text not null,
    encrypted_secret text,
    rpm_limit integer check (rpm_limit > 0),
    tpm_limit integer check (tpm_limit > 0),
    expires_at timestamptz,
    revoked_at timestamptz,
    last_used_at timestamptz,
    created_at timestamptz not null default now(),
    unique (tenant_id, id),
    unique (tenant_id, key_hash)
);
create unique index tenant_keys_one_bridge on tenant_keys (tenant_id)
    where kind = 'bridge' and revoked_at is null;

create table tenant_limits (
    tenant_id uuid primary key references tenants (id) on delete cascade,
    rpm_limit integer check (rpm_limit > 0),
    tpm_limit integer check (tpm_limit > 0),
    monthly_budget_usd numeric(12, 4) check (monthly_budget_usd >= 0),
    degrade_at_share numeric(4, 3) not null default 0.8
        check (degrade_at_share > 0 and degrade_at_share <= 1),
    tenant_messages_per_minute integer not null default 60 check (tenant_messages_per_minute >= 0),
    channel_messages_per_minute integer not null default 20
        check (channel_messages_per_minute >= 0),
    updated_at timestamptz not null default now()
);

create table channel_connections (
    id uuid primary key default gen_random_uuid(),
    tenant_id uuid not null references tenants (id) on delete cascade,
    channel_type text not null default 'slack' check (channel_type in ('slack')),
    workspace_id text not null,
    workspace_name text not null default '',
    encrypted_bot_token text not null,
    bot_user_id text not null,
    default_agent_id uuid,
    status text not null default 'active' check (status in ('active', 'disabled')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (tenant_id, id),
    unique (tenant_id, channel_type, workspace_id),
    foreign key (tenant_id, default_agent_id) references agents (tenant_id, id)
        on delete set null (default_agent_id)
);

create table channel_agent_overrides (
    tenant_id uuid not null references tenants (id) on delete cascade,
    connection_id uuid not null,
    channel_id text not null,
    agent_id uuid not null,
    primary key (tenant_id, connection_id, channel_id),
    foreign key (tenant_id, connection_id) references channel_connections (tenant_id, id)
        on delete cascade,
    foreign key (tenant_id, agent_id) references agents (tenant_id, id) on delete cascade
);

create table conversations (
    id uuid primary key default gen_random_uuid(),
    tenant_id uuid not null references tenants (id) on delete cascade,
    channel_type text not null default 'slack',
    channel_id text not null,
    thread_id text not null,
    created_at timestamptz not null default now(),
    last_message_at timestamptz not null default now(),
    unique (tenant_id, id),
    unique (tenant_id, channel_type, channel_id, thread_id)
);

create table messages (
    id uuid primary key default gen_random_uuid(),
    tenant_id uuid not null references tenants (id) on delete cascade,
    conversation_id uuid not null,
    role text not null check (role in ('user', 'assistant')),
    sender_id text not null default '',
    text text not null,
    source_event_id text not null,
    agent_id uuid,
    created_at timestamptz not null default now(),
    unique (tenant_id, id),
    unique (tenant_id, source_event_id, role),
    foreign key (tenant_id, conversation_id) references conversations (tenant_id, id)
        on delete cascade,
    foreign key (tenant_id, agent_id) references agents (tenant_id, id)
        on delete set null (agent_id)
);
create index messages_thread_newest on messages (tenant_id, conversation_id, created_at desc);

create table usage_events (
    id uuid primary key default gen_random_uuid(),
    tenant_id uuid not null references tenants (id) on delete cascade,
    call_id text not null,
    model_group text not null,
    model text not null,
    prompt_tokens integer not null check (prompt_tokens >= 0),
    completion_tokens integer not null check (completion_tokens >= 0),
    cost_usd numeric(14, 8) not null default 0,
    agent_id uuid,
    key_id uuid,
    created_at timestamptz not null default now(),
    unique (tenant_id, call_id),
    foreign key (tenant_id, agent_id) references agents (tenant_id, id)
        on delete set null (agent_id),
    foreign key (tenant_id, key_id) references tenant_keys (tenant_id, id)
        on delete set null (key_id)
);
create index usage_events_by_time on usage_events (tenant_id, created_at);

-- Who did what to which tenant. Rows of a tenant are visible only under that tenant;
-- platform rows (tenant_id null) only when no tenant is set. No foreign key: the record
-- of a tenant's deletion outlives the tenant.
create table audit_log (
    id bigint generated always as identity primary key,
    tenant_id uuid,
    actor text not null,
    action text not null,
    target text not null default '',
    detail jsonb not null default '{}'::jsonb,
    created_at timestamptz not null default now()
);
create index audit_log_by_tenant on audit_log (tenant_id, created_at desc);

-- Routing tables: the lookups that happen before the tenant is known. They hold only
-- the routing columns, never tenant data.
create table key_routes (
    key_hash text primary key,
    tenant_id uuid not null references tenants (id) on delete cascade,
    key_id uuid not null
);
create table slack_team_routes (
    team_id text primary key,
    tenant_id uuid not null references tenants (id) on delete cascade
);
"""


def upgrade() -> None:
    # asyncpg prepares each statement, so the script runs one statement at a time.
    for statement in SCHEMA.split(";\n"):
        if statement.strip():
            op.execute(statement)
    for table in TENANT_TABLES:
        op.execute(f"alter table {table} enable row level security")
        op.execute(f"alter table {table} force row level security")
        op.execute(
            f"create policy tenant_isolation on {table} "
            f"using (tenant_id = {CURRENT_TENANT}) with check (tenant_id = {CURRENT_TENANT})"
        )
    op.execute("alter table audit_log enable row level security")
    op.execute("alter table audit_log force row level security")
    op.execute(
        "create policy tenant_isolation on audit_log "
        f"using (tenant_id is not distinct from {CURRENT_TENANT}) "
        f"with check (tenant_id is not distinct from {CURRENT_TENANT})"
    )


def downgrade() -> None:
    op.execute(
        "drop table if exists slack_team_routes, key_routes, audit_log, usage_events, messages, "
        "conversations, channel_agent_overrides, channel_connections, tenant_limits, "
        "tenant_keys, agents, operators, tenants cascade"
    )
