"""A conversation, not a lookup: follow-ups read with the turn before, requests to go on in four
languages, comparisons by the catalogue's dates, the exhibit in view kept, and suggestions."""
import pytest

from answering.dialogue import Dialogue
from answering.pipeline import AnswerSettings, build_pipeline
from knowledge.lexical import fold

QUOTE = AnswerSettings(voice="quote")  # the chosen facts as they are: what was chosen is what is checked


@pytest.fixture(scope="module")
def pipeline(retriever):
    return build_pipeline(retriever, answers=QUOTE)


def talk(pipeline, exhibit, questions, language="en"):
    """Plans for a visitor's questions in one session, each heard before the next is asked."""
    dialogue, plans = Dialogue(), []
    for q in questions:
        plans.append(pipeline.plan(q, exhibit, language=language, dialogue=dialogue))
        pipeline.heard(dialogue, plans[-1], q, exhibit)
    return dialogue, plans


@pytest.mark.parametrize("text", ["Tell me more!", "go on", "What else can you say?", "Anything else interesting?",
                                  "Πες μου περισσότερα", "Τι άλλο ξέρεις;", "Başka ne biliyorsun?", "Devam",
                                  "Расскажи ещё что-нибудь", "А что ещё?"])
def test_requests_to_go_on_are_told_from_questions_in_four_languages(pipeline, text):
    assert pipeline.conversation.go_on.asks_more(fold(text))


@pytest.mark.parametrize("text", ["Tell me about the mosaics.", "What else was on board?", "Who found this ship?",
                                  "Πες μου για τα ψηφιδωτά.", "Расскажи о мозаиках.", "Bu ne zaman yapıldı?",
                                  "Is there more than one tower?"])
def test_questions_that_name_a_topic_are_not_requests_to_go_on(pipeline, text):
    assert not pipeline.conversation.go_on.asks_more(fold(text))


def test_going_on_tells_each_untold_fact_once_in_the_catalogues_order_then_suggests_a_related_exhibit(pipeline, retriever):
    ship = retriever.catalogue.get("kyrenia-ship")
    dialogue, plans = talk(pipeline, "kyrenia-ship", ["Who found this ship?"] + ["Tell me more."] * len(ship.facts))
    told = [p.facts[0] for p in plans[1:] if p.facts]
    assert len(set(told)) == len(told) == len(ship.facts) - len(plans[0].facts)  # every other fact, none twice
    assert all(f in ship.facts and f not in plans[0].facts for f in told)
    assert [ship.facts.index(f) for f in told] == sorted(ship.facts.index(f) for f in told)
    last = plans[-1].lead
    assert "That is all" in last and retriever.catalogue.get(ship.related[0]).names.en in last


def test_a_request_to_go_on_in_greek_is_told_in_greek(pipeline, retriever):
    _, plans = talk(pipeline, "kourion", ["Πες μου κι άλλα.", "Συνέχισε."], "el")
    greek = retriever.catalogue.get("kourion").text("el")[1]
    assert [p.lead for p in plans] == greek[:2]


def test_a_short_follow_up_is_read_with_the_question_before_it(pipeline):
    _, found = talk(pipeline, "kyrenia-ship", ["Who found this ship?", "And when was that?"])
    _, raised = talk(pipeline, "kyrenia-ship", ["Who led the excavation?", "And when was that?"])
    assert "1965" in found[1].facts[0] and "1968" in raised[1].facts[0]  # the same words, each turn's own date


def test_comparisons_come_from_both_records_with_the_dates_compared_by_code(pipeline):
    _, plans = talk(pipeline, "kyrenia-ship", ["Which is older, this or Salamis?"])
    assert plans[0].mode == "grounded" and "Salamis is the older" in plans[0].facts[0]
    _, plans = talk(pipeline, "kyrenia-castle", ["Hangisi daha eski, bu mu yoksa Girne Batığı mı?"], "tr")
    assert "daha eski olanı: Girne Batığı" in plans[0].lead and "MÖ 300" in plans[0].lead
    _, plans = talk(pipeline, "kourion", ["Ποιο είναι παλαιότερο, αυτό ή η Σαλαμίνα;"], "el")
    assert "Σαλαμίνα" in plans[0].lead and "παλαιότερο από τα δύο είναι το έκθεμα Σαλαμίνα" in plans[0].lead
    # a question particle between the cue's words ("daha mı yeni") is one of the language's little words
    _, plans = talk(pipeline, "salamis", ["Burası Kurion'dan daha mı yeni?"], "tr")
    assert "daha eski olanı" in plans[0].lead and "Kurion" in plans[0].lead
    # a cue read without its little words is no shorter word's beginning: "yeniden" (again) is no "yeni mi"
    _, plans = talk(pipeline, "kyrenia-castle", ["Girne Batığı yeniden nasıl yapıldı?"], "tr")
    assert not any("daha eski olanı" in f for f in plans[0].facts)


