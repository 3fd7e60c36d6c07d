"""--engine ray on a real local Ray cluster (ray.init(num_cpus=2), several worker processes)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("ray", reason="Ray (corpuslint[ray]) is not installed")

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def corpuslint(*argv: str, cwd: Path) -> tuple[int, str]:
    p = subprocess.run([sys.executable, "-m", "corpuslint", "--isolated", "--no-cache", *argv],
                       capture_output=True, text=True, cwd=cwd, timeout=600)
    return p.returncode, p.stdout


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("raycorpus")
    shutil.copytree(ROOT / "seeds", root / "seeds")
    text = (ROOT / "seeds" / "000_b34cd99637ad82f6.txt").read_text(encoding="utf-8")
    # planted: an exact duplicate, near-duplicates, and site boilerplate shared by many documents
    shutil.copy(ROOT / "seeds" / "003_a82796ccd2587049.txt", root / "seeds" / "010_copy.txt")
    records = []
    for i in range(40):
        body = text.replace("Netflix", f"Netflix{i % 3}") if i % 10 == 0 else f"Article {i}: " + " ".join(
            f"mot{(i * 7 + k) % 97}" for k in range(120)) + "."
        records.append({"id": f"r{i}", "text": body + "\nRejoignez la communauté Exemple\nPartagez vos passions\n"})
    (root / "corpus.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return root


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_ray_engine_equals_local_engine(corpus: Path, fmt: str) -> None:
    local = corpuslint("--format", fmt, "-j2", "seeds", "corpus.jsonl", cwd=corpus)
    ray = corpuslint("--format", fmt, "--engine", "ray", "-j2", "seeds", "corpus.jsonl", cwd=corpus)
    assert ray == local
    assert local[0] == 1
    if fmt == "json":
        codes = {f["code"] for f in json.loads(local[1])}
        assert {"DUP101", "RES101", "RES001"} <= codes


def test_ray_engine_refuses_fix(corpus: Path) -> None:
    p = subprocess.run([sys.executable, "-m", "corpuslint", "--engine", "ray", "--fix", "seeds"],
                       capture_output=True, text=True, cwd=corpus)
    assert p.returncode == 2 and "does not apply fixes" in p.stderr
