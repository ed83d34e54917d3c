"""The websocket guide server: sessions, the exhibit in view, grounded streamed answers."""
