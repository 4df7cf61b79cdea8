"""Tenant content sealed with the tenant's data key, and which data key version sealed it.

The data keys themselves are not in this database: they live, wrapped by the platform key,
in the key store (proxy/core/keystore.py, its own database, created by `make migrate`), so
a backup of this database cannot undo a tenant's crypto-shredding.

- `messages.sealed_text` (bytea: nonce + AES-256-GCM ciphertext + tag) replaces `text`,
  which stays only for rows stored in clear before this step (`python -m
  proxy.rotate_secrets` seals those; reads accept both meanwhile). A row has exactly one.
- `agents.data_key_version`: the agents' persona and instructions keep their text columns,
  which hold base64 sealed values from then on (None: a row still in clear).
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        alter table messages
            alter column text drop not null,
            add column sealed_text bytea,
            add column data_key_version integer check (data_key_version > 0),
            add constraint messages_text_sealed_or_clear check (
                num_nonnulls(text, sealed_text) = 1
                and (sealed_text is null) = (data_key_version is null)
            )
        """
    )
    op.execute(
        "alter table agents add column data_key_version integer check (data_key_version > 0)"
    )


def downgrade() -> None:
    # Sealed values cannot be turned back into text here (the keys are in the key store):
    # refuse rather than lose messages or leave ciphertext where text is expected.
    op.execute(
        """
        do $$ begin
            if exists (select 1 from messages where sealed_text is not null)
                or exists (select 1 from agents where data_key_version is not null) then
                raise exception 'sealed rows exist: downgrading 0003 would lose them';
            end if;
        end $$
        """
    )
    op.execute("alter table agents drop column if exists data_key_version")
    op.execute(
        """
        alter table messages
            drop constraint if exists messages_text_sealed_or_clear,
            drop column if exists data_key_version,
            drop column if exists sealed_text,
            alter column text set not null
        """
    )
