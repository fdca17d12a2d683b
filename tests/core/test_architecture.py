"""The layers of docs/architecture.md, enforced: an app imports only apps below it (every
import counted, at module level and inside functions), so no two apps import each other
and there is no cycle; and stock levels are written by the inventory app alone."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "o2o"
# bottom to top; apps on one line share a tier and must not import each other
LAYERS = [
    ["core"],
    ["brands"],
    ["catalogue"],
    ["outlets"],
    ["inventory"],
    ["reservations"],
    ["launches"],
    ["notifications"],
    ["locator"],
    ["localfeeds"],
    ["dashboard", "storefront"],
    ["workspace"],
]
TIER = {app: index for index, tier in enumerate(LAYERS) for app in tier}
PROJECT = {
    "settings",
    "urls",
    "api_urls",
    "queue_urls",
    "celery",
    "wsgi",
    "asgi",
    "gunicorn_conf",
    "formats",
}


def modules():
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        yield path, path.relative_to(ROOT).parts[0].removesuffix(".py")


def imported_apps(path):
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "o2o" and len(parts) > 1:
                yield parts[1], node.lineno


def test_every_app_has_a_layer():
    apps = {app for _path, app in modules()} - PROJECT - {"__init__"}
    assert apps == set(TIER)


def test_apps_import_only_apps_below_them():
    wrong = []
    for path, app in modules():
        if app in PROJECT or app == "__init__":
            continue
        for target, line in imported_apps(path):
            if target != app and (target in PROJECT or TIER[target] >= TIER[app]):
                wrong.append(f"{path.relative_to(ROOT.parent)}:{line} {app} -> {target}")
    assert wrong == []


WRITES = {
    "update",
    "create",
    "bulk_create",
    "bulk_update",
    "delete",
    "get_or_create",
    "update_or_create",
    "save",
}
RAW_WRITE = re.compile(r"(UPDATE|INSERT INTO|DELETE FROM|MERGE INTO)\s+inventory_stocklevel", re.I)


def _chain_root(node):
    """The name a chain of attributes and calls starts from (StockLevel.objects.filter()...)."""
    while isinstance(node, ast.Attribute | ast.Call):
        node = node.value if isinstance(node, ast.Attribute) else node.func
    return node.id if isinstance(node, ast.Name) else None


def stock_writes(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in WRITES
            and _chain_root(node.func.value) == "StockLevel"
        ):
            yield node.lineno, f"StockLevel….{node.func.attr}()"
        text = node.value if isinstance(node, ast.Constant) else None
        if isinstance(text, str) and RAW_WRITE.search(text):
            yield node.lineno, text[:60]


def test_the_scan_sees_a_write():
    sample = Path(__file__).with_name("_stock_write_sample.txt")
    sample.write_text("StockLevel.objects.filter(pk=1).update(on_hand=3)\n")
    try:
        assert list(stock_writes(sample)) == [(1, "StockLevel….update()")]
    finally:
        sample.unlink()


@pytest.mark.parametrize(
    "path", [p for p, app in modules() if app != "inventory"], ids=lambda p: str(p)
)
def test_stock_levels_are_written_by_the_inventory_app_alone(path):
    assert list(stock_writes(path)) == []
