"""python -m ros_bridge [--ros-args ...]: the guide_bridge node."""
import sys

from ros_bridge.node import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
