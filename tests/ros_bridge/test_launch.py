"""The launch file and the ament_python packaging (the ROS 2 launch system itself is not
installable here, so the launch file is checked as Python, not run)."""
from __future__ import annotations

import ast
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
    subprocess.run([sys.executable, "setup.py", "-q", "bdist_wheel", "-d", str(tmp_path),
                    "-b", str(tmp_path / "build")], cwd=LAUNCH, check=True, capture_output=True)
    wheel = next(tmp_path.glob("heritage_guide-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "ros_bridge/node.py" in names and "knowledge/catalogue.py" in names
    assert any(n.endswith("knowledge/exhibits/kyrenia-ship.yaml") for n in names)
    assert any(n.endswith("share/heritage_guide/launch/guide.launch.py") for n in names)
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    points = zipfile.ZipFile(wheel).read(entry).decode()
    assert "guide_bridge = ros_bridge.node:main" in points and "sim_tour = ros_bridge.sim_tour:main" in points
