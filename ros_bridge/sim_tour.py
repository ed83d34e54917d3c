"""python -m ros_bridge.sim_tour [--speed 0.5] [--pause 4] [--time-scale 1] [--exhibits a,b] [--loop]

A simulated TurtleBot2: publishes nav_msgs/Odometry on `odom` (frame odom, child base_footprint,
the odom frame starting at the map origin) along a walk that visits the catalogue's exhibits in
gallery order and pauses at each, so that the whole system runs without a robot. It sets off
once the odometry has a subscriber (the bridge). The TF odom -> base_footprint is broadcast too
where tf2_msgs is installed (a full ROS 2 install); the PyPI wheels here do not ship it.
"""
from __future__ import annotations

import argparse
import logging
import math
import sys
import time

import rclpy
from nav_msgs.msg import Odometry
from rclpy.node import Node
from rclpy.qos import qos_profile_sensor_data

from knowledge.catalogue import default_catalogue
from ros_bridge.node import spin
from ros_bridge.path import TourPath, gallery_order

log = logging.getLogger("sim_tour")


def quaternion(yaw: float) -> tuple[float, float, float, float]:
    return (0.0, 0.0, math.sin(yaw / 2), math.cos(yaw / 2))


class SimTour(Node):
    def __init__(self, path: TourPath, rate: float = 20.0, time_scale: float = 1.0, loop: bool = False):
        super().__init__("sim_turtlebot")
        self.path, self.time_scale, self.loop = path, time_scale, loop
        self.odom = self.create_publisher(Odometry, "odom", qos_profile_sensor_data)
        self.tf = self._tf_publisher()
        # the walk starts once something listens to the odometry: on a busy machine discovery
        # can outlast the first stop, which the listener would then never hear of
        self.started: float | None = None
        self.finished = False
        self.create_timer(1.0 / rate, self._step)

    def _tf_publisher(self):
        try:
            from tf2_msgs.msg import TFMessage
        except ImportError:
            self.get_logger().info("tf2_msgs is not installed: publishing odometry without TF")
            return None
        return self.create_publisher(TFMessage, "tf", 10)

    def _step(self) -> None:
        if self.started is None:
            if not self.odom.get_subscription_count():
                return
            self.get_logger().info("odometry has a listener: setting off")
            self.started = time.monotonic()
        t = (time.monotonic() - self.started) * self.time_scale
        if t > self.path.duration:
            if not self.loop:
                self.finished = True
            else:
                self.started = time.monotonic()
        x, y, heading, speed = self.path.at(t % self.path.duration if self.loop else t)
        msg = Odometry()
        msg.header.stamp = self.get_clock().now().to_msg()
        msg.header.frame_id, msg.child_frame_id = "odom", "base_footprint"
        msg.pose.pose.position.x, msg.pose.pose.position.y = x, y
        q = msg.pose.pose.orientation
        q.x, q.y, q.z, q.w = quaternion(heading)
        msg.twist.twist.linear.x = speed * self.time_scale
        self.odom.publish(msg)
        if self.tf is not None:
            self._broadcast(msg)

    def _broadcast(self, odom: Odometry) -> None:
        from geometry_msgs.msg import TransformStamped
        from tf2_msgs.msg import TFMessage

        tf = TransformStamped()
        tf.header, tf.child_frame_id = odom.header, odom.child_frame_id
        p = odom.pose.pose
        tf.transform.translation.x, tf.transform.translation.y = p.position.x, p.position.y
        tf.transform.rotation = p.orientation
        self.tf.publish(TFMessage(transforms=[tf]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ros_bridge.sim_tour", description=__doc__.split("\n\n")[1])
    parser.add_argument("--speed", type=float, default=0.5, help="walking speed in m/s")
    parser.add_argument("--pause", type=float, default=4.0, help="seconds standing at each exhibit")
    parser.add_argument("--rate", type=float, default=20.0, help="odometry messages per second")
    parser.add_argument("--time-scale", type=float, default=1.0, help="run the walk this many times faster")
    parser.add_argument("--exhibits", help="comma-separated exhibit ids to visit; default: the whole gallery")
    parser.add_argument("--loop", action="store_true", help="start again after the last exhibit")
    args, ros_args = parser.parse_known_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    catalogue = default_catalogue()
    places = {e.id: (e.place.x, e.place.y) for e in catalogue}
    ids = [i.strip() for i in args.exhibits.split(",")] if args.exhibits else gallery_order(places)
    unknown = [i for i in ids if i not in catalogue]
    if unknown or args.speed <= 0 or args.pause < 0 or args.time_scale <= 0:
        print(f"error: unknown exhibits {unknown}" if unknown else
              "error: --speed and --time-scale must be positive, --pause not negative", file=sys.stderr)
        return 2
    stops = [(catalogue.get(i).place.x, catalogue.get(i).place.y) for i in ids]
    path = TourPath(stops, args.speed, args.pause)
    rclpy.init(args=["sim_turtlebot", *ros_args])
    node = SimTour(path, args.rate, args.time_scale, args.loop)
    log.info("touring %d exhibits in %.0f s (%s), once something subscribes to odom", len(ids), path.duration / args.time_scale, ", ".join(ids))
    spin(node, until=lambda: node.finished)
    return 0


if __name__ == "__main__":
    sys.exit(main())
