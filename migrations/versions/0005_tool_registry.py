"""Tools a tenant registers: MCP servers, HTTP tools, which agent gets which tool (#16).

Credentials (an MCP server's bearer token and secret headers, an HTTP tool's secret headers)
are stored only as ciphertext sealed to the tenant and the row; the names of the secret
headers are kept beside them in clear so the admin API can say which are set.
An assignment names exactly one registered tool, of the agent's own tenant (composite foreign
keys: a foreign key is checked without row-level security), and carries the function name the
agent's model sees, unique per agent.
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CURRENT_TENANT = "nullif(current_setting('app.current_tenant', true), '')::uuid"

TABLES = ("mcp_servers", "http_tools", "agent_tool_assignments")


def upgrade() -> None:
    op.execute(
        """
        create table mcp_servers (
            id uuid primary key default gen_random_uuid(),
            tenant_id uuid not null references tenants (id) on delete cascade,
            name text not null check (length(name) between 1 and 100),
            url text not null,
            encrypted_bearer_token text,
            encrypted_headers text,
            secret_header_names jsonb not null default '[]'::jsonb,
            tools jsonb not null default '[]'::jsonb,
            tools_listed_at timestamptz,
            last_error text not null default '',
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            unique (tenant_id, id),
            unique (tenant_id, name)
        )
        """
    )
    op.execute(
        """
        create table http_tools (
            id uuid primary key default gen_random_uuid(),
            tenant_id uuid not null references tenants (id) on delete cascade,
            name text not null check (name ~ '^[a-zA-Z0-9_-]{1,64}$'),
            description text not null default '',
            parameters jsonb not null,
            method text not null check (method in ('GET', 'POST', 'PUT', 'PATCH', 'DELETE')),
            url text not null,
            status_text text not null default '',
            encrypted_headers text,
            secret_header_names jsonb not null default '[]'::jsonb,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            unique (tenant_id, id),
            unique (tenant_id, name)
        )
        """
    )
    op.execute(
        """
        create table agent_tool_assignments (
            id uuid primary key default gen_random_uuid(),
            tenant_id uuid not null references tenants (id) on delete cascade,
            agent_id uuid not null,
            name text not null check (name ~ '^[a-zA-Z0-9_-]{1,64}$'),
            http_tool_id uuid,
            mcp_server_id uuid,
            mcp_tool_name text,
            policy text not null check (policy in ('auto', 'ask', 'off')),
            created_at timestamptz not null default now(),
            check (
                (http_tool_id is not null and mcp_server_id is null and mcp_tool_name is null)
                or (http_tool_id is null and mcp_server_id is not null
                    and mcp_tool_name is not null)
            ),
            unique (tenant_id, id),
            unique (tenant_id, agent_id, name),
            unique (tenant_id, agent_id, http_tool_id),
            unique (tenant_id, agent_id, mcp_server_id, mcp_tool_name),
            foreign key (tenant_id, agent_id) references agents (tenant_id, id)
                on delete cascade,
            foreign key (tenant_id, http_tool_id) references http_tools (tenant_id, id)
                on delete cascade,
            foreign key (tenant_id, mcp_server_id) references mcp_servers (tenant_id, id)
                on delete cascade
        )
        """
    )
    op.execute(
        "create index agent_tool_assignments_agent on agent_tool_assignments (tenant_id, agent_id)"
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
