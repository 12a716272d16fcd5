"""Log text made safe to open in a spreadsheet (CSV or formula injection, CWE-1236).

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and
some also after a leading tab or carriage return. Following OWASP's CSV-injection
guidance, such a text cell gets a leading ``'``, which spreadsheets read as "this is
text" and do not show. A cell that is a plain number (``-3``, ``+1.5e3``) cannot be a
formula and is left alone, so negative numbers stay numbers.
"""
from __future__ import annotations

import re

import pandas as pd

__all__ = ["escape_formulas", "escape_cell", "FORMULA_PREFIXES"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_STARTS_FORMULA = "^[=+\\-@\t\r]"
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def escape_cell(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    if text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` (n rows) whose text cells and column names (a JSON log's keys) are passed through
    :func:`escape_cell`."""
    out = frame.copy(deep=False)
    # By position: two names may escape alike ("=x" and "'=x").
    out.columns = [escape_cell(c) if isinstance(c, str) else c for c in out.columns]
    for i in range(out.shape[1]):
        values = out.iloc[:, i]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        elif not (pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype)):
            continue
        try:
            risky = values.str.contains(_STARTS_FORMULA, regex=True, na=False)
        except AttributeError:  # an object column without text (timestamps, flags)
            continue
        if risky.any():
            out.isetitem(i, values.where(~risky, values[risky].map(escape_cell)))
    return out
