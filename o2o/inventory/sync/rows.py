"""Reading stock rows from any source, streamed: JSON items, CSV or XLSX files.

Every reader yields `Row(line, outlet_code, key, on_hand)` with raw values; `parse_count`
validates quantities. A file whose shape is wrong (no SKU or quantity column) raises
`InvalidSnapshot` before any row is read.
"""

import contextlib
import csv
import io
import itertools
import re
from typing import NamedTuple
from zipfile import BadZipFile

from django.conf import settings

from ..errors import InvalidSnapshot

WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")

COLUMN_ALIASES = {
    "outlet": ("outlet", "outlet_code", "store", "store_code", "shop", "shop_code"),
    "sku": ("sku", "gtin", "ean", "barcode", "item", "item_code", "article"),
    "on_hand": ("on_hand", "quantity", "qty", "stock", "units", "count"),
}


class RowError(NamedTuple):
    line: int
    sku: str
    message: str


class Row(NamedTuple):
    line: int
    outlet_code: str | None
    key: str
    on_hand: object


def parse_count(value):
    """A stock count: a whole number from 0 to O2O_SNAPSHOT_MAX_ON_HAND, else ValueError."""
    if isinstance(value, bool):
        raise ValueError("on_hand must be a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and WHOLE_NUMBER.fullmatch(value.strip()):
        number = int(value.strip())
    elif value is None or value == "":
        raise ValueError("on_hand is missing")
    else:
        raise ValueError("on_hand must be a whole number")
    if number < 0:
        raise ValueError("on_hand cannot be negative")
    if number > settings.O2O_SNAPSHOT_MAX_ON_HAND:
        raise ValueError(f"on_hand above {settings.O2O_SNAPSHOT_MAX_ON_HAND} is not plausible")
    return number


def json_rows(items):
    """Rows of a JSON snapshot: [{"sku" or "gtin", "on_hand", optional "outlet"}]."""
    for line, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            yield Row(line, None, "", NOT_AN_OBJECT)
            continue
        if REJECTED in item:
            yield Row(line, None, "", Unreadable(str(item[REJECTED])))
            continue
        key = item.get("sku", item.get("gtin"))
        outlet = item.get("outlet")
        yield Row(
            line,
            outlet.strip() if isinstance(outlet, str) else None,
            key.strip() if isinstance(key, str) else "",
            item.get("on_hand"),
        )


NOT_AN_OBJECT = object()  # marks a JSON item that is not an object
REJECTED = "_rejected"  # an item replaced at the door (what it held cannot be stored)


class Unreadable(str):
    """The raw value of a row that could not be read; the text says why."""


def _columns(header, mapping):
    """Map our field names to column positions, honouring a custom mapping."""
    names = [str(cell or "").strip().lower() for cell in header]
    positions = {}
    for field, aliases in COLUMN_ALIASES.items():
        wanted = [mapping[field].strip().lower()] if mapping.get(field) else list(aliases)
        for alias in wanted:
            if alias in names:
                positions[field] = names.index(alias)
                break
    missing = [field for field in ("sku", "on_hand") if field not in positions]
    if missing:
        raise InvalidSnapshot(  # the file's own text is never echoed back
            f"The file has no {' or '.join(missing)} column "
            f"(expected one of: {', '.join(COLUMN_ALIASES[missing[0]])}).",
            columns=missing,
        )
    return positions


def _header_positions(header, mapping):
    if header is None:
        raise InvalidSnapshot("The file is empty.", file=["empty"])
    positions = _columns(header, mapping)
    return (
        positions.get("outlet"),
        positions["sku"],
        positions["on_hand"],
        max(positions.values()) + 1,
    )


def _cell(value):
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value).strip()


def _table_rows(records, mapping):
    """Rows of a sheet (values of any type); lines count from the header as line 1."""
    records = iter(records)
    outlet_at, sku_at, count_at, width = _header_positions(next(records, None), mapping)
    for line, record in enumerate(records, start=2):
        if not record or all(cell in (None, "") for cell in record):
            continue  # blank lines are not rows
        if len(record) < width:
            record = list(record) + [None] * (width - len(record))
        outlet = _cell(record[outlet_at]) if outlet_at is not None else ""
        yield line, outlet or None, _cell(record[sku_at]), record[count_at]


def csv_rows(binary_file, mapping=None):
    """Rows of a CSV file (UTF-8, with or without BOM; comma, semicolon, tab or pipe), streamed.

    The hot path of big files: plain tuples, C-level decoding and parsing."""
    text = io.TextIOWrapper(binary_file, encoding="utf-8-sig", errors="replace", newline="")
    first = text.readline()
    dialect = csv.excel
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t|")
    reader = csv.reader(itertools.chain([first], text), dialect)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise InvalidSnapshot("The file's header line cannot be read.", file=["csv"]) from exc
    outlet_at, sku_at, count_at, width = _header_positions(header, mapping or {})
    return _csv_records(reader, outlet_at, sku_at, count_at, width)


def _csv_records(reader, outlet_at, sku_at, count_at, width):
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # a cell over the field limit, a broken quote...
            yield (reader.line_num, None, "", Unreadable(f"line cannot be read: {exc}"))
            continue
        if len(record) < width:
            if not any(record):
                continue  # blank line
            record = record + [""] * (width - len(record))
        yield (
            reader.line_num,
            record[outlet_at].strip() or None if outlet_at is not None else None,
            record[sku_at].strip(),
            record[count_at],
        )


def xlsx_rows(path_or_file, mapping=None):
    """Rows of the first sheet of an XLSX workbook, streamed (openpyxl read-only)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path_or_file, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InvalidSnapshot("The file is not a readable XLSX workbook.", file=["xlsx"]) from exc
    try:
        yield from _table_rows(workbook.worksheets[0].iter_rows(values_only=True), mapping or {})
    except InvalidSnapshot:
        raise
    except Exception as exc:  # a truncated or corrupt part: nothing of this file is applied
        raise InvalidSnapshot(
            "The workbook is damaged or cut short; nothing of it was applied.", file=["xlsx"]
        ) from exc
    finally:
        workbook.close()


def too_many_rows(limit):
    return InvalidSnapshot(f"A sync holds at most {limit} rows.", items=["too many"])
