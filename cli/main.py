"""The `konstruct` command: every subcommand, and the settings file they share.

The command modules import only Typer and rich at the top; what a command talks to (httpx,
pydantic-settings, the OpenAI SDK, Redis, the proxy's config) is imported when it runs, so
`konstruct --help` and the list commands start at once (tests/cli/test_startup.py).
"""

from pathlib import Path
from typing import Annotated

import typer

from cli import admin, chat, doctor, simulate, tools
from cli.output import DEFAULT_ENV_FILE

app = typer.Typer(
    name="konstruct",
    help="Operate Konstruct from a terminal: the same admin API the portal uses.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    env_file: Annotated[
        Path,
        typer.Option(help="Settings file read under the environment, as the stack reads it."),
    ] = DEFAULT_ENV_FILE,
) -> None:
    ctx.obj = env_file


app.command()(doctor.doctor)
app.command()(admin.login)
app.command()(admin.logout)
app.command()(admin.usage)
app.command()(admin.audit)
app.command()(chat.chat)
app.add_typer(admin.tenant_app, name="tenant")
app.add_typer(admin.agent_app, name="agent")
app.add_typer(admin.key_app, name="key")
app.add_typer(admin.slack_app, name="slack")
app.add_typer(admin.operator_app, name="operator")
app.add_typer(tools.tool_app, name="tool")
admin.slack_app.command("simulate")(simulate.simulate)


if __name__ == "__main__":
    app()
