"""The child-process check the server runs before it trusts the llama.cpp backend."""
import sys

from runtime.probe import outcome


def test_a_child_that_crashes_is_reported_in_words_and_the_caller_lives_on():
    crash = outcome([sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"])
    assert crash == "it died with SIGSEGV"
    failed = outcome([sys.executable, "-c", "import sys; sys.exit('no GGUF here')"])
    assert failed == "it exited with status 1: no GGUF here"
    assert outcome([sys.executable, "-c", "import time; time.sleep(5)"], timeout=0.5) == "it did not finish within 0.5 s"
    assert outcome([sys.executable, "-c", "pass"]) is None
