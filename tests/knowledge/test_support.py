"""The sentence check that decides whether a model sentence may be spoken (`knowledge.support`)."""
from knowledge.support import Support

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
