"""Agents lose the free-text `tool_assignments` list (#16: tools are chosen from the registry).

The registry (`agent_tool_assignments`, migration 0005) is the only record of an agent's
tools and the only one the model's tool list is built from; the jsonb list of names from
0001 was stored and shown but never read, so two answers to "which tools has this agent"
could differ. Its values are dropped with it: none of them ever reached a model.
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("alter table agents drop column tool_assignments")


def downgrade() -> None:
    op.execute("alter table agents add column tool_assignments jsonb not null default '[]'::jsonb")
