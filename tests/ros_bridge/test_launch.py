"""The launch file and the ament_python packaging (the ROS 2 launch system itself is not
installable here, so the launch file is checked as Python, not run)."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import yaml

from ros_bridge.config import BridgeSettings

LAUNCH = Path(__file__).resolve().parents[2] / "launch"


def declared_arguments(tree: ast.AST) -> set[str]:
    return {node.args[0].value for node in ast.walk(tree) if isinstance(node, ast.Call)
            and getattr(node.func, "id", None) == "DeclareLaunchArgument"}


def test_launch_file_parses_and_declares_its_arguments():
    tree = ast.parse((LAUNCH / "guide.launch.py").read_text())
    assert {"params_file", "guide_url", "tour_id", "use_sim_time", "start_guide", "sim"} <= declared_arguments(tree)
    functions = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    assert "generate_launch_description" in functions


def test_parameters_file_fits_the_node_settings():
    data = yaml.safe_load((LAUNCH / "config" / "bridge.yaml").read_text())
    settings = BridgeSettings.model_validate(data["guide_bridge"]["ros__parameters"])
    assert settings.in_view_topic == "guide/exhibit_in_view"


def test_ament_python_package_builds_with_entry_points(tmp_path):
    root = ET.parse(LAUNCH / "package.xml").getroot()
    assert root.findtext("name") == "heritage_guide"
    assert root.find("export/build_type").text == "ament_python"
    assert (LAUNCH / "resource" / "heritage_guide").is_file() and (LAUNCH / "setup.cfg").is_file()
    subprocess.run([sys.executable, "setup.py", "-q", "build", "--build-base", str(tmp_path / "build"),
                    "bdist_wheel", "-d", str(tmp_path), "-b", str(tmp_path / "bdist")], cwd=LAUNCH, check=True, capture_output=True)
    wheel = next(tmp_path.glob("heritage_guide-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "ros_bridge/node.py" in names and "knowledge/catalogue.py" in names and "common/settings.py" in names
    assert not any(n.startswith(("knowledge/retrieval", "weights/", "runtime/", "answering/", "guide/")) for n in names)
    assert any(n.endswith("knowledge/exhibits/kyrenia-ship.yaml") for n in names)
    assert any(n.endswith("share/heritage_guide/launch/guide.launch.py") for n in names)
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    points = zipfile.ZipFile(wheel).read(entry).decode()
    assert "guide_bridge = ros_bridge.node:main" in points and "sim_tour = ros_bridge.sim_tour:main" in points


# the packages of the project and what the robot may carry of them
PROJECT = {"common", "knowledge", "weights", "store", "runtime", "answering", "ros_bridge", "guide", "training", "tools"}
ROBOT_NEEDS = {"ros_bridge", "knowledge", "common"}
IMPORT_ALL = """
import json, sys
import ros_bridge.node, ros_bridge.sim_tour
from knowledge.catalogue import default_catalogue
catalogue = default_catalogue()
print(json.dumps({"exhibits": len(catalogue), "greek": catalogue.get("kyrenia-ship").text("el")[0],
                  "modules": {m: getattr(sys.modules[m], "__file__", None) for m in sys.modules}}))
"""


def test_colcon_builds_the_robot_package_with_only_what_the_bridge_imports(tmp_path):
    colcon = Path(sys.executable).parent / "colcon"
    subprocess.run([str(colcon), "--log-base", str(tmp_path / "log"), "build", "--base-paths", str(LAUNCH),
                    "--build-base", str(tmp_path / "build"), "--install-base", str(tmp_path / "install")],
                   cwd=tmp_path, check=True, capture_output=True, timeout=300)
    prefix = tmp_path / "install" / "heritage_guide"
    site = next(prefix.glob("lib/python3*/site-packages"))
    shipped = {p.relative_to(site).parts[0] for p in site.rglob("*.py")}
    assert shipped == ROBOT_NEEDS
    assert (prefix / "lib" / "heritage_guide" / "guide_bridge").is_file()
    assert (prefix / "share" / "heritage_guide" / "launch" / "guide.launch.py").is_file()
    # run from the install alone: every project module the bridge loads must come from there
    done = subprocess.run([sys.executable, "-c", IMPORT_ALL], cwd=tmp_path, capture_output=True, text=True,
                          env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}, timeout=120, check=True)
    report = json.loads(done.stdout)
    assert report["exhibits"] == 30 and "Κερύνειας" in report["greek"]
    ours = {m: f for m, f in report["modules"].items() if m.split(".")[0] in PROJECT}
    assert ours and all(f.startswith(str(site)) for f in ours.values()), ours
