"""The sentence check that decides whether a model sentence may be spoken (`knowledge.support`)."""
from knowledge.support import Support, stems

RECORD = "Exhibit in view: Kyrenia Ship (c. 300 BC; Kyrenia)."
FOUND = "The wreck of the Kyrenia Ship was found in 1965 by the local diver Andreas Cariolou."
RAISED = ("The Kyrenia Ship was excavated and raised in 1968 and 1969 by a University of "
          "Pennsylvania team led by Michael Katzev.")


def support(question: str) -> Support:
    return Support([f"{FOUND} {RECORD}", f"{RAISED} {RECORD}"], words=question)


def test_each_fact_told_in_other_words_passes():
    check = support("Who found this ship?")
    assert check.problem("A local diver, Andreas Cariolou, found the wreck in 1965.") is None
    assert check.problem("A team led by Michael Katzev raised the ship in 1968 and 1969.") is None
    assert check.problem("It was found by a local diver.") is None


def test_a_figure_said_with_another_facts_word_is_refused_even_when_the_question_lends_it():
    check = support("Who found this ship?")
    assert check.problem("The ship was found in 1968 and 1969 by a team led by Michael Katzev.") == \
        "a word from another source"
    assert check.problem("The ship was found in 1968.") == "a word from another source"


def test_a_date_and_a_name_from_two_facts_are_refused():
    check = support("Tell me about the ship.")
    assert check.problem("Andreas Cariolou raised the ship in 1968.") is not None


def test_a_model_sentence_denies_only_what_its_source_denies():
    check = Support([f"{FOUND} {RECORD}", f"The garrison surrendered without a fight in 1570. {RECORD}"],
                    words="Was the ship ever found?", denials=True)
    assert check.problem("The wreck of the Kyrenia Ship was never found.") == "a negation not in the sources"
    assert check.problem("The local diver Andreas Cariolou didn't find the wreck.") == "a negation not in the sources"
    assert check.problem("No, the local diver Andreas Cariolou found the wreck in 1965.") is None  # a reply, no denial
    assert check.problem("The garrison surrendered without a fight in 1570.") is None  # its source denies it too
    found = Support([f"{FOUND} {RECORD}"], words="Was the ship ever found?", denials=True)
    assert found.problem("The wreck of the Kyrenia Ship wasn’t found.") == "a negation not in the sources"
    asked = Support([f"{FOUND} {RECORD}"], words="Wasn't it found?", denials=True)
    assert asked.problem("The wreck was not found.") == "a negation not in the sources"  # the question lends none
    # a hand-written reply may say "not far" for "a few kilometres": denials are off by default
    assert support("Where was it found?").problem("The wreck was found not far from Kyrenia.") is None


def test_a_word_the_guide_adds_must_be_one_the_catalogue_uses():
    vocabulary = stems(f"{FOUND} {RAISED} The lace is white and light brown. The diver came home.")
    check = Support([f"{FOUND} {RECORD}"], words="Who found this ship?", vocabulary=frozenset(vocabulary))
    assert check.problem("The local diver Andreas Cariolou came to the wreck in 1965.") is None
    assert check.problem("The local diver Andreas Cariolou spotted the wreck in 1965.") == \
        "a word not in the vocabulary"
    assert Support([f"{FOUND} {RECORD}"]).problem("The local diver Andreas Cariolou spotted the wreck in 1965.") is None


def test_an_apostrophe_ends_a_word_and_a_contraction_is_a_denial():
    assert stems("The ship's hull, it's pine.") == {"ship", "hull", "pine"}
    assert stems("It wasn't pine and they weren’t home.") == {"pine", "home"}
    vocabulary = frozenset(stems(f"{FOUND} It was never raised."))
    denying = Support([f"The wreck was never raised. {RECORD}"], vocabulary=vocabulary, denials=True)
    assert denying.problem("The wreck wasn't raised.") is None
