"""The guide's fixed refusals in four languages, and which language a reply is in."""
import pytest

from answering.guard import refusal as english_refusal
from answering.guard_examples import NEAR_REQUESTS, ROWS, UNSAFE_EXAMPLES
from answering.phrases import REFUSALS, fixed, refusal
from knowledge.language import language
from knowledge.reading import read


@pytest.mark.parametrize("language", ["el", "tr", "ru"])
def test_every_kind_of_refusal_exists_in_every_language_with_its_offer(language):
    assert set(REFUSALS[language]) == set(UNSAFE_EXAMPLES)
    text = refusal("violence", language, "Kurion")
    assert "Kurion" in text and text.isascii() is False
    assert refusal("violence", language, None) != refusal("violence", language, "Kurion")


def test_the_reply_follows_the_letters_and_words_of_the_question_then_the_session():
    assert read("Τι είναι αυτό;", "en").reply == "el"  # plainly Greek, whatever the headset says
    assert read("Kuruluş tarihi?", "en").reply == "tr"  # Turkish letters
    assert read("Muze hangi yil kuruldu", "en").reply == "tr"  # Turkish words, typed without its letters
    assert read("Kourion 1934", "tr").reply == "tr"  # nothing shows a language: the session's
    assert read("Who built this castle?", "tr").reply == "en"  # plainly English
    assert read("Kourion 1934", "ru").reply == "ru"  # a name and a year: the session's
    assert read("Kourion", "de").reply == "en"  # a language the guide does not speak
    assert read("Kourion", "en-GB").reply == "en" and refusal("violence", "de", "Kourion") is None
    assert language("Bu kale ne zaman yapildi") == "tr" and language("When was it built?") == "en"
    # the commonest Turkish words of a request, typed without Turkish letters
    assert language("Bana bir hikaye anlat") == "tr" and language("Hangisi daha eski?") == "tr"
    assert language("Kendime zarar vermek istiyorum") == "tr"


@pytest.mark.parametrize("language", ["el", "tr", "ru"])
def test_the_fixed_phrases_exist_in_every_language_and_keep_their_place_for_a_fact(language):
    for kind in ("unknown", "unknown_live", "safe_decline"):
        text = fixed(kind, language, "English")
        assert text != "English" and not text.isascii()
        assert ("{first}" in text) == kind.startswith("unknown")
    assert fixed("unknown", "de", "English") == "English"


def test_the_english_refusal_is_the_guards_and_every_kind_it_learns_has_one():
    assert set(REFUSALS["en"]) == set(UNSAFE_EXAMPLES)
    for kind, (written, said) in UNSAFE_EXAMPLES.items():
        assert written and refusal(kind, "en", "Kourion") == english_refusal(kind, "Kourion") == f"{said} " \
            "I'd gladly tell you more about Kourion instead."
    assert english_refusal("sexual", None).endswith(" I'd gladly tell you more about the exhibition instead.")


def test_the_guards_examples_are_labelled_with_the_language_they_are_read_in():
    assert all(language(r.text) == r.language for r in ROWS)
    assert NEAR_REQUESTS and {r.language for r in ROWS if r.split == "tune"} == {"el", "tr", "ru"}
