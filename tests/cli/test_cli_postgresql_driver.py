"""A PostgreSQL URL whose driver is missing or broken says what to install, whether or not
this machine has psycopg: the driver's import is made to fail in the ``pledges`` process by a
stand-in module put first on its path."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import ROOT
from tests.support.cli_run import pledges

EXTRA = "pip install 'pledges[postgresql]'"


def blocked(tmp_path: Path, module: str, error: str) -> dict[str, str]:
    """An environment in which ``import MODULE`` raises ``error`` (Python source)."""
    stand_in = tmp_path / "blocked" / module
    stand_in.mkdir(parents=True)
    (stand_in / "__init__.py").write_text(f"raise {error}\n")
    return {"PYTHONPATH": f"{stand_in.parent}:{ROOT}"}


def not_installed(module: str) -> str:
    return f'ModuleNotFoundError("No module named {module!r}", name={module!r})'


@pytest.mark.parametrize(
    "url", ["postgresql://analyst:secret@db.example/ledger", "postgresql+psycopg://db/ledger"]
)
@pytest.mark.parametrize("command", [("list",), ("import", "x.yaml"), ("check",), ()])
def test_without_psycopg_every_command_says_what_to_install(
    tmp_path: Path, url: str, command: tuple[str, ...]
) -> None:
    env = blocked(tmp_path, "psycopg", not_installed("psycopg"))
    (tmp_path / "x.yaml").write_text("format: pledges/1\n")
    result = pledges(*command, "--db", url, env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.endswith(
        f": the PostgreSQL driver psycopg is not installed; install it with {EXTRA} "
        "(or 'psycopg[binary]')\n"
    ), result.stderr
    assert "internal error" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert "secret" not in result.stderr


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        # Installed without its binary part and without libpq, psycopg fails to import so.
        ("ImportError('no pq wrapper available.')", "no pq wrapper available."),
        # A module it needs is missing: psycopg is there, something else is not.
        (
            'ModuleNotFoundError("No module named \'typing_extensions\'", name="typing_extensions")',
            "No module named 'typing_extensions'",
        ),
        # A damaged install.
        ("RuntimeError('half an install')", "RuntimeError: half an install"),
    ],
)
def test_a_psycopg_that_cannot_load_says_why(tmp_path: Path, error: str, reason: str) -> None:
    env = blocked(tmp_path, "psycopg", error)
    result = pledges("list", "--db", "postgresql://db.example/ledger", env=env)
    assert result.returncode == 1
    assert f"the PostgreSQL driver psycopg cannot be loaded ({reason})" in result.stderr
    assert EXTRA in result.stderr and "internal error" not in result.stderr


def test_another_missing_driver_is_named_and_psycopg_offered(tmp_path: Path) -> None:
    env = blocked(tmp_path, "psycopg2", not_installed("psycopg2"))
    result = pledges("list", "--db", "postgresql+psycopg2://db.example/ledger", env=env)
    assert result.returncode == 1
    assert "the PostgreSQL driver psycopg2 is not installed; install it (pip install psycopg2)" in (
        result.stderr
    )
    assert f"or use postgresql+psycopg://... ({EXTRA} installs it)" in result.stderr


def test_an_asyncio_driver_is_refused_before_it_is_loaded(tmp_path: Path) -> None:
    result = pledges("list", "--db", "postgresql+asyncpg://db.example/ledger")
    assert result.returncode == 1
    assert "asyncpg is a driver for asyncio programs, which pledges is not" in result.stderr
    assert "internal error" not in result.stderr


def test_the_extra_names_the_driver_pledges_uses() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(
        d.startswith("psycopg[binary]") for d in project["optional-dependencies"]["postgresql"]
    )
