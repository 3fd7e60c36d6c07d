"""Built-in plugin: the ``internal`` rules corpuslint reports about itself and its input."""

from __future__ import annotations

from collections.abc import Iterator

from corpuslint.hookspecs import hookimpl
from corpuslint.model import Document, Severity, Violation
from corpuslint.rule import Rule, RuleContext, rule


class InternalError(Rule):
    """A plugin raised an exception while reading or checking a document.

    ## What it does
    Reports that a rule, reader or annotator crashed on this document. The
    finding names the plugin, the rule and the exception; the run goes on with
    the other documents and rules, and the exit code is 2.

    ## Why it matters
    A crashing rule checks nothing: without this finding the document would look
    clean. It is reported rather than raised so one bad plugin cannot stop the
    lint of a million documents.

    ## Example
    ```text
    notes.txt: CL001 [internal-error] rule EX001 (plugin 'example') crashed: ZeroDivisionError: division by zero
    ```

    ## Fix
    Report the bug to the plugin's authors with the document; meanwhile disable
    the rule (`ignore = ["EX001"]`) or the plugin (`disable-plugins`).
    """

    code = "CL001"
    name = "internal-error"
    category = "internal"
    severity = Severity.ERROR
    sees_binary = True

    def __init__(self) -> None:
        import inspect

        self.doc = inspect.cleandoc(type(self).__doc__ or "")

    def check(self, unit: object, ctx: RuleContext) -> Iterator[Violation]:
        return iter(())  # the engine emits these findings itself


@rule("CL002", "unreadable-file", category="internal", severity="error", sees_binary=True)
def unreadable_file(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """A file could not be read, or was too large to lint.

    ## What it does
    Reports a path that exists but could not be read (permissions, a broken
    link, an I/O error) or a file above `max-file-size`.

    ## Why it matters
    An unreadable document is not a clean document: a silent skip would let a
    corpus pass a check it never had.

    ## Example
    ```text
    private/a.txt: CL002 [unreadable-file] cannot read: Permission denied
    ```

    ## Fix
    Fix the permissions or the path, or exclude the file with `exclude`. For large
    files, raise `max-file-size` or split the file.
    """
    err = doc.metadata.get("read_error")
    if err:
        yield Violation(str(err))


@rule("CL003", "bad-record", category="internal", severity="error", sees_binary=True)
def bad_record(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """A record of a JSONL, JSON or Parquet file that cannot be linted.

    ## What it does
    Reports a record that is not valid JSON, is not an object, has no text field
    (`text-field`, default `text`), or whose text is not a string; also a line
    above `max-record-size` and a compressed file that is truncated or corrupt.
    The finding names the record; the rest of the file is still linted. A
    record whose id an earlier record of the file already has is reported too
    (and still linted): the findings of both would carry the same name.

    ## Why it matters
    A record that cannot be read is silently lost by most pipelines; a corpus
    check must say which one and why.

    ## Example
    ```text
    corpus.jsonl:#17: CL003 [bad-record] line 17 is not valid JSON: Expecting ',' delimiter: line 1 column 42 (char 41)
    ```

    ## Fix
    Repair or drop the record at its source; set `text-field` if the text lives
    in another field.
    """
    err = doc.metadata.get("record_error") or doc.metadata.get("record_warning")
    if err:
        yield Violation(str(err))


@hookimpl
def corpuslint_rules() -> list[Rule]:
    return [InternalError(), unreadable_file, bad_record]
