"""What every CSV export does so that a spreadsheet shows each cell as text and never runs it as a formula."""
from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run a cell that starts so as a formula


def safe_cell(text: str) -> str:
    """The text as a cell a spreadsheet shows as written: a leading ' where it would start a formula.

    >>> safe_cell("=SOM(A1)"), safe_cell("-1"), safe_cell("\\tx"), safe_cell("Zeeland")
    ("'=SOM(A1)", "'-1", "'\\tx", 'Zeeland')
    """
    return "'" + text if text.startswith(FORMULA_START) else text
