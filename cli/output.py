"""How commands answer: rich tables for people, JSON for scripts, one-line errors on stderr."""

import functools
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from cli.api import CliError
from cli.settings import DEFAULT_ENV_FILE, Settings, load_settings

P = ParamSpec("P")
R = TypeVar("R")

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
TenantOption = Annotated[str, typer.Option("--tenant", "-t", help="Tenant slug or id.")]


def settings(ctx: typer.Context) -> Settings:
    env_file = ctx.obj if isinstance(ctx.obj, Path) else DEFAULT_ENV_FILE
    return load_settings(env_file)


def friendly(command: Callable[P, R]) -> Callable[P, R]:
    """A CliError becomes `error: <message>` on stderr and exit code 1."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except CliError as error:
            # One line, whatever the message carried (LiteLLM's errors span several).
            message = escape(" ".join(str(error).split()))
            errors.print(f"[red]error:[/red] {message}", soft_wrap=True)
            raise typer.Exit(1) from None

    return run


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, default=str))


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    view = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        view.add_column(column, overflow="fold")
    for row in rows:
        # Text, not markup: a name like "[bold]" is shown as written.
        view.add_row(*(Text("" if cell is None else str(cell)) for cell in row))
    console.print(view)


def record(data: dict[str, Any], fields: Sequence[str]) -> None:
    """One object as a two-column table."""
    table(None, ["field", "value"], [(name, data.get(name)) for name in fields])


def day(timestamp: str | None) -> str:
    return (timestamp or "")[:16].replace("T", " ")
