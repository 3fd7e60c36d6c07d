"""Human output: ``path:line:col: CODE [name] message`` and a summary line."""

from __future__ import annotations

from collections.abc import Sequence

from corpuslint.model import Finding
from corpuslint.reporters import Reporter, Summary

_COLORS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


#: control characters as escapes: a record id or a quoted text holding a line break (`"id":
#: "a\nb"`) split a finding over two lines of output
_ESCAPES = {c: repr(chr(c))[1:-1] for c in [*range(0x20), *range(0x7F, 0xA0)]}


def _one_line(s: str) -> str:
    return s.translate(_ESCAPES) if not s.isprintable() else s


def location(f: Finding) -> str:
    path = f.path if f.record is None else f"{f.path}:#{f.record}"
    path = _one_line(path)
    if f.line is None:
        return path
    return f"{path}:{f.line}:{f.column}"


def format_finding(f: Finding, color: bool = False) -> str:
    """One finding in the text format (also used by the pytest plugin), on one line."""
    loc = location(f)
    fixable = " [*]" if f.fix is not None and f.fix.safe else ""
    message = _one_line(f.message)
    if not color:
        return f"{loc}: {f.code}{fixable} [{f.name}] {message}"
    c = _COLORS.get(f.severity.value, "")
    return f"{_BOLD}{loc}{_RESET}: {c}{f.code}{_RESET}{fixable} {_DIM}[{f.name}]{_RESET} {message}"


class TextReporter(Reporter):
    def report(self, finding: Finding) -> None:
        if not self.options.statistics:
            print(format_finding(finding, self.options.color), file=self.out)

    def report_all(self, findings: Sequence[Finding]) -> None:
        if type(self).report is not TextReporter.report:  # a subclass's own report
            super().report_all(findings)
        elif findings and not self.options.statistics:
            color = self.options.color
            self.out.write("\n".join([format_finding(f, color) for f in findings]) + "\n")

    def finish(self, summary: Summary) -> None:
        out = self.out
        if self.options.statistics:
            width = max((len(str(n)) for n in summary.by_rule.values()), default=1)
            for (code, name), n in sorted(summary.by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
                fx = "[*]" if summary.fixable.get((code, name)) else "   "
                print(f"{n:>{width}}\t{code}\t{fx} {name}", file=out)
        if self.options.quiet:
            return
        docs = f"{summary.documents} document{'s' if summary.documents != 1 else ''}"
        if summary.findings == 0:
            msg = f"All clean: {docs} checked."
        else:
            cats = ", ".join(f"{k} {v}" for k, v in sorted(summary.by_category.items()))
            # the documents checked, not those with findings (which `--statistics` counts per rule)
            msg = f"Found {summary.findings} finding{'s' if summary.findings != 1 else ''} in {docs} checked ({cats})."
            fixable = sum(summary.fixable.values())
            if fixable:
                msg += f" {fixable} fixable with --fix."
        if summary.fixed:
            msg += f" Fixed {summary.fixed}."
        if summary.baselined:
            msg += f" {summary.baselined} hidden by the baseline."
        print(msg, file=out)
