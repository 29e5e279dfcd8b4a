from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def _session_user_cache(tmp_path_factory):
    """The derived data the suite computes (the rule sets of thousands of temporary
    projects) goes to the session's own user cache, not the developer's ~/.cache;
    subprocesses inherit it."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if before is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture
def run_cli(tmp_path, monkeypatch):
    """Run `copydesk ARGS` in a subprocess (the real entry point) and return the result."""

    def run(*args: str, cwd: Path | None = None, stdin: bytes | None = None, env: dict | None = None):
        full_env = dict(os.environ, **(env or {}))
        full_env.pop("COPYDESK_DEBUG", None)
        return subprocess.run(
            [sys.executable, "-m", "lint", *args],
            cwd=cwd or tmp_path,
            input=stdin,
            capture_output=True,
            env=full_env,
            timeout=120,
        )

    return run
