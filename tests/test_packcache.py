"""The cache of parsed rule packs (corpuslint.packcache): the same data as tomllib, the same errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpuslint.config import ConfigError, load_toml
from corpuslint.packcache import PackCache, cache_file
from corpuslint.packs import builtin_pack_dir, iter_pack_files
from corpuslint.patterns import read_entries


def test_every_builtin_pack_loads_as_tomllib_parses_it_from_the_cache(tmp_path: Path) -> None:
    files = iter_pack_files([builtin_pack_dir()])
    first = PackCache(cache_file(tmp_path))
    assert [first.load(f) for f in files] == [load_toml(f) for f in files]
    assert first.loaded == 0 and first.save()
    second = PackCache(cache_file(tmp_path))
    assert [second.load(f) for f in files] == [load_toml(f) for f in files]
    assert second.loaded == len(files) and not second.save()  # nothing new: not written


def test_each_load_is_a_fresh_copy(tmp_path: Path) -> None:
    pack = tmp_path / "ui-xx.toml"
    pack.write_text('extends = "ui-text"\nlines = ["Abonnez-vous"]\n')
    cache = PackCache(cache_file(tmp_path / "c"))
    cache.load(pack)["lines"].append("changed")  # load_packs pops keys from what it gets
    cache.save()
    again = PackCache(cache_file(tmp_path / "c"))
    assert again.load(pack)["lines"] == ["Abonnez-vous"] and again.loaded == 1
    again.load(pack).pop("extends")
    assert again.load(pack)["extends"] == "ui-text"


def test_an_edited_pack_is_parsed_again(tmp_path: Path) -> None:
    pack = tmp_path / "p.toml"
    pack.write_text('extends = "ui-text"\nlines = ["One"]\n')
    cache = PackCache(cache_file(tmp_path / "c"))
    cache.load(pack)
    cache.save()
    pack.write_text('extends = "ui-text"\nlines = ["Two"]\n')  # same size: the bytes decide
    again = PackCache(cache_file(tmp_path / "c"))
    assert again.load(pack)["lines"] == ["Two"] and again.loaded == 0


@pytest.mark.parametrize(("raw", "message"), [(b"lines = [\n", "invalid TOML"), (b'x = "\xff"\n', "not UTF-8")])
def test_errors_name_the_file_as_load_toml_does(tmp_path: Path, raw: bytes, message: str) -> None:
    pack = tmp_path / "bad.toml"
    pack.write_bytes(raw)
    for load in (PackCache(cache_file(tmp_path / "c")).load, load_toml):
        with pytest.raises(ConfigError, match=f"bad.toml: .*{message}"):
            load(pack)
    with pytest.raises(ConfigError, match="cannot read"):
        PackCache(None).load(tmp_path / "missing.toml")


def test_a_damaged_cache_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    pack = tmp_path / "p.toml"
    pack.write_text('extends = "ui-text"\n')
    path = cache_file(tmp_path / "c")
    path.parent.mkdir()
    path.write_bytes(b"garbage")
    cache = PackCache(path)
    assert cache.load(pack) == {"extends": "ui-text"} and cache.loaded == 0
    assert cache.save() and len(read_entries(path)) == 1


def test_without_a_folder_nothing_is_kept(tmp_path: Path) -> None:
    pack = tmp_path / "p.toml"
    pack.write_text('extends = "ui-text"\n')
    cache = PackCache(None)
    assert cache.load(pack) == {"extends": "ui-text"} and not cache.save()
