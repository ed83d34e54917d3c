"""The guide's fixed refusals in four languages, and which language a reply is in."""
import pytest

from knowledge.guard_examples import UNSAFE
from knowledge.phrases import REFUSALS, refusal, reply_language


@pytest.mark.parametrize("language", ["el", "tr", "ru"])
def test_every_kind_of_refusal_exists_in_every_language_with_its_offer(language):
    assert set(REFUSALS[language]) == set(UNSAFE)
    text = refusal("violence", language, "Kurion")
    assert "Kurion" in text and text.isascii() is False
    assert refusal("violence", language, None) != refusal("violence", language, "Kurion")


def test_the_reply_follows_the_letters_of_the_question_then_the_session():
    assert reply_language("el", "en") == "el"  # plainly Greek, whatever the headset says
    assert reply_language("en", "tr") == "tr"  # Turkish may be written without its own letters
    assert reply_language("en", "ru") == "en"  # Latin letters are plainly not Russian
    assert reply_language("en", "en-GB") == "en" and refusal("violence", "en", "Kourion") is None
