"""Shared fixtures. Keep this file small: fixtures used by one test module live in that module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE_PLUGIN = Path(__file__).resolve().parent / "example_plugin"


@pytest.fixture(scope="session")
def example_plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plugin (tests/example_plugin) installed into a folder of its own.

    Returns the folder: put it on ``PYTHONPATH`` of a subprocess to make
    corpuslint find the plugin through its entry points. The package is built
    by pip (in build isolation, so its build backend comes from the index) and
    installed without dependencies: corpuslint itself is the one under test.
    """
    target = tmp_path_factory.mktemp("example-plugin-site")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile",
         "--target", str(target), str(EXAMPLE_PLUGIN)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        pytest.fail(f"installing the example plugin failed:\n{proc.stdout}\n{proc.stderr}")
    assert (target / "corpuslint_example" / "__init__.py").is_file()
    return target
