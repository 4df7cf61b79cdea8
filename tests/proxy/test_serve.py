"""Preparing LiteLLM's environment: our database stays ours, even with a .env file present."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import ROOT

pytestmark = pytest.mark.integration

PROBE = (
    "import os; from proxy.serve import prepare_environment; prepare_environment(); "
    "import litellm; print(os.environ.get('DATABASE_URL'), os.environ['KONSTRUCT_DATABASE_URL'], "
    "os.environ.get('OPENAI_API_KEY'))"
)


def test_dotenv_database_url_never_reaches_litellm(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "DATABASE_URL=postgresql://from-dotenv@127.0.0.1/db\nOPENAI_API_KEY=sk-from-dotenv\n"
    )
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=tmp_path,
        env={
            "PYTHONPATH": str(ROOT),
            "PATH": "/usr/bin:/bin",
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        },
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    hidden, ours, provider = probe.stdout.split()[-3:]
    assert hidden == "None", "LiteLLM would start its own (Prisma) database"
    assert ours == "postgresql://from-dotenv@127.0.0.1/db"
    assert provider == "sk-from-dotenv", "provider settings from .env must still reach LiteLLM"


BRIDGE_PROBE = "from bridge.settings import Settings; print(Settings().konstruct_proxy_url)"


@pytest.mark.parametrize("probe", [PROBE, BRIDGE_PROBE], ids=["proxy", "bridge"])
def test_an_empty_env_file_setting_reads_no_dotenv(tmp_path: Path, probe: str) -> None:
    """What the suite and the benchmarks set (tests/conftest.py, bench/common.py), so that
    the .env `make up` leaves in a checkout changes none of the servers they start."""
    (tmp_path / ".env").write_text(
        "DATABASE_URL=postgresql://from-dotenv@127.0.0.1/db\nOPENAI_API_KEY=sk-from-dotenv\n"
        "KONSTRUCT_PROXY_URL=http://from-dotenv:4000\n"
    )
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    run = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={**env, "KONSTRUCT_ENV_FILE": ""},
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    assert "from-dotenv" not in run.stdout, run.stdout
    assert "127.0.0.1" in run.stdout  # the defaults
