"""Who may join: tokens per client kind. Pure: no sockets."""
from guide.config import ServerSettings
from guide.service import admitted


def test_with_no_token_configured_every_client_is_admitted():
    assert all(admitted(ServerSettings(), kind, None) for kind in ("vr", "web", "robot"))


def test_a_visitor_token_alone_does_not_leave_robots_open():
    settings = ServerSettings(visitor_token="v")
    assert not admitted(settings, "robot", None)  # robot rights without any token: refused
    assert not admitted(settings, "robot", "v")  # nor with the visitors' token
    assert admitted(settings, "web", "v") and not admitted(settings, "web", "x") and not admitted(settings, "vr", None)


def test_each_kind_needs_its_own_token_unless_opened_explicitly():
    settings = ServerSettings(visitor_token="v", robot_token="r")
    assert admitted(settings, "robot", "r") and not admitted(settings, "robot", "v")
    assert admitted(settings, "vr", "v") and not admitted(settings, "vr", "r")
    robots_only = ServerSettings(robot_token="r")
    assert not admitted(robots_only, "web", None)  # once a token is set, visitors need theirs
    opened = ServerSettings(robot_token="r", open_clients=["web", "vr"])
    assert admitted(opened, "web", None) and admitted(opened, "vr", None) and not admitted(opened, "robot", None)
