"""The packages import one way: what two of them share lives below both. Every import counts,
inside functions too, so a dependency cannot hide from this test."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# each package and the project packages it may import (besides itself)
ALLOWED = {
    "common": set(),  # settings, files, the hub, statistics: what every package stands on
    "weights": {"common"},  # model references, conversion, the shipped guide, GGUF export
    "knowledge": {"common", "weights"},  # the catalogue, retrieval (its encoder), prompt layout, training data
    "store": {"common"},  # interactions and ratings: written by the guide, read by training and review
    "runtime": {"weights", "common"},  # the engines, decoding, prefix reuse, the llama.cpp probe, the scheduler
    "answering": {"knowledge", "common"},  # the answer's decisions: pipeline, guard, checks; no engine, no weights
    "ros_bridge": {"knowledge", "common"},  # the robot needs the catalogue only
    "guide": {"runtime", "answering", "store", "knowledge", "weights", "common"},
    "training": {"runtime", "answering", "store", "knowledge", "weights", "common"},
    "tools": {"guide", "training", "runtime", "answering", "store", "knowledge", "weights", "common"},  # commands
}


def imports(path: Path) -> set[str]:
    """The top-level names of every absolute import in a module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def graph() -> dict[str, set[str]]:
    """package -> the project packages its modules import."""
    return {package: {name for path in (ROOT / package).rglob("*.py") for name in imports(path)} & set(ALLOWED) - {package}
            for package in ALLOWED}


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_package_imports_only_the_packages_below_it(package):
    assert graph()[package] <= ALLOWED[package], f"{package} imports {graph()[package] - ALLOWED[package]}"


def test_the_rule_is_not_empty_and_covers_every_package():
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()} - {"tests"}
    assert packages == set(ALLOWED)
    assert graph()["guide"] and graph()["training"] and graph()["runtime"]  # the test reads real imports
    assert {"runtime", "answering"} <= graph()["guide"] & graph()["training"]  # both stand on the two below them
