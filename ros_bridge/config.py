"""Typed settings of the guide_bridge node. They are ROS parameters too: launch/config/bridge.yaml
(in the ros__parameters form) and --ros-args only override these defaults."""
from __future__ import annotations

from pydantic import Field

from common.settings import Settings


class BridgeSettings(Settings):
    guide_url: str = Field("ws://127.0.0.1:8765", description="the guide server's websocket address")
    token: str = Field("", description="the guide's robot token; empty when the guide needs none")
    tour_id: str = Field("default", pattern=r"^[A-Za-z0-9_.:-]{1,64}$", description="the tour whose visitors this robot leads")
    odom_topic: str = Field("odom", description="nav_msgs/Odometry from the base (kobuki publishes it); empty disables")
    amcl_topic: str = Field("amcl_pose", description="geometry_msgs/PoseWithCovarianceStamped from AMCL; empty disables")
    detection_topic: str = Field("", description="std_msgs/String exhibit ids from an on-robot detector; empty disables")
    in_view_topic: str = Field("guide/exhibit_in_view", description="where the decision is published (transient local)")
    answer_topic: str = Field("guide/answer", description="where the guide's answers are republished for a speaker")
    frames: list[str] = Field(["map", "odom"], min_length=1, description="pose frames that share the catalogue's map coordinates")
    amcl_priority_s: float = Field(2.0, ge=0, description="odometry is ignored for this long after an AMCL pose, which is better")
    dwell_s: float = Field(1.0, ge=0, description="a new exhibit is announced after the robot has been at it this long")
    hysteresis_m: float = Field(0.3, ge=0, description="extra metres before leaving the announced exhibit, against flicker")
    stale_s: float = Field(3.0, gt=0, description="no pose for this long announces 'no exhibit'")
    detection_hold_s: float = Field(5.0, ge=0, description="a detection outranks pose guesses for this long")
    pose_rate_hz: float = Field(2.0, gt=0, le=50, description="robot poses sent to the guide per second, at most")
    reconnect_min_s: float = Field(0.5, gt=0, description="first wait before reconnecting to the guide")
    reconnect_max_s: float = Field(10.0, gt=0, description="longest wait between reconnection attempts")
