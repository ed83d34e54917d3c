"""colcon build --packages-select heritage_guide: the bridge as an ament_python package.

The Python code lives one directory up (ros_bridge/, and the catalogue in knowledge/), shared
with the guide server, so this package points there instead of copying it. It ships ros_bridge
and, of the packages below it, only the modules the bridge imports (the catalogue, its schema,
the settings), found by reading the imports: the robot carries no retrieval, models or torch.
"""
import ast
import os
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PACKAGE = "heritage_guide"
ENTRY = "ros_bridge"
BELOW = ("knowledge", "common")  # the project packages the bridge may import


def imported(path):
    """The project modules one module imports, as dotted names."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from knowledge import catalogue" names a module too; names that are not files drop out
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            names = []
        out |= {n for n in names if n.split(".")[0] in BELOW}
    return out


def closure():
    """Every module of ros_bridge and every project module reached from them."""
    todo = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts) for p in (ROOT / ENTRY).rglob("*.py"))
    seen = set()
    while todo:
        name = todo.pop()
        path = ROOT / (name.replace(".", "/") + ".py")
        if name in seen or not path.is_file():
            continue
        seen.add(name)
        todo += imported(path)
    return seen


MODULES = closure()
PACKAGES = sorted({m.rpartition(".")[0] for m in MODULES} - {""})


class build_closure(build_py):
    """Of each package, only the modules in the closure (and its __init__)."""

    def find_package_modules(self, package, package_dir):
        return [(pkg, mod, path) for pkg, mod, path in super().find_package_modules(package, package_dir)
                if mod == "__init__" or f"{pkg}.{mod}" in MODULES]


setup(
    name=PACKAGE,
    version="0.1.0",
    packages=PACKAGES,
    package_dir={p: os.path.relpath(ROOT / p.replace(".", "/"), HERE) for p in PACKAGES},
    package_data={"knowledge": ["exhibits/*.yaml", "*.yaml"]},  # the catalogue and the word tables it reads
    cmdclass={"build_py": build_closure},
    data_files=[
        ("share/ament_index/resource_index/packages", ["resource/" + PACKAGE]),
        ("share/" + PACKAGE, ["package.xml"]),
        ("share/" + PACKAGE + "/launch", ["guide.launch.py"]),
        ("share/" + PACKAGE + "/config", ["config/bridge.yaml"]),
    ],
    install_requires=["setuptools"],
    zip_safe=True,
    description="Robot-side bridge of the heritage museum guide",
    license="Apache-2.0",
    entry_points={"console_scripts": [
        "guide_bridge = ros_bridge.node:main",
        "sim_tour = ros_bridge.sim_tour:main",
    ]},
)
