"""The requirements: every third-party package o2o's code imports is a top-level requirement,
the lock pins every package with hashes, and the tools (honcho, pytest...) stay out of it."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def names(path):
    """The distribution names a requirements file asks for, normalised."""
    found = set()
    for line in (ROOT / path).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            found.add(normalise(re.split(r"[\[<>=~! ]", line)[0]))
    return found


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(path):
    """{package: version} of a lock, and the packages that have no hash."""
    text = (ROOT / path).read_text()
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.MULTILINE))
    blocks = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", text)
    unhashed = [b.split("==")[0] for b in blocks if "==" in b and "--hash=sha256:" not in b]
    return {normalise(k): v for k, v in pins.items()}, unhashed


def imported_modules():
    modules = set()
    for path in (ROOT / "o2o").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - {"o2o"}


def test_every_package_the_code_imports_is_a_top_level_requirement():
    runtime = names("requirements.in")
    distributions = packages_distributions()
    missing = {
        module: distributions.get(module)
        for module in imported_modules()
        if not {normalise(d) for d in distributions.get(module, [module])} & runtime
    }
    assert missing == {}


def test_the_locks_pin_every_package_with_hashes_and_agree():
    runtime, unhashed = locked("requirements.txt")
    tools, tools_unhashed = locked("requirements-dev.txt")
    assert unhashed == []
    assert tools_unhashed == []
    assert names("requirements.in") <= set(runtime)
    assert names("requirements-dev.in") <= set(tools)
    shared = set(runtime) & set(tools)
    assert {
        name: (runtime[name], tools[name]) for name in shared if runtime[name] != tools[name]
    } == {}


def test_tools_stay_out_of_the_runtime_lock():
    runtime, _ = locked("requirements.txt")
    assert not {"honcho", "pytest", "ruff", "mypy", "playwright", "pip-tools"} & set(runtime)


def test_the_project_metadata_reads_its_dependencies_from_requirements_in():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["name"] == "o2o"
    assert project["project"]["dynamic"] == ["dependencies"]
    assert project["tool"]["setuptools"]["dynamic"]["dependencies"] == {"file": ["requirements.in"]}
    lint = project["tool"]["ruff"]["lint"]["select"]
    assert {"B", "S", "DTZ", "PT", "RET", "SIM", "DJ"} <= set(lint)
