"""Rows of an uploaded table, CSV (UTF-8, with or without BOM) or XLSX: the header row names
the columns (case and spaces ignored), empty rows are skipped, every value is a stripped
string. Used by the imports (outlets, catalogue)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import IO


class TableError(Exception):
    """The file cannot be read as a table, or it lacks required columns."""


def table_rows(
    handle: IO[bytes], *, name: str, required: Iterable[str] = ()
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, {column: value}) for each row of the file `handle`, an .xlsx by its `name`."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:
            raise TableError("The file is not a readable XLSX workbook.") from exc
        records: Iterator = iter(book.worksheets[0].iter_rows(values_only=True))
    else:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="replace", newline="")
        records = iter(list(csv.reader(text)))
    header = [str(cell or "").strip().lower() for cell in next(records, [])]
    missing = [column for column in required if column not in header]
    if missing:
        raise TableError(f"Missing columns: {', '.join(missing)}.")
    for line, record in enumerate(records, start=2):
        if not record or all(cell in (None, "") for cell in record):
            continue
        yield (
            line,
            {
                column: _text(record[index]) if index < len(record) else ""
                for index, column in enumerate(header)
            },
        )


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()
