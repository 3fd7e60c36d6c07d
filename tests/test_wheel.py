"""The wheel: built from the source tree, installed in a fresh virtual environment, run outside the repo.

Proves that the rule packs (``rules/`` in the repo) ship inside the wheel as
``corpuslint/_rules`` and that the installed command finds them: without them
RES001 (ui-text) and the date rules would have no vocabulary.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = "Scripts" if sys.platform == "win32" else "bin"

pytestmark = pytest.mark.slow


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env, timeout=900, **kw)


def _check(proc: subprocess.CompletedProcess[str], what: str) -> None:
    if proc.returncode != 0:
        pytest.fail(f"{what} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (ROOT / "rules").is_dir():
        pytest.skip("not a source checkout: no rules/ folder next to pyproject.toml")
    out = tmp_path_factory.mktemp("dist")
    _check(_run([sys.executable, "-m", "build", "--wheel", "--outdir", out, ROOT]), "python -m build --wheel")
    [whl] = out.glob("corpuslint-*.whl")
    return whl


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel and its dependencies (from the package index)."""
    env_dir = tmp_path_factory.mktemp("venv")
    _check(_run([sys.executable, "-m", "venv", env_dir]), "python -m venv")
    python = env_dir / BIN / "python"
    _check(_run([python, "-m", "pip", "install", "--quiet", wheel]), "pip install <wheel>")
    return env_dir


def test_wheel_contains_the_rule_packs(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        eps = z.read(entry_points).decode()
    assert "corpuslint/_rules/residue/ui-fr.toml" in names
    shipped = {f"corpuslint/_rules/{p.relative_to(ROOT / 'rules').as_posix()}" for p in (ROOT / "rules").rglob("*.toml")}
    assert shipped and shipped <= names, sorted(shipped - names)
    assert "corpuslint/__init__.py" in names and "corpuslint/families/residue.py" in names
    assert not [n for n in names if n.startswith(("tests/", "seeds/", "rules/"))]
    assert "corpuslint = corpuslint.cli:main" in eps
    assert "corpuslint = corpuslint.pytest_plugin" in eps  # [pytest11]


def test_installed_wheel_lints_the_seeds(venv: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(ROOT / "seeds", work / "seeds")
    corpuslint = venv / BIN / "corpuslint"

    version = _run([corpuslint, "--version"], cwd=work)
    assert version.returncode == 0 and version.stdout.startswith("corpuslint "), version.stderr

    where = _run([venv / BIN / "python", "-c", "import corpuslint.packs as p; print(p.builtin_pack_dir())"], cwd=work)
    pack_dir = Path(where.stdout.strip())
    assert pack_dir.name == "_rules" and venv.resolve() in pack_dir.resolve().parents, where.stdout + where.stderr

    proc = _run([corpuslint, "seeds/"], cwd=work)
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert proc.stderr == ""
    assert "seeds/003_a82796ccd2587049.txt:5:1: RES001 [ui-text] web-page UI text: 'S'abonner'" in out
    assert "seeds/002_029dc54680174176.txt: DAT001 [missing-date]" in out
    assert "in 5 documents" in out
