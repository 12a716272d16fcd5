"""Regex helpers that need no other module: what compiling a user's pattern raises, and regexes compiled when first
used (a module's tables of patterns, of which a run asks for a few)."""
from __future__ import annotations

import re
from typing import Any

__all__ = ["LazyRegex", "REGEX_ERRORS"]

# What compiling a pattern a user wrote raises: a repeat count past C's range or deep nesting fails outside re.error,
# and is as much a typing slip.
REGEX_ERRORS = (re.error, OverflowError, RecursionError)


class LazyRegex:
    """``re.compile(pattern, flags)`` when one of its attributes is first asked for, ``pattern`` excepted.

    Compiling takes most of importing a module that holds tables of long patterns (the time layouts: 0.4 s of a
    50-line file's parse), though a run tries a few of them. Each attribute asked for (``match``, ``search``...) is
    kept on the instance, so later calls cost what a compiled regex's do.
    """

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self._flags = flags
        self._compiled: re.Pattern | None = None

    def __getattr__(self, name: str) -> Any:
        # Only for what the instance lacks; private and special names are no regex's (copy and pickle ask for them).
        if name.startswith("_"):
            raise AttributeError(name)
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self._flags)
        value = getattr(self._compiled, name)
        setattr(self, name, value)
        return value
