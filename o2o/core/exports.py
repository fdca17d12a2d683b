"""Spreadsheet exports that cannot run formulas: a text cell starting with = + - @ (or a
tab / CR) is prefixed with a quote, as OWASP advises; plain numbers stay numbers."""

import re

from import_export.formats.base_formats import CSV, XLSX

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_rows(rows):
    return ([safe_cell(cell) for cell in row] for row in rows)


def read_safe_cell(value: str) -> str:
    """A cell of an exported sheet as it was before `safe_cell` (for re-imports)."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


class _Escaping:
    def export_data(self, dataset, **kwargs):
        rows = list(safe_rows(dataset))
        headers = dataset.headers
        dataset.wipe()
        dataset.headers = headers
        for row in rows:
            dataset.append(row)
        return super().export_data(dataset, **kwargs)


class SafeCSV(_Escaping, CSV):
    pass


class SafeXLSX(_Escaping, XLSX):
    pass
