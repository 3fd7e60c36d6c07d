"""Plugins: inline pluggy objects, the installed example plugin, crash isolation, fail-soft loading.

The installed plugin (tests/example_plugin, fixture ``example_plugin_path``) is
found through its ``corpuslint`` entry points by a subprocess whose PYTHONPATH
holds the folder it was installed into. Broken plugins are faked with a bare
``*.dist-info`` folder (METADATA + entry_points.txt) next to their module.
"""

from __future__ import annotations

import functools
import importlib
import io
import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path

import pluggy
import pytest

from corpuslint.config import ConfigError, ConfigKey, Settings
from corpuslint.hookspecs import hookimpl
from corpuslint.model import Document, Finding, Violation
from corpuslint.plugins import DEFAULT_PLUGINS, get_plugin_manager
from corpuslint.reporters import Reporter, Summary
from corpuslint.rule import Rule, RuleContext, rule
from corpuslint.session import open_session

DATE = "Publié le 3 mars 2021.\n\n"
CLEAN = DATE + "Le conseil municipal s'est réuni hier soir.\nLa séance a duré deux heures.\n"
SHOUTING = DATE + "Le conseil municipal s'est réuni hier soir.\nLE GOUVERNEMENT ANNONCE DES MESURES\nLa séance a duré deux heures.\n"
CRASH_MARKER = "corpuslint-example: crash"


# -- helpers -------------------------------------------------------------------------


