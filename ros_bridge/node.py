"""python -m ros_bridge [--ros-args --params-file launch/config/bridge.yaml]

The guide_bridge node: robot pose (odom and/or amcl_pose) and optional exhibit detections in,
the exhibit in view out, on `guide/exhibit_in_view` (reliable, transient local) and to the guide
server as a robot client; the guide's answers for the tour come back on `guide/answer`.
The decision itself is made by the pure `ros_bridge.zones.ZoneTracker`.
"""
from __future__ import annotations

import logging
import math
import sys

import rclpy
from geometry_msgs.msg import PoseWithCovarianceStamped
from nav_msgs.msg import Odometry
from rcl_interfaces.msg import ParameterDescriptor
from rclpy.node import Node
from rclpy.qos import (
    DurabilityPolicy,
    HistoryPolicy,
    QoSProfile,
    ReliabilityPolicy,
    qos_profile_sensor_data,
)
from std_msgs.msg import String

from common.settings import SettingsError, describe_errors
from knowledge.catalogue import default_catalogue
from ros_bridge.config import BridgeSettings
from ros_bridge.link import GuideLink
from ros_bridge.zones import Decision, Rejected, ZoneTracker, zones_from_catalogue

LATCHED = QoSProfile(depth=1, reliability=ReliabilityPolicy.RELIABLE,
                     durability=DurabilityPolicy.TRANSIENT_LOCAL, history=HistoryPolicy.KEEP_LAST)


def yaw(q) -> float:
    return math.atan2(2.0 * (q.w * q.z + q.x * q.y), 1.0 - 2.0 * (q.y * q.y + q.z * q.z))


class GuideBridge(Node):
    def __init__(self, link: GuideLink | None = None):
        super().__init__("guide_bridge")
        self.settings = self._read_settings()
        s = self.settings
        self.tracker = ZoneTracker(zones_from_catalogue(default_catalogue()), s.dwell_s,
                                   s.hysteresis_m, s.stale_s, s.detection_hold_s)
        self.in_view = self.create_publisher(String, s.in_view_topic, LATCHED)
        self.answers = self.create_publisher(String, s.answer_topic, 10)
        self.link = link or GuideLink(s.guide_url, s.token, s.tour_id, self._answer,
                                      (s.reconnect_min_s, s.reconnect_max_s))
        self._last_amcl = -math.inf
        self._pose: tuple | None = None
        if s.odom_topic:
            self.create_subscription(Odometry, s.odom_topic, self._odom, qos_profile_sensor_data)
        if s.amcl_topic:
            self.create_subscription(PoseWithCovarianceStamped, s.amcl_topic, self._amcl, LATCHED)
        if s.detection_topic:
            self.create_subscription(String, s.detection_topic, self._detection, 10)
        self.create_timer(0.2, self._tick)
        self.create_timer(1.0 / s.pose_rate_hz, self._send_pose)
        self._publish(None)
        self.link.start()

    def _read_settings(self) -> BridgeSettings:
        """Every settings field is a ROS parameter; bad values name the parameter."""
        values = {}
        for name, field in BridgeSettings.model_fields.items():
            default = field.get_default(call_default_factory=True)
            # typed by pydantic below, so that `-p dwell_s:=1` (an integer) is accepted too
            described = ParameterDescriptor(description=field.description or "", dynamic_typing=True)
            values[name] = self.declare_parameter(name, default, described).value
        try:
            return BridgeSettings.model_validate(values)
        except Exception as exc:
            detail = describe_errors(exc, "guide_bridge parameters") if hasattr(exc, "errors") else str(exc)
            raise SettingsError(detail) from exc

    # ---- inputs ----
    def _now(self) -> float:
        """The node's clock, the one time for poses, detections and staleness alike: a robot
        whose message stamps are skewed must not look stale one moment and fresh the next."""
        return self.get_clock().now().nanoseconds * 1e-9

    def _odom(self, msg: Odometry) -> None:
        if self._now() - self._last_amcl < self.settings.amcl_priority_s:
            return
        self._pose_in(msg.header, msg.pose.pose)

    def _amcl(self, msg: PoseWithCovarianceStamped) -> None:
        self._last_amcl = self._now()
        self._pose_in(msg.header, msg.pose.pose)

    def _pose_in(self, header, pose) -> None:
        if header.frame_id.lstrip("/") not in self.settings.frames:
            self.get_logger().warning(f"ignoring a pose in frame {header.frame_id!r}; expected one of "
                                      f"{self.settings.frames}", throttle_duration_sec=5.0)
            return
        x, y, t = pose.position.x, pose.position.y, self._now()
        try:
            decision = self.tracker.pose(x, y, t)
        except Rejected as exc:
            self.get_logger().warning(f"ignoring a pose: {exc}", throttle_duration_sec=5.0)
            return
        self._pose = (x, y, yaw(pose.orientation), header.frame_id.lstrip("/") or "map")
        self._decide(decision)

    def _detection(self, msg: String) -> None:
        try:
            self._decide(self.tracker.detection(msg.data.strip(), self._now()))
        except Rejected as exc:
            self.get_logger().warning(f"ignoring a detection: {exc}", throttle_duration_sec=5.0)

    def _tick(self) -> None:
        self._decide(self.tracker.tick(self._now()))

    # ---- outputs ----
    def _decide(self, decision: Decision | None) -> None:
        if decision is None:
            return
        self.get_logger().info(f"exhibit in view: {decision.exhibit or 'none'} ({decision.source})")
        self._publish(decision.exhibit)
        self.link.send_exhibit(decision.exhibit, decision.source)

    def _publish(self, exhibit: str | None) -> None:
        self.in_view.publish(String(data=exhibit or ""))

    def _send_pose(self) -> None:
        if self._pose is not None:
            self.link.send_pose(*self._pose)
            self._pose = None

    def _answer(self, text: str) -> None:  # called on the link's thread; publish is thread-safe
        self.answers.publish(String(data=text))

    def destroy_node(self) -> None:
        if getattr(self, "link", None) is not None:  # absent when the settings were refused
            self.link.stop()
        super().destroy_node()


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    rclpy.init(args=sys.argv if argv is None else ["guide_bridge", *argv])
    try:
        node = GuideBridge()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        rclpy.try_shutdown()
        return 2
    spin(node)
    return 0


def spin(node: Node, until=lambda: False) -> None:
    """Run a node until Ctrl-C, SIGTERM or `until()`, then shut ROS down cleanly."""
    try:
        while rclpy.ok() and not until():
            rclpy.spin_once(node, timeout_sec=0.1)
    except (KeyboardInterrupt, rclpy.executors.ExternalShutdownException):
        pass
    except Exception:
        if rclpy.ok():
            raise
        # SIGTERM shut ROS down between the loop's check and its wait: an ordinary ending
    finally:
        node.destroy_node()
        rclpy.try_shutdown()


if __name__ == "__main__":
    sys.exit(main())
