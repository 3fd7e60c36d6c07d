"""GitHub Actions workflow commands: one annotation per finding."""

from __future__ import annotations

from corpuslint.model import Finding
from corpuslint.reporters import Reporter

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    def report(self, f: Finding) -> None:
        props = [f"file={_escape_prop(f.path)}"]
        if f.record is not None:
            if f.source_line is not None:
                props.append(f"line={f.source_line}")
        elif f.line is not None:
            props.append(f"line={f.line}")
            props.append(f"col={f.column}")
            if f.end_line is not None:
                props.append(f"endLine={f.end_line}")
                if f.end_line == f.line and f.end_column is not None:
                    props.append(f"endColumn={f.end_column}")
        props.append(f"title={_escape_prop(f'{f.code} {f.name}')}")
        where = ""
        if f.record is not None:
            where = f" (record {f.record}" + (f", text line {f.line}:{f.column})" if f.line else ")")
        msg = _escape_data(f"{f.code} [{f.name}] {f.message}{where}")
        self.out.write(f"::{_LEVEL[f.severity.value]} {','.join(props)}::{msg}\n")
