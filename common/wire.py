"""The version of the guide's websocket protocol, spoken by the server and by the robot's link:
one number, so that the two cannot drift apart."""
PROTOCOL_VERSION = 1
