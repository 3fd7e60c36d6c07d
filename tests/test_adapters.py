"""Adapters: the datatrove pipeline step and the Hugging Face datasets recipes (issue #8).

Each is skipped, saying why, when its library is not installed. Nothing here may
use the network: datasets runs offline on an in-memory Dataset, and every socket
connection attempt fails the test.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
from pathlib import Path

import pytest

# datasets reads these when it is imported: offline, and a cache of the test's own
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from corpuslint.api import Linter  # noqa: E402

MOJIBAKE = "Le cafÃ© est prÃªt.\nS'abonner\n"
CLEAN = "Un texte propre, publié le 3 mars 2021.\n"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self, address):  # noqa: ANN001
        if isinstance(address, tuple):  # AF_UNIX sockets (local process pipes) are fine
            raise AssertionError(f"network access in a test: {address}")
        return real(self, address)

    real = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", refuse)


# --------------------------------------------------------------------------- datatrove
def _datatrove():
    return pytest.importorskip("datatrove", reason="datatrove is not installed (pip install 'corpuslint[datatrove]')")


def test_datatrove_step_annotates() -> None:
    _datatrove()
    from datatrove.data import Document

    from corpuslint.adapters.datatrove import CorpuslintAnnotator

    step = CorpuslintAnnotator({"select": ["ENC", "RES"]})
    docs = [Document(text=MOJIBAKE, id="1", metadata={"lang": "fr", "file_path": "in/a.jsonl"}),
            Document(text=CLEAN, id="2")]
    out = list(step.run(iter(docs)))
    assert [d.id for d in out] == ["1", "2"]
    found = out[0].metadata["corpuslint"]
    assert [f["code"] for f in found] == ["ENC003", "ENC003", "RES001"]
    assert found[0]["path"] == "in/a.jsonl" and found[0]["record"] == "1"
    assert out[1].metadata["corpuslint"] == []
    assert step.stats["corpuslint_ENC003"].total == 1  # documents hit by the rule
    assert step.stats["corpuslint_findings"].total == 3


def test_datatrove_step_drops_and_caps() -> None:
    _datatrove()
    from datatrove.data import Document

    from corpuslint.adapters.datatrove import CorpuslintAnnotator

    docs = lambda: [Document(text=MOJIBAKE, id="1"), Document(text=CLEAN + "S'abonner\n", id="2")]  # noqa: E731
    kept = list(CorpuslintAnnotator({"select": ["ENC", "RES"]}, drop_severity="error").run(iter(docs())))
    assert [d.id for d in kept] == ["2"]
    kept = list(CorpuslintAnnotator({"select": ["ENC", "RES"]}, drop_codes=["RES001"]).run(iter(docs())))
    assert kept == []
    step = CorpuslintAnnotator({"select": ["ENC", "RES"]}, max_findings=1)
    one = list(step.run(iter(docs())))[0]
    assert len(one.metadata["corpuslint"]) == 1 and one.metadata["corpuslint_total"] == 3
    assert step.stats["dropped"].total == 0


def test_datatrove_pipeline_end_to_end(tmp_path: Path) -> None:
    """Reader -> corpuslint -> writer, run by datatrove's local executor (in worker processes)."""
    _datatrove()
    pytest.importorskip("orjson", reason="datatrove's JSONL reader needs orjson (pip install 'datatrove[io]')")
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from corpuslint.adapters.datatrove import CorpuslintAnnotator

    src = tmp_path / "in"
    src.mkdir()
    rows = [{"id": "m", "text": MOJIBAKE}, {"id": "c", "text": CLEAN}, {"id": "r", "text": CLEAN + "S'abonner\n"}]
    (src / "part.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                                    encoding="utf-8")
    executor = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(src)),
            CorpuslintAnnotator({"select": ["ENC", "RES"]}, drop_severity="error",
                                exclusion_writer=JsonlWriter(str(tmp_path / "rejected"), compression=None)),
            JsonlWriter(str(tmp_path / "out"), compression=None),
        ],
        tasks=1,
        workers=1,
        logging_dir=str(tmp_path / "logs"),
    )
    executor.run()
    kept = [json.loads(line) for p in sorted((tmp_path / "out").glob("*")) for line in _lines(p)]
    rejected = [json.loads(line) for p in sorted((tmp_path / "rejected").glob("*")) for line in _lines(p)]
    assert [r["id"] for r in kept] == ["c", "r"]
    assert [f["code"] for f in kept[1]["metadata"]["corpuslint"]] == ["RES001"]
    assert [r["id"] for r in rejected] == ["m"]
    assert rejected[0]["metadata"]["filter_reason"] == "corpuslint:ENC003"


def _lines(p: Path) -> list[str]:
    data = gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()
    return [ln for ln in data.decode("utf-8").splitlines() if ln.strip()]


# --------------------------------------------------------------------------- datasets
def _datasets():
    return pytest.importorskip("datasets", reason="datasets is not installed (pip install 'corpuslint[datasets]')")


@pytest.fixture
def dataset():
    datasets = _datasets()
    return datasets.Dataset.from_dict({
        "id": ["m", "c", "r"],
        "text": [MOJIBAKE, CLEAN, CLEAN + "Share this article\n"],
        "lang": ["fr", "fr", "fr"],
    })


def test_datasets_map_and_filter(dataset) -> None:
    from corpuslint.adapters import hf_datasets as cl

    linter = Linter({"select": ["ENC", "RES"]})
    annotated = cl.annotate(dataset, linter, id_column="id")
    assert annotated.column_names == ["id", "text", "lang", "corpuslint"]
    assert annotated.features["corpuslint"] == cl.features()["corpuslint"]
    rows = annotated["corpuslint"]
    assert [f["code"] for f in rows[0]] == ["ENC003", "ENC003", "RES001"]
    assert rows[0][0]["record"] == "m" and rows[0][0]["fix"] == "safe" and rows[0][0]["line"] == 1
    assert list(rows[1]) == []
    errors = annotated.filter(cl.has_findings, fn_kwargs={"severity": "error"})
    assert list(errors["id"]) == ["m"]
    residue = annotated.filter(cl.has_findings, fn_kwargs={"codes": ["RES001"]})
    assert list(residue["id"]) == ["m", "r"]
    assert list(cl.drop(dataset, linter)["id"]) == ["c", "r"]
    assert list(cl.drop(dataset, linter, severity="warning")["id"]) == ["c"]


def test_datasets_plain_map_function(dataset) -> None:
    """The recipe without the helpers: Dataset.map with lint_batch and the features."""
    from corpuslint.adapters import hf_datasets as cl

    out = dataset.map(cl.lint_batch, batched=True, batch_size=2, features=cl.features(dataset.features, "issues"),
                      fn_kwargs={"column": "issues"})
    assert [len(x) for x in out["issues"]] == [len(cl.lint_batch({"text": [t]})["corpuslint"][0])
                                               for t in dataset["text"]]


def test_datasets_num_proc(dataset) -> None:
    """The Linter pickles to the worker processes."""
    from corpuslint.adapters import hf_datasets as cl

    out = cl.annotate(dataset, Linter({"select": ["ENC"]}), num_proc=2, batch_size=1)
    assert [sorted({f["code"] for f in row}) for row in out["corpuslint"]] == [["ENC003"], [], []]
