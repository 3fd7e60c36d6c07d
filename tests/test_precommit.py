"""The pre-commit hooks (.pre-commit-hooks.yaml), run by the real pre-commit against a throwaway git repository.

``pre-commit try-repo`` carries only *tracked* uncommitted changes of a
repository into its temporary clone, so the hook repository used here is a
snapshot of the working tree (tracked and untracked files that git does not
ignore) committed into a git repository of its own: what is tested is what is
on disk. pre-commit's cache (PRE_COMMIT_HOME) is shared by the whole module, so
the hook's environment is built once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pre_commit")
yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow

DATE = "Publié le 3 mars 2021.\n\n"
CLEAN = DATE + "Le conseil municipal s'est réuni hier soir.\nLa séance a duré deux heures.\n"
RESIDUE = DATE + "Le conseil municipal s'est réuni hier soir. La séance a duré deux heures.\nS'abonner\n"

GIT_ENV = {
    "GIT_AUTHOR_NAME": "corpuslint tests",
    "GIT_AUTHOR_EMAIL": "tests@corpuslint.invalid",
    "GIT_COMMITTER_NAME": "corpuslint tests",
    "GIT_COMMITTER_EMAIL": "tests@corpuslint.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _env(home: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT")) and k != "PYTHONPATH"}
    env.update(GIT_ENV, NO_COLOR="1")
    if home is not None:
        env["PRE_COMMIT_HOME"] = str(home)
    return env


def _run(cmd: list[str | Path], cwd: Path, home: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=_env(home), capture_output=True, text=True, timeout=900)
    if check and proc.returncode != 0:
        pytest.fail(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return _run(["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args], cwd)


def _working_tree_files() -> list[Path]:
    proc = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True,
    )
    if proc.returncode == 0:
        return [ROOT / p for p in proc.stdout.split("\0") if p and (ROOT / p).is_file()]
    skip = {".git", "__pycache__", ".tox", ".venv", "venv", "build", "dist", ".pytest_cache", ".ruff_cache",
            ".mypy_cache", ".corpuslint_cache"}
    return [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree, committed into a repository of its own."""
    if not (ROOT / ".pre-commit-hooks.yaml").is_file():
        pytest.skip("no .pre-commit-hooks.yaml at the top of the source tree")
    dest = tmp_path_factory.mktemp("hook-repo")
    for f in _working_tree_files():
        target = dest / f.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, target)
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "snapshot of the working tree")
    return dest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty git repository to commit documents into."""
    repo = tmp_path / "project"
    repo.mkdir()
    _git(repo, "init", "-q")
    return repo


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")


def try_repo(project: Path, hook_repo: Path, home: Path, hook: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``pre-commit try-repo`` on the staged files. It builds the hook's environment anew each time."""
    _git(project, "add", "-A")
    return _run([sys.executable, "-m", "pre_commit", "try-repo", hook_repo, hook, "--color", "never", *args],
                project, home, check=False)


