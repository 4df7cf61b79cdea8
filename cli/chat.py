"""`konstruct chat`: talk to an agent through the gateway, as the tenant's own apps do.

The OpenAI SDK is imported when chat starts, not with the CLI: it alone takes most of a
second to load.
"""

import contextlib
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.text import Text

from cli.api import AdminAPI, CliError
from cli.output import console, errors, friendly, settings
from policies.limits import MODEL_GROUP_FAST

if TYPE_CHECKING:
    import openai
    from openai.types.chat import ChatCompletionMessageParam

    from cli.settings import Settings

AGENT_HEADER = "X-Konstruct-Agent"
# A key chat issues for itself lives no longer than this, and is revoked when chat ends.
TEMPORARY_KEY_LIFETIME = timedelta(hours=1)


@contextlib.contextmanager
def tenant_key(config: "Settings", tenant: str | None, given: str | None) -> Iterator[str]:
    """The key to chat with: the one given, else a short-lived one revoked on the way out."""
    key = given or config.konstruct_tenant_key.get_secret_value()
    if key:
        yield key
        return
    if tenant is None:
        raise CliError("give --tenant (a temporary key is issued) or --key / KONSTRUCT_TENANT_KEY")
    with AdminAPI(config) as api:
        tenant_id = api.tenant(tenant)["id"]
        expires = datetime.now(UTC) + TEMPORARY_KEY_LIFETIME
        issued = api.post(
            f"/admin/tenants/{tenant_id}/keys",
            {"name": "konstruct chat (temporary)", "expires_at": expires.isoformat()},
        )
        try:
            yield str(issued["secret"])
        finally:
            api.post(f"/admin/tenants/{tenant_id}/keys/{issued['id']}/revoke")


def lines(interactive: bool, prompt: str) -> Iterator[str]:
    """What the person types (or a script pipes), one message per line, until EOF."""
    while True:
        if interactive:
            try:
                line = console.input(prompt)
            except EOFError:
                console.print()
                return
        else:
            line = sys.stdin.readline()
            if not line:
                return
        if line.strip():
            yield line.strip()


class Waiting:
    """`thinking… 2.4 s`: rendered afresh at every refresh of rich's live display."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def __rich__(self) -> Text:
        return Text(f"thinking… {time.monotonic() - self.started:.1f} s", style="dim")


def waiting() -> AbstractContextManager[object]:
    """Shown on stderr while no word of the answer has come, and erased when one does; only
    on a terminal, so piped or redirected output carries nothing but answers."""
    if not errors.is_terminal:
        return contextlib.nullcontext()
    return errors.status(Waiting())


def deltas(client: "openai.OpenAI", messages: "list[ChatCompletionMessageParam]") -> Iterator[str]:
    stream = client.chat.completions.create(model=MODEL_GROUP_FAST, messages=messages, stream=True)
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            yield chunk.choices[0].delta.content


def ask(
    client: "openai.OpenAI", messages: "list[ChatCompletionMessageParam]", speaker: str | None
) -> str:
    """One answer, written out as it streams, after `speaker> ` when there is a speaker."""
    pieces = deltas(client, messages)
    with waiting():
        # The request goes out here: the first word is what ends the wait.
        first = next(pieces, "")
    if speaker is not None:
        console.print(f"[bold]{escape(speaker)}>[/bold] ", end="")
    parts = [first]
    sys.stdout.write(first)
    sys.stdout.flush()
    for piece in pieces:
        parts.append(piece)
        sys.stdout.write(piece)
        sys.stdout.flush()
    sys.stdout.write("\n")
    sys.stdout.flush()
    return "".join(parts)


@friendly
def chat(
    ctx: typer.Context,
    tenant: Annotated[
        str | None,
        typer.Option("--tenant", "-t", help="Tenant slug or id (issues a temporary key)."),
    ] = None,
    agent: Annotated[
        str | None,
        typer.Option("--agent", "-a", help="Agent slug or id; the tenant's default if left out."),
    ] = None,
    key: Annotated[
        str | None, typer.Option(help="A tenant key to use (else KONSTRUCT_TENANT_KEY).")
    ] = None,
) -> None:
    """Chat with an agent through the gateway. One message per line; Ctrl-D or Ctrl-C ends.

    Works with piped input too: `echo "What are your hours?" | konstruct chat -t acme -a ada`.
    """
    import openai

    from policies.tls import http_verify

    config = settings(ctx)
    interactive = sys.stdin.isatty()
    speaker = agent or "assistant"
    if tenant is not None:
        # Checked up front, so a typo fails before a key is issued.
        with AdminAPI(config) as api:
            found = api.agent(api.tenant(tenant)["id"], agent)
        agent, speaker = str(found["slug"]), str(found["name"])
    with tenant_key(config, tenant, key) as secret:
        client = openai.OpenAI(
            api_key=secret,
            base_url=f"{config.konstruct_proxy_url.rstrip('/')}/v1",
            default_headers={AGENT_HEADER: agent} if agent else None,
            max_retries=0,
            http_client=openai.DefaultHttpxClient(verify=http_verify(config.konstruct_tls_ca_file)),
        )
        messages: list[ChatCompletionMessageParam] = []
        if interactive:
            console.print(escape(f"Chatting with {speaker} (Ctrl-D to end)."))
        try:
            for line in lines(interactive, "[bold]you>[/bold] "):
                messages.append({"role": "user", "content": line})
                try:
                    answer = ask(client, messages, speaker if interactive else None)
                except openai.APIStatusError as error:
                    raise CliError(gateway_error(error)) from None
                except openai.APIConnectionError:
                    raise CliError(
                        f"cannot reach the gateway at {config.konstruct_proxy_url}; start it "
                        "(`make up`) or set KONSTRUCT_PROXY_URL"
                    ) from None
                messages.append({"role": "assistant", "content": answer})
        except KeyboardInterrupt:
            errors.print()


def gateway_error(error: "openai.APIStatusError") -> str:
    body = error.body if isinstance(error.body, dict) else {}
    inner = body.get("error", body)
    message = inner.get("message") if isinstance(inner, dict) else None
    code = inner.get("code") if isinstance(inner, dict) else None
    return f"{message or error.message} ({error.status_code} {code or ''})".replace(" )", ")")
