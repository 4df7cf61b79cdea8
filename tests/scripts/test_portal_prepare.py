"""`make up` builds the portal beside the Python install, and its start does not build again:
the build stamp is a digest of what the build reads, and only that."""

import subprocess
import sys
from pathlib import Path

import pytest

from scripts import portal

pytestmark = pytest.mark.unit


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, text in {
        "package.json": "{}",
        "package-lock.json": "{}",
        "app/page.tsx": "export default function Page() { return null; }",
        "tests/page.test.tsx": "test",
        "node_modules/x/index.js": "module.exports = 1",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.setattr(portal, "PORTAL", tmp_path)
    monkeypatch.setattr(portal, "BUILD_STAMP", tmp_path / ".next" / ".konstruct-built")
    return tmp_path


def test_the_digest_follows_sources_and_the_lock_but_not_tests_or_installed_packages(
    tree: Path,
) -> None:
    first = portal.sources_digest()
    (tree / "tests" / "page.test.tsx").write_text("another test")
    (tree / "node_modules" / "x" / "index.js").write_text("module.exports = 2")
    (tree / ".next").mkdir()
    (tree / ".next" / "build-output.js").write_text("built")
    assert portal.sources_digest() == first
    (tree / "app" / "page.tsx").write_text("export default function Page() { return 1; }")
    assert portal.sources_digest() != first
    changed = portal.sources_digest()
    (tree / "package-lock.json").write_text('{"lockfileVersion": 3}')
    assert portal.sources_digest() != changed


def test_prepare_skips_a_build_of_the_same_sources(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tree / ".next").mkdir()
    portal.BUILD_STAMP.write_text(portal.sources_digest())
    portal.prepare()  # would run npm in tree (no node_modules stamp, no build script): it must not
    assert "the build is up to date" in capsys.readouterr().err


def test_prepare_runs_without_the_virtualenv() -> None:
    """`make up` starts it with the machine's python3 before .venv exists: the module imports
    nothing but the standard library (`-S`: no site-packages at all)."""
    done = subprocess.run(
        [
            sys.executable,
            "-S",
            "-I",
            "-c",
            "import sys; sys.path.insert(0, '.'); import scripts.portal",
        ],
        cwd=portal.ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
