"""colcon build --packages-select heritage_guide: the bridge as an ament_python package.

The Python code lives one directory up (ros_bridge/ and the catalogue in knowledge/), shared
with the guide server, so this package points there instead of copying it.
"""
import os
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PACKAGE = "heritage_guide"


def packages(name):
    base = ROOT / name
    return [".".join(p.relative_to(ROOT).parts) for p in [base, *base.rglob("*")]
            if p.is_dir() and (p / "__init__.py").is_file()]


found = packages("ros_bridge") + packages("knowledge")
setup(
    name=PACKAGE,
    version="0.1.0",
    packages=found,
    package_dir={p: os.path.relpath(ROOT / p.replace(".", "/"), HERE) for p in found},
    package_data={"knowledge": ["exhibits/*.yaml", "questions/*.yaml"]},
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
