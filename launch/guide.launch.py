"""ros2 launch heritage_guide guide.launch.py [params_file:=...] [guide_url:=ws://host:8765] [tour_id:=default] [use_sim_time:=false] [start_guide:=false] [sim:=false]

Starts the guide_bridge node on the robot and, optionally, the guide server on the same machine
and the simulated TurtleBot2 tour (for a lab without the robot).
"""
import os

from ament_index_python.packages import get_package_share_directory
from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, ExecuteProcess
from launch.conditions import IfCondition
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import Node

PACKAGE = "heritage_guide"


def generate_launch_description():
    share = get_package_share_directory(PACKAGE)
    params_file = LaunchConfiguration("params_file")
    guide_url = LaunchConfiguration("guide_url")
    tour_id = LaunchConfiguration("tour_id")
    use_sim_time = LaunchConfiguration("use_sim_time")
    return LaunchDescription([
        DeclareLaunchArgument("params_file", default_value=os.path.join(share, "config", "bridge.yaml"),
                              description="guide_bridge parameters (ros__parameters form)"),
        DeclareLaunchArgument("guide_url", default_value="ws://127.0.0.1:8765",
                              description="websocket address of the guide server"),
        DeclareLaunchArgument("tour_id", default_value="default",
                              description="the tour whose visitors this robot leads"),
        DeclareLaunchArgument("use_sim_time", default_value="false",
                              description="use /clock (simulation or bag replay)"),
        DeclareLaunchArgument("start_guide", default_value="false",
                              description="also start the guide server on this machine"),
        DeclareLaunchArgument("sim", default_value="false",
                              description="also start the simulated TurtleBot2 tour"),
        ExecuteProcess(cmd=["python3", "-m", "guide", "serve"], output="screen",
                       condition=IfCondition(LaunchConfiguration("start_guide"))),
        Node(package=PACKAGE, executable="sim_tour", name="sim_turtlebot", output="screen",
             condition=IfCondition(LaunchConfiguration("sim"))),
        Node(package=PACKAGE, executable="guide_bridge", name="guide_bridge", output="screen",
             parameters=[params_file, {"guide_url": guide_url, "tour_id": tour_id,
                                       "use_sim_time": use_sim_time}]),
    ])