def test_a_fact_that_only_restates_the_summary_counts_as_heard_with_it(retriever):
    pipeline = build_pipeline(retriever)  # as served: the model phrases what is chosen
    dialogue, plans = talk(pipeline, "kyrenia-ship", ["What am I looking at?", "Tell me more."])
    assert plans[0].facts[0] == pipeline.retriever.catalogue.get("kyrenia-ship").summary
    restated = pipeline.conversation.restated["kyrenia-ship"]
    assert 0 in restated and set(restated) <= set(dialogue.heard("kyrenia-ship"))
    assert 2 not in pipeline.conversation.restated["venetian-walls-nicosia"]  # it adds "about five kilometres"
    assert plans[1].hits[plans[1].used[0]].passage.index not in restated  # going on brings something new
    assert "Earlier question" not in plans[1].messages[-1]["content"]  # going on is no follow-up to answer


def test_an_answer_is_about_the_exhibit_in_view_unless_the_question_names_another(pipeline, retriever):
    plan = pipeline.plan("Ποιος το ανέσκαψε;", "kourion", language="el")
    assert all(plan.hits[i].exhibit_id == "kourion" for i in plan.used)
    named = pipeline.plan("Where is the hull of the Kyrenia Ship shown?", "kyrenia-castle")
    assert any(named.hits[i].exhibit_id == "kyrenia-ship" for i in named.used)


def test_what_the_catalogue_plainly_gives_is_said_rather_than_i_do_not_know(pipeline):
    assert pipeline.plan("Who built the tower I'm looking at?", "kolossi-castle").mode == "grounded"
    assert pipeline.plan("How many sailors were there?", "kyrenia-ship").mode == "grounded"
    assert pipeline.plan("Who was the captain of the ship?", "kyrenia-ship").mode == "unknown"  # none is recorded


@pytest.mark.parametrize("language", ["en", "el", "tr", "ru"])
def test_suggestions_are_new_to_the_visitor_in_their_language_and_answered(pipeline, retriever, language):
    dialogue, _ = talk(pipeline, "salamis", [pipeline.conversation.go_on.examples(language)[0]], language)
    suggested = pipeline.suggestions(dialogue, "salamis", language)
    assert 2 <= len(suggested) <= 3 and not {fold(s) for s in suggested} & set(dialogue.asked)
    for question in suggested:
        plan = pipeline.plan(question, "salamis", language=language, dialogue=dialogue)
        assert plan.mode in ("grounded", "catalogue") and plan.language == language, (question, plan.mode)


def test_the_state_remembers_only_a_bounded_number_of_questions(pipeline):
    dialogue, _ = talk(pipeline, "kyrenia-ship", [f"Who found this ship, question {n}?" for n in range(60)])
    assert len(dialogue.asked) == 40 and "question 59" in dialogue.asked[-1]



@pytest.mark.parametrize("language", ["en", "el"])
def test_an_introduction_tells_the_exhibit_s_summary_in_the_visitor_s_language(retriever, language):
    speaking = build_pipeline(retriever)  # as served: the model phrases English, the catalogue speaks Greek
    plan = speaking.introduction("What am I looking at?", "tombs-of-the-kings", language)
    summary = retriever.catalogue.get("tombs-of-the-kings").text(language)[0]
    assert plan.facts == [summary] and plan.language == language
    assert plan.model == (language == "en") and (plan.lead == summary) == (language == "el")


def test_a_short_follow_up_the_guard_finds_off_topic_alone_is_read_with_the_turn_before(pipeline):
    alone = pipeline.plan("By whom?", "kolossi-castle")
    _, plans = talk(pipeline, "kolossi-castle", ["When was the tower built?", "By whom?"])
    assert alone.mode == "declined" and alone.category == "off_topic"  # nothing to go on, alone
    assert plans[1].mode == "grounded" and "Magnac" in " ".join(plans[1].facts)


@pytest.mark.parametrize("question", ["Thank you, and is Salamis far from here?", "Is Salamis bigger than this?"])
def test_naming_another_exhibit_without_asking_which_is_older_compares_no_dates(pipeline, question):
    plan = pipeline.plan(question, "kyrenia-ship")
    assert not any("older of the two" in f for f in plan.facts)


