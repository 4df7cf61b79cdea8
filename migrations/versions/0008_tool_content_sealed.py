"""The agent runtime's tool content sealed with the tenant's data key (#18), so deleting a
tenant (crypto-shredding) leaves none of it readable in any copy of the database.

Before this step tool content sat outside the data key: `tool_calls.arguments` and
`approvals.arguments` (jsonb, secret arguments redacted) and `approvals.status_text` in
clear; `approvals.sealed_arguments` and `sealed_result` under the platform key, which
survives a tenant's deletion. From here on (proxy/features/runtime/repository.py):

- `tool_calls.sealed_arguments` (bytea: nonce + AES-256-GCM ciphertext + tag) replaces
  `arguments`, which stays only for rows recorded in clear before; a row has exactly one.
- `approvals.sealed_arguments`, `status_text` and `sealed_result` hold base64 values sealed
  with the data key (as agents' text columns do); `arguments` is null.
- `data_key_version` on both tables: which version sealed the row (null: a row from before).

What SQL needs stays in clear: ids, tool names, statuses, outcomes, durations, Slack user
ids, times. The data keys are in the key store, not here, so this step cannot seal existing
rows itself: `python -m proxy.rotate_secrets` does (the runtime reads both kinds meanwhile).
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        alter table tool_calls
            alter column arguments drop not null,
            alter column arguments drop default,
            add column sealed_arguments bytea,
            add column data_key_version integer check (data_key_version > 0),
            add constraint tool_calls_arguments_sealed_or_clear check (
                num_nonnulls(arguments, sealed_arguments) = 1
                and (sealed_arguments is null) = (data_key_version is null)
            )
        """
    )
    op.execute(
        """
        alter table approvals
            alter column arguments drop not null,
            alter column arguments drop default,
            add column data_key_version integer check (data_key_version > 0),
            add constraint approvals_sealed_or_from_before check (
                (arguments is null) = (data_key_version is not null)
            )
        """
    )


def downgrade() -> None:
    # Sealed values cannot be turned back into text here (the keys are in the key store):
    # refuse rather than lose tool records or leave ciphertext where text is expected.
    op.execute(
        """
        do $$ begin
            if exists (select 1 from tool_calls where data_key_version is not null)
                or exists (select 1 from approvals where data_key_version is not null) then
                raise exception 'sealed rows exist: downgrading 0008 would lose them';
            end if;
        end $$
        """
    )
    op.execute(
        """
        alter table approvals
            drop constraint if exists approvals_sealed_or_from_before,
            drop column if exists data_key_version,
            alter column arguments set default '{}'::jsonb,
            alter column arguments set not null
        """
    )
    op.execute(
        """
        alter table tool_calls
            drop constraint if exists tool_calls_arguments_sealed_or_clear,
            drop column if exists data_key_version,
            drop column if exists sealed_arguments,
            alter column arguments set default '{}'::jsonb,
            alter column arguments set not null
        """
    )
