"""A 30-second soak: the real server and model under scheduled abuse, then SIGTERM and a restart."""
import pytest

from tools import soak


@pytest.mark.slow
@pytest.mark.embedded
def test_a_short_soak_loses_no_rating_and_refuses_no_well_behaved_visitor(capsys):
    status = soak.main(["--seconds", "30", "--visitors", "3"])
    table = capsys.readouterr().out
    assert "acknowledged ratings / found after SIGTERM and restart" in table
    assert status == 0, table  # no rating lost, no well-behaved visitor refused or disconnected
    acked, found = table.split("acknowledged ratings / found after SIGTERM and restart")[1].split()[0:3:2]
    assert int(acked) > 10 and acked == found
