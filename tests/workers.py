"""Parallel test workers (`pytest -n N`, pytest-xdist): each worker gets its own scratch
database (and with it its own key store, `<database>_keys`), its own Redis databases for the
suite and for the benchmark smoke runs, and so its own log directory (tests/processes.py).
Ports are free ones picked per server, so they never collide.

Importing it isolates; tests/conftest.py does, before anything reads these variables. Outside
xdist, or on its first worker, the environment's names are kept (`konstruct_test` and Redis db 15 by
default; the bench smoke runs take the Redis database just below the suite's); worker N adds
`_gwN` to the database names and takes the Redis databases 2N and 2N + 1 below those.
"""

import os

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
INDEX = int(WORKER.removeprefix("gw")) if WORKER.startswith("gw") else 0

_DATABASE = "konstruct_test"
_ADMIN = f"postgresql://postgres@127.0.0.1:5432/{_DATABASE}"
_APP = f"postgresql://konstruct_app:konstruct_app@127.0.0.1:5432/{_DATABASE}"
_REDIS = "redis://127.0.0.1:6379/15"


def _with_database(url: str, suffix: str) -> str:
    base, _, name = url.rpartition("/")
    return f"{base}/{name}{suffix}"


def _with_redis_db(url: str, db: int) -> str:
    if db < 0:
        raise RuntimeError(f"too many test workers for the Redis databases below {url}")
    return f"{url.rpartition('/')[0]}/{db}"


def isolate() -> None:
    """Point this process's variables at its worker's databases (once per process)."""
    marker = WORKER or "main"
    if os.environ.get("KONSTRUCT_TEST_WORKER_ISOLATED") == marker:
        return
    redis_url = os.environ.get("TEST_REDIS_URL", _REDIS)
    suite_db = int(redis_url.rpartition("/")[2]) - 2 * INDEX
    os.environ["TEST_REDIS_URL"] = _with_redis_db(redis_url, suite_db)
    bench_redis = _with_redis_db(redis_url, suite_db - 1)
    if INDEX == 0:
        os.environ.setdefault("KONSTRUCT_BENCH_REDIS_URL", bench_redis)
    else:
        suffix = f"_gw{INDEX}"
        for name, default in (("TEST_DATABASE_ADMIN_URL", _ADMIN), ("TEST_DATABASE_URL", _APP)):
            os.environ[name] = _with_database(os.environ.get(name, default), suffix)
        bench_database = os.environ.get("KONSTRUCT_BENCH_DATABASE", "konstruct_bench")
        os.environ["KONSTRUCT_BENCH_DATABASE"] = bench_database + suffix
        os.environ["KONSTRUCT_BENCH_REDIS_URL"] = bench_redis
    if WORKER:
        # xdist's workers are given COLUMNS=80, which a rich console fixes as its width when
        # first imported; the CLI's tests set the width per command, as a terminal would.
        os.environ.pop("COLUMNS", None)
    os.environ["KONSTRUCT_TEST_WORKER_ISOLATED"] = marker


isolate()
