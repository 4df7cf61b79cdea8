"""Which file of settings a process reads beside its environment.

Every component fills what its environment leaves unset from `.env` in the directory it runs
in. KONSTRUCT_ENV_FILE names another file; set empty, no file is read at all: the test suite
and the benchmarks set it so, or a developer's `.env` (which `make up` creates) would change
the servers they start. Pure: the caller hands in the environment.
"""

from collections.abc import Mapping

DEFAULT = ".env"
VARIABLE = "KONSTRUCT_ENV_FILE"


def env_file(environ: Mapping[str, str]) -> str | None:
    """The file to read settings from, or None for none."""
    return environ.get(VARIABLE, DEFAULT) or None