def run_hook(project: Path, hook_repo: Path, home: Path, hook: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``pre-commit run HOOK`` on the staged files (as at commit time), the hook repo pinned in the config.

    Unlike try-repo, this uses PRE_COMMIT_HOME, so the environment is built once for the module.
    """
    config = project / ".pre-commit-config.yaml"
    if not config.exists():
        rev = _git(hook_repo, "rev-parse", "HEAD").stdout.strip()
        hooks = [{"id": "corpuslint"}, {"id": "corpuslint-fix"}]
        config.write_text(yaml.safe_dump({"repos": [{"repo": str(hook_repo), "rev": rev, "hooks": hooks}]}))
    _git(project, "add", "-A")
    return _run([sys.executable, "-m", "pre_commit", "run", hook, "--color", "never", *args],
                project, home, check=False)


# -- the manifest --------------------------------------------------------------------------


def test_manifest() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"corpuslint", "corpuslint-fix"}
    assert hooks["corpuslint"]["entry"] == "corpuslint"
    assert hooks["corpuslint-fix"]["entry"] == "corpuslint --fix"
    for h in hooks.values():
        assert h["language"] == "python"
        assert h["types_or"] == ["plain-text", "markdown", "json"]
        assert h["require_serial"] is True
        assert h["minimum_pre_commit_version"] == "3.0.0"


# -- pre-commit try-repo, pre-commit run --------------------------------------------------------


def test_try_repo(project: Path, hook_repo: Path, pre_commit_home: Path) -> None:
    write(project, {"corpus/clean.txt": CLEAN, "corpus/residue.txt": RESIDUE})
    proc = try_repo(project, hook_repo, pre_commit_home, "corpuslint")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "corpus/residue.txt:4:1: RES001 [ui-text] web-page UI text: 'S'abonner'" in proc.stdout
    assert "clean.txt" not in proc.stdout


def test_clean_document_passes(project: Path, hook_repo: Path, pre_commit_home: Path) -> None:
    write(project, {"corpus/article.txt": CLEAN, "README.md": DATE + "Un corpus de test.\n", "script.py": "x = 1\n"})
    proc = run_hook(project, hook_repo, pre_commit_home, "corpuslint")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "corpuslint" in proc.stdout and "Passed" in proc.stdout


def test_residue_fails_with_the_finding(project: Path, hook_repo: Path, pre_commit_home: Path) -> None:
    write(project, {"corpus/clean.txt": CLEAN, "corpus/residue.txt": RESIDUE})
    proc = run_hook(project, hook_repo, pre_commit_home, "corpuslint")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Failed" in proc.stdout
    assert "corpus/residue.txt:4:1: RES001 [ui-text] web-page UI text: 'S'abonner'" in proc.stdout
    assert "clean.txt" not in proc.stdout


@pytest.mark.parametrize("glob", [
    "drafts/*",
    pytest.param("drafts"),
])
def test_excluded_path_is_not_linted(project: Path, hook_repo: Path, pre_commit_home: Path, glob: str) -> None:
    write(project, {
        "corpuslint.toml": f'extend-exclude = ["{glob}"]\n',
        "article.txt": CLEAN,
        "drafts/residue.txt": RESIDUE,
    })
    proc = run_hook(project, hook_repo, pre_commit_home, "corpuslint", "--all-files")
    assert "residue.txt" not in proc.stdout
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_fix_hook_applies_safe_fixes(project: Path, hook_repo: Path, pre_commit_home: Path) -> None:
    write(project, {"bom.txt": b"\xef\xbb\xbf" + CLEAN.encode(), "residue.txt": RESIDUE})
    proc = run_hook(project, hook_repo, pre_commit_home, "corpuslint-fix")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "files were modified by this hook" in proc.stdout
    assert (project / "bom.txt").read_bytes() == CLEAN.encode()  # the safe fix (drop the BOM) was applied
    assert (project / "residue.txt").read_text(encoding="utf-8") == RESIDUE  # the unsafe one was not
    assert "RES001" in proc.stdout

    # with the residue removed by hand and the fixed file staged, the hook passes
    (project / "residue.txt").write_text(DATE + "Un autre article, sans reste de page.\n", encoding="utf-8")
    proc = run_hook(project, hook_repo, pre_commit_home, "corpuslint-fix")
    assert proc.returncode == 0, proc.stdout + proc.stderr


# -- a real commit through an installed hook ----------------------------------------------------


def test_git_commit_runs_the_hook(project: Path, hook_repo: Path, pre_commit_home: Path) -> None:
    rev = _git(hook_repo, "rev-parse", "HEAD").stdout.strip()
    config = {"repos": [{"repo": str(hook_repo), "rev": rev, "hooks": [{"id": "corpuslint"}]}]}
    write(project, {".pre-commit-config.yaml": yaml.safe_dump(config)})
    _run([sys.executable, "-m", "pre_commit", "install"], project, pre_commit_home)

    write(project, {"article.txt": CLEAN})
    _git(project, "add", "-A")
    proc = _run(["git", "commit", "-m", "clean"], project, pre_commit_home, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    write(project, {"residue.txt": RESIDUE})
    _git(project, "add", "-A")
    proc = _run(["git", "commit", "-m", "residue"], project, pre_commit_home, check=False)
    assert proc.returncode != 0
    assert "residue.txt:4:1: RES001" in proc.stdout + proc.stderr
    log = _git(project, "log", "--format=%s").stdout.split()
    assert log == ["clean"]
