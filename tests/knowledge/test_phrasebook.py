"""The phrasebook: every fixed sentence the guide speaks, in its four languages, from one file."""
import pytest

from common.tables import TableError
from knowledge.dataset import DECLINE, UNKNOWN_ANSWER, UNSAFE_REQUESTS
from knowledge.phrasebook import PHRASEBOOK, PHRASEBOOK_FILE, load_phrasebook, placeholders
from knowledge.schema import LANGUAGES


def sentences():
    """(where in the book, sentence) for every phrase the guide speaks."""
    yield from ((f"refusals.{kind}", s) for kind, s in PHRASEBOOK.refusals.items())
    for where, variants in [("offers", PHRASEBOOK.offers), *((f"courtesy.{k}", v) for k, v in PHRASEBOOK.courtesy.items())]:
        yield f"{where}.anywhere", variants.anywhere
        if variants.at_exhibit is not None:
            yield f"{where}.at_exhibit", variants.at_exhibit
    yield from ((f"fixed.{name}", s) for name, s in PHRASEBOOK.fixed.items())


def test_every_kind_of_phrase_is_written_in_every_language_with_the_same_placeholders():
    found = list(sentences())
    assert len(found) >= 25
    for where, sentence in found:
        texts = [sentence.said_in(language) for language in LANGUAGES]
        assert all(t and t == t.strip() for t in texts), where
        assert len(set(texts)) == len(LANGUAGES), f"{where}: a language copies another"
        assert all(placeholders(t) == placeholders(texts[0]) for t in texts), where
    assert {"greeting", "thanks", "farewell"} <= set(PHRASEBOOK.courtesy)
    assert {"unknown", "unknown_live", "safe_decline", "older", "same_age", "all_told"} <= set(PHRASEBOOK.fixed)


def test_a_refusal_says_its_offer_naming_the_exhibit_or_the_exhibition():
    assert PHRASEBOOK.refusal("politics", "en", "Kourion") == ("I'm sorry, I don't take political sides; I'm here to "
                                                                "talk about heritage. I'd gladly tell you more about "
                                                                "Kourion instead.")
    assert PHRASEBOOK.refusal("politics", "ru", None).endswith("о выставке.")
    assert PHRASEBOOK.refusal("politics", "de", None) is None and PHRASEBOOK.refusal("poetry", "en", None) is None


def test_the_training_data_says_the_english_of_the_book():
    assert UNKNOWN_ANSWER == PHRASEBOOK.fixed["unknown"].en and DECLINE == " " + PHRASEBOOK.offers.at_exhibit.en
    assert [(k, q) for k, q, _ in UNSAFE_REQUESTS] == [(t.kind, t.request) for t in PHRASEBOOK.taught]
    for t, (_, _, reply) in zip(PHRASEBOOK.taught, UNSAFE_REQUESTS):
        assert reply == t.reply + (DECLINE if t.offer else "")


@pytest.mark.parametrize("change, problem", [
    (("    tr: \"Üzgünüm, bu konuda konuşamam.\"\n", ""), "field 'refusals.sexual.tr': Field required"),
    (("Here is what I can tell you: {first}", "Here is what I can tell you: {fact}"), "field 'fixed.unknown'"),
    (("  - kind: politics\n", "  - kind: elections\n"), "kinds ['elections'] have no refusal"),
])
def test_a_broken_phrasebook_is_an_error_naming_the_file_and_the_field(tmp_path, change, problem):
    text = PHRASEBOOK_FILE.read_text(encoding="utf-8")
    assert change[0] in text
    broken = tmp_path / "phrasebook.yaml"
    broken.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(TableError, match="phrasebook.yaml") as err:
        load_phrasebook(broken)
    assert problem in str(err.value)