def test_a_summary_chosen_first_is_joined_by_a_fact_that_ranks_nearly_as_well(pipeline, retriever):
    from answering.demands import Demand
    from knowledge.retrieval import Hit

    exhibit = retriever.catalogue.get("kyrenia-ship")
    facts = [p for p in retriever.passages if p.exhibit_id == exhibit.id and p.kind == "fact"]
    hits = [Hit(facts[1], 0.95), Hit(facts[2], 0.5)]
    summary = 1.0
    assert pipeline.choose(hits, exhibit, summary, Demand()) == [None, 0]  # the summary, then the close fact
    assert pipeline.choose([Hit(facts[1], 0.5)], exhibit, summary, Demand()) == [None]  # a far one is left out


def test_a_follow_ups_summary_is_scored_by_the_better_of_its_two_readings(pipeline, retriever):
    from knowledge.reading import joined, read

    exhibit = retriever.catalogue.get("kolossi-castle")
    own = retriever.encoded(read("And that?", "en"))
    also = retriever.encoded(joined("What is this place?", own))

    def summary_score(reading, follow=None):
        return pipeline.fact_hits(reading, exhibit.id, follow)[2]
    alone, with_before = summary_score(own), summary_score(also)
    discount = pipeline.settings.follow_up_discount
    assert summary_score(own, also) == pytest.approx(max(alone, with_before - discount))
    assert with_before - discount > alone  # "what is this place?" is what the follow-up leans on


def test_a_question_is_scored_once_per_reading_for_its_facts_and_its_summary(pipeline, retriever, monkeypatch):
    calls, real = [], retriever.exhibit_scores
    monkeypatch.setattr(retriever, "exhibit_scores", lambda question, *a, **k: calls.append(question) or real(question, *a, **k))
    dialogue, _ = talk(pipeline, "kyrenia-ship", ["Who found this ship?"])
    assert calls == ["Who found this ship?"]
    calls.clear()
    pipeline.plan("And when?", "kyrenia-ship", dialogue=dialogue)
    assert calls == ["And when?", "Who found this ship? And when?"]  # alone, and with the turn before


def first_fact(plan) -> tuple[str, int]:
    hit = plan.hits[plan.used[0]]
    return hit.exhibit_id, hit.passage.index


@pytest.mark.parametrize("exhibit, before, then, fact", [
    ("salamis", "Who dug up the royal tombs?", "What was inside them?", 2),
    ("kyrenia-castle", "Who took the castle in 1570?", "Is one of them buried here?", 6)])
def test_a_follow_up_that_moves_on_is_not_answered_with_the_fact_just_told(pipeline, exhibit, before, then, fact):
    _, plans = talk(pipeline, exhibit, [before, then])
    assert first_fact(plans[1]) == (exhibit, fact)
    assert plans[1].facts[0] not in plans[0].facts


def test_a_follow_up_that_asks_for_a_date_may_find_it_in_the_fact_just_told(pipeline):
    _, plans = talk(pipeline, "kition", ["Who was born in Kition?", "When was he born?"])
    assert first_fact(plans[1]) == first_fact(plans[0]) == ("kition", 5)


def test_a_word_other_exhibits_texts_write_in_lower_case_names_no_exhibit_alone(pipeline):
    """'Settlement' is in one exhibit's name, but other texts speak of any settlement with it;
    'Choirokoitia' names that exhibit wherever it is written."""
    named = pipeline.conversation.named
    assert "choirokoitia" not in named(fold("Is there an older settlement near the mosque?"))
    assert named(fold("Is Choirokoitia older than this?")) == ["choirokoitia"]
    assert "choirokoitia" in named(fold("Is the Choirokoitia Neolithic Settlement older?"))
    plan = pipeline.plan("Is there an older settlement near the mosque?", "hala-sultan-tekke")
    assert not any("older of the two" in f for f in plan.facts)


def test_a_word_most_exhibits_texts_use_names_none_of_them_alone(pipeline):
    """'Cyprus' is in the Cyprus Museum's name and in most texts: the island, not the museum."""
    plan = pipeline.plan("Is this the oldest church in Cyprus?", "saint-lazarus-church")
    assert not any("older of the two" in f for f in plan.facts)
    assert pipeline.conversation.named(fold("Which is older, this or the Cyprus Museum?")) == ["cyprus-museum"]


@pytest.mark.parametrize("question, exhibit", [
    ("Είναι παλαιότερο από τους Τάφους των Βασιλέων;", "tombs-of-the-kings"),  # one word of the name, inflected
    ("Το κυπριακό συλλαβάριο είναι παλαιότερο;", "cypriot-syllabary"),
    ("Этот корабль старше?", "kyrenia-ship")])
def test_in_greek_turkish_and_russian_a_names_word_that_texts_write_in_lower_case_still_names_it(pipeline, question, exhibit):
    """Those texts speak of an exhibit by its lower-case nouns: the English rule would unname it."""
    assert exhibit in pipeline.conversation.named(fold(question))