def run(
    args: Sequence[str], cwd: Path, pythonpath: Sequence[Path] = (), module: str = "corpuslint"
) -> subprocess.CompletedProcess[str]:
    """``python -m <module> args`` in ``cwd`` with ``pythonpath`` in front of PYTHONPATH."""
    env = dict(os.environ, NO_COLOR="1")
    parts = [str(p) for p in pythonpath]
    if env.get("PYTHONPATH"):
        parts.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(parts)
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def fake_distribution(site: Path, dist: str, entry_points: dict[str, str], modules: dict[str, str]) -> Path:
    """A minimal installed distribution in ``site``: enough for importlib.metadata to list its entry points."""
    info = site / f"{dist.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n", encoding="utf-8")
    eps = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[corpuslint]\n{eps}", encoding="utf-8")
    for name, source in modules.items():
        (site / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return site


def codes(output: str) -> list[str]:
    """Rule codes of the text reporter's finding lines (``path[:line:col]: CODE ...``)."""
    return re.findall(r"^\S+: ([A-Z]{2,4}[0-9]{3}) ", output, flags=re.MULTILINE)


# -- (a) inline plugin objects ----------------------------------------------------------


@rule("TST001", "xyzzy-line", category="residue", unit="line")
def xyzzy_line(unit: tuple[int, str], ctx: RuleContext) -> Iterator[Violation]:
    """A line containing the magic word `xyzzy`.

    ## What it does
    Flags the word.

    ## Why it matters
    Tests need a rule.

    ## Example
    `xyzzy`

    ## Fix
    Remove it.
    """
    _lineno, line = unit
    i = line.find("xyzzy")
    if i >= 0:
        yield Violation("magic word", i, i + 5)


class CountReporter(Reporter):
    """``--format count``: one ``CODE N`` line per rule."""

    def start(self) -> None:
        self.counts: dict[str, int] = {}

    def report(self, finding: Finding) -> None:
        self.counts[finding.code] = self.counts.get(finding.code, 0) + 1

    def finish(self, summary: Summary) -> None:
        for code, n in sorted(self.counts.items()):
            self.out.write(f"{code} {n}\n")


class InlinePlugin:
    """A plugin object: hook implementations are its methods."""

    @hookimpl
    def corpuslint_rules(self) -> list[Rule]:
        return [xyzzy_line]

    @hookimpl
    def corpuslint_reporters(self) -> dict[str, type[Reporter]]:
        return {"count": CountReporter}


def inline_session(tmp_path: Path, *plugins: object, **kw: object):
    return open_session(tmp_path, isolated=True, extra_plugins=list(plugins), entry_points=False, **kw)


def test_inline_plugin_rule_and_reporter(tmp_path: Path) -> None:
    session = inline_session(tmp_path, InlinePlugin())
    r = session.ruleset.rules["TST001"]
    assert r.plugin  # the plugin manager's name for the object
    assert "TST001" in [a.code for a in session.ruleset.active]
    findings = session.lint_text(DATE + "Un texte.\nEt puis xyzzy ici.\n", "t.txt")
    [f] = [f for f in findings if f.code == "TST001"]
    assert (f.line, f.column, f.end_column) == (4, 9, 14)  # offsets relative to the line, made absolute

    reporters: dict[str, type[Reporter]] = {}
    for found in session.manager.hook.corpuslint_reporters():
        reporters.update(found or {})
    assert {"text", "json", "count"} <= set(reporters)
    out = io.StringIO()
    rep = reporters["count"](out)
    rep.start()
    for finding in findings:
        rep.report(finding)
    rep.finish(Summary(findings=len(findings)))
    assert "TST001 1\n" in out.getvalue()


def test_inline_plugin_through_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """The CLI opens its session with open_session: inject the inline plugin there."""
    import corpuslint.session
    from corpuslint.cli import main

    real = corpuslint.session.open_session
    monkeypatch.setattr(
        corpuslint.session, "open_session",
        functools.partial(real, extra_plugins=[InlinePlugin()], entry_points=False),
    )
    write(tmp_path, {"a.txt": DATE + "xyzzy\nUn texte.\n", "b.txt": DATE + "Un texte.\nxyzzy, ici.\n"})
    code = main([str(tmp_path), "--isolated", "--select", "TST001", "--format", "count", "-j", "1"])
    assert capsys.readouterr().out == "TST001 2\n"
    assert code == 1


class TextOverride:
    @hookimpl
    def corpuslint_reporters(self) -> dict[str, type[Reporter]]:
        return {"text": CountReporter}


def test_plugin_cannot_replace_a_builtin_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import corpuslint.session
    from corpuslint.cli import main

    real = corpuslint.session.open_session
    monkeypatch.setattr(
        corpuslint.session, "open_session",
        functools.partial(real, extra_plugins=[TextOverride()], entry_points=False),
    )
    write(tmp_path, {"a.txt": DATE + "S'abonner\n"})
    main([str(tmp_path), "--isolated", "--select", "RES001", "-j", "1"])
    assert "RES001 [ui-text]" in capsys.readouterr().out


def test_get_plugin_manager_registers_builtins_and_extra() -> None:
    plugin = InlinePlugin()
    manager = get_plugin_manager(entry_points=False, extra=[plugin])
    names = manager.names()
    assert [n for n, _ in DEFAULT_PLUGINS] == [n for n in names if n in dict(DEFAULT_PLUGINS)]
    assert manager.pm.is_registered(plugin)
    assert manager.load_errors == []


def test_misspelt_hook_is_rejected() -> None:
    class Typo:
        @hookimpl
        def corpuslint_rulez(self) -> list[Rule]:
            return [xyzzy_line]

    with pytest.raises(pluggy.PluginValidationError, match="corpuslint_rulez"):
        get_plugin_manager(entry_points=False, extra=[Typo()])


def test_hook_with_unknown_argument_is_rejected() -> None:
    class WrongArgument:
        @hookimpl
        def corpuslint_annotate(self, doc: Document) -> None:  # the spec's argument is `document`
            pass

    with pytest.raises(pluggy.PluginValidationError, match="doc"):
        get_plugin_manager(entry_points=False, extra=[WrongArgument()])


class KeyPlugin:
    def __init__(self) -> None:
        self.seen: list[object] = []

    @hookimpl
    def corpuslint_config_keys(self) -> list[ConfigKey]:
        return [ConfigKey("tst-words", list, ["a"], "Words for the test plugin.", str)]

    @hookimpl
    def corpuslint_configure(self, settings: Settings) -> None:
        self.seen.append(settings.extra["tst-words"])


def test_plugin_config_key(tmp_path: Path) -> None:
    cfg = tmp_path / "corpuslint.toml"
    cfg.write_text('tst-words = ["b", "c"]\n', encoding="utf-8")
    plugin = KeyPlugin()
    session = open_session(tmp_path, extra_plugins=[plugin], entry_points=False)
    assert session.settings.extra["tst-words"] == ["b", "c"]
    assert plugin.seen == [["b", "c"]]
    # without the plugin, the key is unknown
    with pytest.raises(ConfigError, match="tst-words"):
        open_session(tmp_path, entry_points=False)
    # and its type is checked
    cfg.write_text('tst-words = "b"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="tst-words"):
        open_session(tmp_path, extra_plugins=[KeyPlugin()], entry_points=False)


# -- (b) the installed example plugin -----------------------------------------------------


def test_example_plugin_lists_its_rules(example_plugin_path: Path, tmp_path: Path) -> None:
    proc = run(["--list-rules", "--format", "json", "--isolated"], tmp_path, [example_plugin_path])
    assert proc.returncode == 0, proc.stderr
    rules = {r["code"]: r for r in json.loads(proc.stdout)}
    assert rules["EX001"]["name"] == "shouting-line"
    assert rules["EX001"]["plugin"] == "example"
    assert rules["EX001"]["category"] == "residue"
    assert rules["EX001"]["enabled"] is True
    assert rules["EX002"]["name"] == "lorem-ipsum"  # defined by the pack the plugin ships
    assert rules["EX900"]["enabled"] is False  # the crashing rule is off by default
    assert rules["EX900"]["plugin"] == "example-crash"

    text = run(["--list-rules", "--isolated"], tmp_path, [example_plugin_path])
    assert "EX001  on   warning" in text.stdout
    assert "shouting-line" in text.stdout


def test_example_plugin_rule_fires_from_the_cli(example_plugin_path: Path, tmp_path: Path) -> None:
    write(tmp_path, {
        "corpus/clean.txt": CLEAN,
        "corpus/shout.txt": SHOUTING,
        "corpus/lorem.txt": DATE + "Un article.\nLorem ipsum dolor sit amet, consectetur.\n",
    })
    proc = run(["corpus", "-j", "1"], tmp_path, [example_plugin_path])
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "corpus/shout.txt:4:1: EX001 [shouting-line] line in capitals (31 letters)" in proc.stdout
    assert "corpus/lorem.txt:4:1: EX002 [lorem-ipsum] placeholder text: 'Lorem ipsum dolor sit amet, consectetur.'" in proc.stdout
    assert "clean.txt" not in proc.stdout
    assert proc.stderr == ""


def test_example_plugin_options_and_config_key(example_plugin_path: Path, tmp_path: Path) -> None:
    write(tmp_path, {"shout.txt": SHOUTING})
    assert "EX001" in codes(run(["--select", "EX001", "."], tmp_path, [example_plugin_path]).stdout)

    # a rule option, in the rule's table
    write(tmp_path, {"corpuslint.toml": "[rules.EX001]\nmin-letters = 40\n"})
    proc = run(["--select", "EX001", "."], tmp_path, [example_plugin_path])
    assert (proc.returncode, codes(proc.stdout)) == (0, []), proc.stdout + proc.stderr

    # the plugin-wide key the plugin declares with corpuslint_config_keys
    write(tmp_path, {"corpuslint.toml": 'example-allow = ["LE GOUVERNEMENT ANNONCE DES MESURES"]\n'})
    proc = run(["--select", "EX001", "."], tmp_path, [example_plugin_path])
    assert (proc.returncode, codes(proc.stdout)) == (0, []), proc.stdout + proc.stderr

    # an unknown option is a configuration error naming the rule's options
    write(tmp_path, {"corpuslint.toml": "[rules.EX001]\nmin-letter = 4\n"})
    proc = run(["."], tmp_path, [example_plugin_path])
    assert proc.returncode == 2
    assert "unknown option 'min-letter' for rule EX001" in proc.stderr
    assert "min-letters" in proc.stderr


def test_example_plugin_explain(example_plugin_path: Path, tmp_path: Path) -> None:
    proc = run(["--explain", "EX001", "--isolated"], tmp_path, [example_plugin_path])
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("# EX001 shouting-line")
    assert "plugin: `example`" in out
    for section in ("What it does", "Why it matters", "Example", "Fix"):
        assert f"**{section}.**" in out
    assert "`min-letters`" in out  # the options table
    by_name = run(["--explain", "shouting-line", "--isolated"], tmp_path, [example_plugin_path])
    assert by_name.stdout == out


def test_example_plugin_docs_have_all_sections(example_plugin_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from corpuslint.rule import DOC_SECTIONS, doc_sections

    monkeypatch.syspath_prepend(str(example_plugin_path))
    for modname in ("corpuslint_example", "corpuslint_example.crashing"):
        module = importlib.import_module(modname)
        for r in module.corpuslint_rules():
            assert set(DOC_SECTIONS) <= set(doc_sections(r.doc)), r.code
            r.validate()


def test_example_plugin_in_process(example_plugin_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The in-process recipe of docs/plugins.md ("Testing a plugin")."""
    monkeypatch.syspath_prepend(str(example_plugin_path))
    corpuslint_example = importlib.import_module("corpuslint_example")
    session = open_session(tmp_path, isolated=True, extra_plugins=[corpuslint_example], entry_points=False)
    findings = session.lint_text("Publié le 3 mars 2021.\n\nLE GOUVERNEMENT ANNONCE DES MESURES\n")
    assert [(f.code, f.line) for f in findings] == [("EX001", 3)]
    assert session.ruleset.rules["EX001"].plugin == "corpuslint_example"  # the module's name, not the entry point's


def test_example_plugin_from_pytest(example_plugin_path: Path, tmp_path: Path) -> None:
    pytest_plugin = importlib.import_module("corpuslint.pytest_plugin")
    if not hasattr(pytest_plugin, "pytest_addoption"):
        pytest.skip("corpuslint.pytest_plugin is not written yet (it defines no pytest_addoption)")
    write(tmp_path, {"corpus/shout.txt": SHOUTING, "corpus/clean.txt": CLEAN, "corpuslint.toml": 'select = ["EX001"]\n'})
    proc = run(["--corpuslint", "-p", "no:cacheprovider", "-q", "corpus"], tmp_path, [example_plugin_path],
               module="pytest")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "corpus/shout.txt:4:1: EX001 [shouting-line] line in capitals (31 letters)" in out
    assert "FAILED corpus/shout.txt" in out
    assert "clean.txt" not in out  # passed


# -- (c) crash isolation ---------------------------------------------------------------------


@rule("TST002", "crash-on-boom", category="residue")
def crash_on_boom(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """Raises on `boom`.

    ## What it does
    Raises.

    ## Why it matters
    Tests.

    ## Example
    `boom`

    ## Fix
    None.
    """
    if "boom" in doc.text:
        raise ValueError("boom!")
    yield from ()


class CrashingPlugin:
    @hookimpl
    def corpuslint_rules(self) -> list[Rule]:
        return [crash_on_boom, xyzzy_line]


class CrashingAnnotator:
    @hookimpl
    def corpuslint_annotate(self, document: Document) -> None:
        if "bang" in document.text:
            raise KeyError("bang")


@pytest.mark.parametrize("jobs", [1, 2])
def test_crashing_rule_in_process(tmp_path: Path, jobs: int) -> None:
    write(tmp_path, {"a.txt": DATE + "boom\nxyzzy\n", "b.txt": DATE + "xyzzy\n", "c.txt": DATE + "bang xyzzy\n"})
    session = inline_session(tmp_path, CrashingPlugin(), CrashingAnnotator(), overrides={"select": ["TST"]})
    result = session.lint([str(tmp_path)], jobs=jobs)
    assert result.internal_error
    found = [(Path(f.path).name, f.code) for f in result.findings]
    # the crashing rule cost a CL001 on its document; the other rule still ran everywhere
    assert sorted(found) == [("a.txt", "CL001"), ("a.txt", "TST001"), ("b.txt", "TST001"),
                             ("c.txt", "CL001"), ("c.txt", "TST001")]
    rule_crash = next(f for f in result.findings if f.code == "CL001" and f.path.endswith("a.txt"))
    assert rule_crash.category == "internal"
    assert "rule TST002 (plugin '" in rule_crash.message
    assert "ValueError: boom!" in rule_crash.message
    annotate_crash = next(f for f in result.findings if f.code == "CL001" and f.path.endswith("c.txt"))
    assert "crashed in corpuslint_annotate" in annotate_crash.message
    assert "KeyError" in annotate_crash.message


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_crashing_plugin_from_the_cli(example_plugin_path: Path, tmp_path: Path, jobs: str) -> None:
    write(tmp_path, {
        "a_clean.txt": CLEAN,
        "b_crash.txt": DATE + f"Un texte.\n{CRASH_MARKER}\n",
        "c_shout.txt": SHOUTING,
    })
    proc = run(["--extend-select", "EX900", "-j", jobs, "."], tmp_path, [example_plugin_path])
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    crash = [line for line in lines if "CL001" in line]
    assert crash == [
        "b_crash.txt: CL001 [internal-error] rule EX900 (plugin 'example-crash') crashed: "
        "RuntimeError: EX900 met the marker in b_crash.txt"
    ]
    assert any(line.startswith("c_shout.txt:4:1: EX001") for line in lines)  # the run went on
    assert "in 3 documents" in proc.stdout
    # --exit-zero does not hide an internal error
    assert run(["--extend-select", "EX900", "--exit-zero", "."], tmp_path, [example_plugin_path]).returncode == 2
    # without the crashing rule selected, the same corpus gives ordinary findings
    assert run(["."], tmp_path, [example_plugin_path]).returncode == 1


# -- (d) fail-soft loading ---------------------------------------------------------------------


BROKEN_MODULE = """
    raise ImportError("this plugin needs a module that is not installed")
"""


def test_plugin_failing_to_import_is_skipped(example_plugin_path: Path, tmp_path: Path) -> None:
    site = fake_distribution(tmp_path / "site", "corpuslint-broken", {"broken": "corpuslint_broken_mod"},
                             {"corpuslint_broken_mod": BROKEN_MODULE})
    work = write(tmp_path / "work", {"shout.txt": SHOUTING})
    proc = run(["-j", "1", "."], work, [site, example_plugin_path])
    assert proc.stderr.splitlines() == [
        "corpuslint: failed to load plugin 'broken' from package 'corpuslint-broken 1.0': "
        "ImportError: this plugin needs a module that is not installed"
    ]
    # the other plugins are loaded and the run completes as usual
    assert "shout.txt:4:1: EX001" in proc.stdout
    assert proc.returncode == 1
    listed = run(["--list-rules", "--isolated"], work, [site, example_plugin_path])
    assert listed.returncode == 0 and "EX001" in listed.stdout
    assert "failed to load plugin 'broken'" in listed.stderr


def test_plugin_failing_to_register_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = fake_distribution(tmp_path, "corpuslint-badarg", {"badarg": "corpuslint_badarg_mod"}, {
        "corpuslint_badarg_mod": """
            import corpuslint

            @corpuslint.hookimpl
            def corpuslint_annotate(doc):
                pass
        """,
    })
    monkeypatch.syspath_prepend(str(site))
    manager = get_plugin_manager()
    [err] = [e for e in manager.load_errors if e.name == "badarg"]
    assert str(err).startswith("corpuslint: failed to load plugin 'badarg' from package 'corpuslint-badarg 1.0': ")
    assert "badarg" not in manager.names()
    assert "residue" in manager.names()


def test_plugin_whose_rules_hook_raises_is_skipped(tmp_path: Path) -> None:
    class Raising:
        @hookimpl
        def corpuslint_rules(self) -> list[Rule]:
            raise RuntimeError("no rules today")

    session = inline_session(tmp_path, Raising(), InlinePlugin())
    [err] = session.manager.load_errors
    assert "corpuslint_rules raised RuntimeError: no rules today" in str(err)
    assert "TST001" in session.ruleset.rules and "RES001" in session.ruleset.rules


def test_entry_point_plugin_with_misspelt_hook_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = fake_distribution(tmp_path, "corpuslint-typo", {"typo": "corpuslint_typo_mod"}, {
        "corpuslint_typo_mod": """
            import corpuslint

            @corpuslint.hookimpl
            def corpuslint_rulez():
                return []
        """,
    })
    monkeypatch.syspath_prepend(str(site))
    manager = get_plugin_manager()
    [err] = [e for e in manager.load_errors if e.name == "typo"]
    assert "corpuslint_rulez" in err.error


# -- (e) disabling plugins -------------------------------------------------------------------------


def test_disable_plugin_option(example_plugin_path: Path, tmp_path: Path) -> None:
    site = fake_distribution(tmp_path / "site", "corpuslint-broken", {"broken": "corpuslint_broken_mod"},
                             {"corpuslint_broken_mod": BROKEN_MODULE})
    work = write(tmp_path / "work", {"shout.txt": SHOUTING})
    path = [site, example_plugin_path]

    proc = run(["--disable-plugin", "broken", "--disable-plugin", "example", "-j", "1", "."], work, path)
    assert proc.stderr == ""  # the broken plugin was never imported
    assert "EX001" not in proc.stdout
    assert proc.returncode == 0, proc.stdout

    shown = run(["--disable-plugin", "example", "--show-settings", "shout.txt"], work, path)
    plugins = json.loads(shown.stdout)["plugins"]
    assert "example" not in plugins and "example-crash" in plugins and "residue" in plugins

    listed = run(["--disable-plugin", "example", "--disable-plugin", "broken", "--list-rules", "--isolated"], work, path)
    assert "EX001" not in listed.stdout and "EX900" in listed.stdout

    # selecting a rule of a disabled plugin is an error: the rule does not exist
    proc = run(["--disable-plugin", "example", "--select", "EX001", "."], work, path)
    assert proc.returncode == 2
    assert "EX001" in proc.stderr


def test_disable_plugins_config_key(example_plugin_path: Path, tmp_path: Path) -> None:
    write(tmp_path, {"shout.txt": SHOUTING, "corpuslint.toml": 'disable-plugins = ["example", "quotes"]\n'})
    proc = run(["--show-settings", "shout.txt"], tmp_path, [example_plugin_path])
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert "example" not in data["plugins"] and "quotes" not in data["plugins"]
    assert not [c for c in data["active-rules"] if c.startswith(("EX0", "QUO"))]
    assert "EX001" not in codes(run(["."], tmp_path, [example_plugin_path]).stdout)


def test_disabled_builtin_plugin_in_process(tmp_path: Path) -> None:
    session = inline_session(tmp_path, overrides={"disable-plugins": ["quotes", "dates"]})
    assert not [c for c in session.ruleset.rules if c.startswith(("QUO", "DAT"))]
    assert "RES001" in session.ruleset.rules


def _findings_of_seeds() -> list[Finding]:
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    return open_session(isolated=True, entry_points=False).lint([str(seeds)]).findings


def test_report_all_writes_what_report_writes_one_at_a_time() -> None:
    from corpuslint.reporters import ReportOptions
    from corpuslint.reporters.jsonfmt import JsonLinesReporter
    from corpuslint.reporters.text import TextReporter

    findings = _findings_of_seeds()
    assert len(findings) > 10
    for cls in (JsonLinesReporter, TextReporter):
        for color in (False, True):
            one, many = io.StringIO(), io.StringIO()
            a, b = cls(one, ReportOptions(color=color)), cls(many, ReportOptions(color=color))
            for f in findings:
                a.report(f)
            b.report_all(findings[:3])
            b.report_all([])
            b.report_all(findings[3:])
            assert many.getvalue() == one.getvalue() != ""


def test_a_subclass_that_overrides_report_gets_each_finding_from_report_all() -> None:
    from corpuslint.reporters.jsonfmt import JsonLinesReporter
    from corpuslint.reporters.text import TextReporter

    findings = _findings_of_seeds()
    for base in (JsonLinesReporter, TextReporter):
        class OnlyCodes(base):  # type: ignore[valid-type,misc]
            def report(self, finding: Finding) -> None:
                self.out.write(finding.code + "\n")

        out = io.StringIO()
        OnlyCodes(out).report_all(findings)
        assert out.getvalue().split() == [f.code for f in findings]
