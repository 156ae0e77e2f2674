"""The one CSV writer of the app, and the cell rule it applies."""

from __future__ import annotations

import csv
import re

from assessment.domain.text import printable

# A spreadsheet runs a cell that starts with = + - @ (or tab/CR before one) as a
# formula. A cell starts at the start of a value, but also, for a program that
# splits on another separator than ours (`;` in many European locales, tab) or
# ignores quotes, after any `,` `;` tab or line break inside a value, possibly
# after quote marks. Each such start gets a `'`, which spreadsheets show as text.
_FORMULA_START = re.compile(r'(^|[,;\t\r\n])("*)(?=[=+\-@\t\r])')


def csv_safe(value) -> object:
    """A cell a spreadsheet shows as text, never runs as a formula, whatever separator it splits on.

    Control characters other than line breaks and tabs (a NUL, an escape) are left out.
    """
    if isinstance(value, str):
        return _FORMULA_START.sub(r"\1\2'", printable(value))
    return value


class CsvWriter:
    """The one CSV writer of the app: every field quoted, every formula start defused (csv_safe).

    Quoting every field keeps a `;` or a tab inside a value from splitting the
    cell in a spreadsheet that honours quotes; csv_safe covers those that do not.
    """

    def __init__(self, out):
        self._writer = csv.writer(out, quoting=csv.QUOTE_ALL)

    def writerow(self, cells) -> None:
        self._writer.writerow([csv_safe(cell) for cell in cells])
