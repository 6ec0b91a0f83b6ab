"""Regular expressions that users write (dialup rule files, translit
``regex`` predicates) run with a time limit.

A pattern such as ``(a|aa)+$`` backtracks exponentially on some words; with
Python's ``re`` it would hang the run.  :func:`compile` builds the pattern
with the ``regex`` module (``re``-compatible syntax) and every match call
gets ``timeout=TIMEOUT_S``.  A call that runs out of time raises
:class:`RegexTimeout`, which the stage turns into a reject with reason
``regex_timeout`` (the record, not the run, fails) naming the pattern.
"""
from __future__ import annotations

import re

#: seconds one match call of a user pattern may take
TIMEOUT_S = 1.0


class RegexTimeout(RuntimeError):
    """A user pattern ran out of time on one input."""

    reject_reason = "regex_timeout"


class Pattern:
    """A compiled user pattern: the ``re.Pattern`` calls the units use, each
    with a time limit."""

    __slots__ = ("pattern", "_rx", "where")

    def __init__(self, pattern: str, where: str = ""):
        import regex

        self.pattern, self.where = pattern, where
        try:
            self._rx = regex.compile(pattern)
        except regex.error as exc:
            raise re.error(str(exc)) from None
        except (TypeError, ValueError) as exc:
            raise re.error(str(exc)) from None

    def _call(self, name: str, *args):
        try:
            return getattr(self._rx, name)(*args, timeout=TIMEOUT_S)
        except TimeoutError:
            raise self._timeout(args[-1]) from None

    def _timeout(self, string) -> RegexTimeout:
        return RegexTimeout(f"{self.where + ': ' if self.where else ''}pattern {self.pattern!r} took more than "
                            f"{TIMEOUT_S:g} s on {str(string)[:80]!r}")

    def search(self, string: str):
        return self._call("search", string)

    def match(self, string: str):
        return self._call("match", string)

    def fullmatch(self, string: str):
        return self._call("fullmatch", string)

    def finditer(self, string: str):
        """All matches at once (the time limit covers the whole scan)."""
        try:
            return iter(list(self._rx.finditer(string, timeout=TIMEOUT_S)))
        except TimeoutError:
            raise self._timeout(string) from None

    def sub(self, repl, string: str, count: int = 0):
        try:
            return self._rx.sub(repl, string, count=count, timeout=TIMEOUT_S)
        except TimeoutError:
            raise self._timeout(string) from None

    def check_template(self, repl: str) -> None:
        """Raise ``re.error`` for a bad replacement template (``\\9`` with
        fewer groups), as ``re`` does even without a match."""
        try:
            std = re.compile(self.pattern)
        except re.error:
            return  # regex-only syntax: the template is checked when used
        std.sub(repl, "")

    def __repr__(self) -> str:
        return f"user_regex.Pattern({self.pattern!r})"

    def __reduce__(self):
        return (Pattern, (self.pattern, self.where))


def compile(pattern: str, where: str = "") -> Pattern:  # noqa: A001 - mirrors re.compile
    """A user pattern with a time limit; a bad pattern raises ``re.error``."""
    return Pattern(pattern, where)
