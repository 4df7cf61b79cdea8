"""SQLAlchemy Core descriptions of the tables that migrations/ creates (queries only).

The schema itself, with its row-level security, is owned by migrations/; these mirror
it so repositories can build queries without writing SQL strings.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    FetchedValue,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = MetaData()

# Tables without row-level security, and why each is safe without it.
PLATFORM_TABLES = {
    "tenants": "the registry of tenants itself",
    "operators": "portal users; looked up by email at login, before any tenant is known",
    "operator_invitations": "one-time invite/reset links, found by token hash before sign-in",
    "key_routes": "routing only: key hash -> tenant id, key id",
    "slack_team_routes": "routing only: Slack team id -> tenant id",
    "alembic_version": "migration bookkeeping",
}


def _uuid(name: str, **kwargs: object) -> Column[object]:
    return Column(name, UUID(as_uuid=True), **kwargs)  # type: ignore[arg-type]


def _id() -> Column[object]:
    return Column("id", UUID(as_uuid=True), primary_key=True, server_default=FetchedValue())


def _ts(name: str, **kwargs: object) -> Column[object]:
    return Column(name, DateTime(timezone=True), **kwargs)  # type: ignore[arg-type]


tenants = Table(
    "tenants",
    metadata,
    _id(),
    Column("name", Text, nullable=False),
    Column("slug", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("settings", JSONB, nullable=False),
    _ts("created_at"),
    _ts("updated_at"),
)

operators = Table(
    "operators",
    metadata,
    _id(),
    Column("email", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("role", Text, nullable=False),
    _uuid("tenant_id"),
    Column("session_version", Integer, nullable=False),
    _ts("created_at"),
    _ts("last_login_at"),
)

operator_invitations = Table(
    "operator_invitations",
    metadata,
    _id(),
    Column("purpose", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("role", Text, nullable=False),
    _uuid("tenant_id"),
    _uuid("operator_id"),
    Column("token_hash", Text, nullable=False),
    Column("invited_by", Text, nullable=False),
    _ts("created_at"),
    _ts("expires_at", nullable=False),
    _ts("accepted_at"),
)

agents = Table(
    "agents",
    metadata,
    _id(),
    _uuid("tenant_id", nullable=False),
    Column("slug", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("persona", Text, nullable=False),
    Column("system_prompt", Text, nullable=False),
    Column("escalation_rules", JSONB, nullable=False),
    Column("model_tier", Text, nullable=False),
    Column("is_default", Boolean, nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("job_description", Text, nullable=False),
    Column("statement_of_work", Text, nullable=False),
    Column("max_tool_steps", Integer, nullable=False),
    Column("turn_deadline_seconds", Integer, nullable=False),
    Column("approver_ids", JSONB, nullable=False),
    # Which version of the tenant's data key sealed persona and instructions (None: in clear).
    Column("data_key_version", Integer),
    _ts("created_at"),
    _ts("updated_at"),
)

tenant_keys = Table(
    "tenant_keys",
    metadata,
    _id(),
    _uuid("tenant_id", nullable=False),
    Column("name", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("key_hash", Text, nullable=False),
    Column("prefix", Text, nullable=False),
    Column("encrypted_secret", Text),
    Column("rpm_limit", Integer),
    Column("tpm_limit", Integer),
    _ts("expires_at"),
    _ts("revoked_at"),
    _ts("last_used_at"),
    _ts("created_at"),
)

tenant_limits = Table(
    "tenant_limits",
    metadata,
    _uuid("tenant_id", primary_key=True),
    Column("rpm_limit", Integer),
    Column("tpm_limit", Integer),
    Column("monthly_budget_usd", Numeric(12, 4)),
    Column("degrade_at_share", Numeric(4, 3), nullable=False),
    Column("tenant_messages_per_minute", Integer, nullable=False),
    Column("channel_messages_per_minute", Integer, nullable=False),
    _ts("updated_at"),
)

channel_connections = Table(
    "channel_connections",
    metadata,
    _id(),
    _uuid("tenant_id", nullable=False),
    Column("channel_type", Text, nullable=False),
    Column("workspace_id", Text, nullable=False),
    Column("workspace_name", Text, nullable=False),
    Column("encrypted_bot_token", Text, nullable=False),
    Column("bot_user_id", Text, nullable=False),
    _uuid("default_agent_id"),
    Column("status", Text, nullable=False),
    _ts("created_at"),
    _ts("updated_at"),
    # Enterprise Grid: the org; an org-wide install's workspace_id is this enterprise id.
    Column("enterprise_id", Text),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("disabled_reason", Text),
    _ts("disabled_at"),
    # Health: the last Slack call that worked, the last that failed and why.
    _ts("last_ok_at"),
    Column("last_error", Text),
    _ts("last_error_at"),
)

answer_feedback = Table(
    "answer_feedback",
    metadata,
    _uuid("tenant_id", primary_key=True),
    _uuid("agent_id", nullable=False),
    Column("channel_id", Text, primary_key=True),
    Column("message_ts", Text, primary_key=True),
    Column("user_id", Text, primary_key=True),
    Column("rating", Integer, nullable=False),
    _ts("created_at"),
    _ts("updated_at"),
)

channel_agent_overrides = Table(
    "channel_agent_overrides",
    metadata,
    _uuid("tenant_id", primary_key=True),
    _uuid("connection_id", primary_key=True),
    Column("channel_id", Text, primary_key=True),
    _uuid("agent_id", nullable=False),
)

conversations = Table(
    "conversations",
    metadata,
    _id(),
    _uuid("tenant_id", nullable=False),
    Column("channel_type", Text, nullable=False),
    Column("channel_id", Text, nullable=False),
    Column("thread_id", Text, nullable=False),
    _ts("created_at"),
    _ts("last_message_at"),
)

messages = Table(
    "messages",
    metadata,
    _id(),
    _uuid("tenant_id", nullable=False),
    _uuid("conversation_id", nullable=False),
    Column("role", Text, nullable=False),
    Column("sender_id", Text, nullable=False),
    # In clear only in rows from before #18; every other row has `sealed_text` instead.
    Column("text", Text),
    Column("sealed_text", LargeBinary),
    Column("source_event_id", Text, nullable=False),
    # Which version of the tenant's data key sealed `sealed_text`.
    Column("data_key_version", Integer),
    _uuid("agent_id"),
    _ts("created_at"),
)

usage_events = Table(
    "usage_events",
    metadata,
    _id(),
    _uuid("tenant_id", nullable=False),
    Column("call_id", Text, nullable=False),
    Column("model_group", Text, nullable=False),
    Column("model", Text, nullable=False),
    Column("prompt_tokens", Integer, nullable=False),
    Column("completion_tokens", Integer, nullable=False),
    Column("cost_usd", Numeric(14, 8), nullable=False),
    _uuid("agent_id"),
    _uuid("key_id"),
    Column("latency_ms", Integer),
    _ts("created_at"),
)

gateway_responses = Table(
    "gateway_responses",
    metadata,
    _uuid("tenant_id", nullable=False),
    Column("response_id", Text, nullable=False),
    _ts("created_at"),
)

tool_calls = Table(
    "tool_calls",
    metadata,
    _id(),
    _uuid("tenant_id", nullable=False),
    _uuid("agent_id"),
    Column("turn_id", Text, nullable=False),
    Column("tool_name", Text, nullable=False),
    Column("requested_by", Text, nullable=False),
    # In clear only in rows from before 0008; every other row has `sealed_arguments` instead.
    Column("arguments", JSONB),
    Column("sealed_arguments", LargeBinary),
    Column("outcome", Text, nullable=False),
    Column("duration_ms", Integer, nullable=False),
    _uuid("approval_id"),
    # Which version of the tenant's data key sealed `sealed_arguments` (None: in clear).
    Column("data_key_version", Integer),
    _ts("created_at"),
)

approvals = Table(
    "approvals",
    metadata,
    _id(),
    _uuid("tenant_id", nullable=False),
    _uuid("agent_id"),
    Column("turn_id", Text, nullable=False),
    Column("call_key", Text, nullable=False),
    Column("tool_name", Text, nullable=False),
    # Sealed, with `sealed_arguments` and `sealed_result`, under `data_key_version`; before
    # 0008 (version None) the status text was in clear, the rest under the platform key,
    # and `arguments` held the redacted arguments in clear.
    Column("status_text", Text, nullable=False),
    Column("arguments", JSONB),
    Column("sealed_arguments", Text, nullable=False),
    Column("requested_by", Text, nullable=False),
    Column("approver_ids", JSONB, nullable=False),
    Column("status", Text, nullable=False),
    Column("decided_by", Text),
    _ts("decided_at"),
    _ts("expires_at", nullable=False),
    Column("sealed_result", Text),
    Column("result_ok", Boolean),
    Column("data_key_version", Integer),
    _ts("created_at"),
)

mcp_servers = Table(
    "mcp_servers",
    metadata,
    _id(),
    _uuid("tenant_id", nullable=False),
    Column("name", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("encrypted_bearer_token", Text),
    Column("encrypted_headers", Text),
    Column("secret_header_names", JSONB, nullable=False),
    Column("tools", JSONB, nullable=False),
    _ts("tools_listed_at"),
    Column("last_error", Text, nullable=False),
    _ts("created_at"),
    _ts("updated_at"),
)

http_tools = Table(
    "http_tools",
    metadata,
    _id(),
    _uuid("tenant_id", nullable=False),
    Column("name", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("parameters", JSONB, nullable=False),
    Column("method", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("status_text", Text, nullable=False),
    Column("encrypted_headers", Text),
    Column("secret_header_names", JSONB, nullable=False),
    _ts("created_at"),
    _ts("updated_at"),
)

agent_tool_assignments = Table(
    "agent_tool_assignments",
    metadata,
    _id(),
    _uuid("tenant_id", nullable=False),
    _uuid("agent_id", nullable=False),
    Column("name", Text, nullable=False),
    _uuid("http_tool_id"),
    _uuid("mcp_server_id"),
    Column("mcp_tool_name", Text),
    Column("policy", Text, nullable=False),
    _ts("created_at"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, primary_key=True, server_default=FetchedValue()),
    _uuid("tenant_id"),
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("target", Text, nullable=False),
    Column("detail", JSONB, nullable=False),
    _ts("created_at"),
)

key_routes = Table(
    "key_routes",
    metadata,
    Column("key_hash", Text, primary_key=True),
    _uuid("tenant_id", nullable=False),
    _uuid("key_id", nullable=False),
)

slack_team_routes = Table(
    "slack_team_routes",
    metadata,
    Column("team_id", Text, primary_key=True),
    _uuid("tenant_id", nullable=False),
)
