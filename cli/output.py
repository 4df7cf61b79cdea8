"""How commands answer: rich tables for people, JSON for scripts, one-line errors on stderr."""

import functools
import json
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from cli.api import CliError

if TYPE_CHECKING:
    from cli.settings import Settings

P = ParamSpec("P")
R = TypeVar("R")

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)

# Where `--env-file` points unless given: the file the stack's processes read.
DEFAULT_ENV_FILE = Path(".env")
# How much of an id a table shows: enough to tell ids apart, and to give to a command.
SHORT_ID_LENGTH = 8
UNBROKEN_COLUMNS = frozenset({"id", "prefix"})

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
TenantOption = Annotated[
    str, typer.Option("--tenant", "-t", help="Tenant slug or id (or the id's beginning).")
]


def env_file(ctx: typer.Context) -> Path:
    """The settings file of `konstruct --env-file`, which the root command keeps in ctx.obj."""
    return ctx.obj if isinstance(ctx.obj, Path) else DEFAULT_ENV_FILE


def settings(ctx: typer.Context) -> "Settings":
    # Imported here: pydantic-settings is not needed to show --help.
    from cli.settings import load_settings

    return load_settings(env_file(ctx))


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
    """Columns fold long values to fit the terminal, except what a command takes back (ids,
    shortened by `short_id`, and key prefixes), which must copy whole from one line."""
    view = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        view.add_column(column, overflow="fold", no_wrap=column in UNBROKEN_COLUMNS)
    for row in rows:
        # Text, not markup: a name like "[bold]" is shown as written.
        view.add_row(*(Text("" if cell is None else str(cell)) for cell in row))
    console.print(view)


def record(data: dict[str, Any], fields: Sequence[str]) -> None:
    """One object as a two-column table."""
    table(None, ["field", "value"], [(name, data.get(name)) for name in fields])


def day(timestamp: str | None) -> str:
    return (timestamp or "")[:16].replace("T", " ")


def short_id(value: object) -> str:
    """An id as tables show it: its first characters, which commands accept in its place."""
    return str(value)[:SHORT_ID_LENGTH]


def money(value: object) -> str:
    """A USD amount as a plain decimal with every significant digit and at least two places:
    `0.00`, `0.000123`, `12.50`; never the API's exponent form (`0E-8`)."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    whole, _, fraction = f"{amount.normalize():f}".partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"
