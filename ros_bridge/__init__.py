"""The rclpy bridge from robot pose and detections to exhibit-in-view events."""
