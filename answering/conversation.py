"""What the guide does with a conversation rather than a lone question: it goes on about the
exhibit in view with what this visitor has not heard, in the order the catalogue tells it; it
recognises another exhibit named in any of the four languages and compares two exhibits' dates
by code, never by the model's arithmetic; and it suggests what to ask next. Pure, over the
catalogue, the hand-written replies and the dialogue state (`conversation_for` reads them)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from answering.dialogue import Dialogue
from answering.phrases import fixed
from answering.requests import GoOn, load_more, stems
from knowledge.catalogue import Catalogue
from knowledge.dataset import LANGUAGE_QUESTIONS_FILE, TRAINING_QUESTIONS_FILE, load_questions, load_rows
from knowledge.lexical import fold
from knowledge.reading import Reading
from knowledge.replies import load_replies
from knowledge.schema import LANGUAGES, Exhibit
from knowledge.support import Support, letter_words, stems, written_lower

COMPARE_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "requests" / "compare.yaml"
NAME_STEM = 6  # letters of a name's word that its inflected forms keep
NAMES_NOTHING = 1 / 3  # a word this share of the exhibits' texts use names none of them alone
SAME_AGE = 50  # years between two starts below which neither is called the older


def year_words(year: int, language: str) -> str:
    """A year as the visitor's language writes it: '300 BC', '300 π.Χ.', 'MÖ 300', '300 г. до н. э.'."""
    return fixed("year_bc" if year < 0 else "year_ad", language).format(abs(year))


def name_stems(words) -> set[str]:
    """Words as a name's words are compared: folded, their first six letters."""
    return {fold(w)[:NAME_STEM] for w in words}


def text_in(exhibit: Exhibit, language: str) -> str:
    summary, facts = exhibit.text(language)
    return " ".join([summary, *facts])


def comparison(a: Exhibit, b: Exhibit, language: str) -> str:
    """Which of two exhibits is older, from their catalogue start years."""
    dates = (year_words(a.period.start_year, language), year_words(b.period.start_year, language))
    same = abs(a.period.start_year - b.period.start_year) < SAME_AGE
    older = a if a.period.start_year <= b.period.start_year else b
    return fixed("same_age" if same else "older", language).format(
        a=a.name(language), b=b.name(language), a_dates=dates[0], b_dates=dates[1], older=older.name(language))


def restated(exhibit: Exhibit) -> list[int]:
    """The exhibit's facts that say nothing its summary does not: their numbers and names are in
    it, and so are all their content words but one ("The Kyrenia Ship is an ancient Greek
    merchant ship that sank near Kyrenia around 300 BC.": all but "near"; a fact that adds
    "five kilometres" tells something new)."""
    summary, words = Support([exhibit.summary]), stems(exhibit.summary)
    return [i for i, fact in enumerate(exhibit.facts)
            if summary.problem(fact) is None and len(stems(fact) - words) <= 1]


class Conversation:
    def __init__(self, catalogue: Catalogue, go_on: GoOn, questions: dict[tuple[str, int], list[str]],
                 compare_file: Path = COMPARE_FILE):
        """`questions`: (exhibit, fact) -> questions that fact answers, in English (the replies')."""
        self.catalogue, self.go_on, self.questions = catalogue, go_on, questions
        self.cues = {lang: [fold(c) for c in cues] for lang, cues in
                     yaml.safe_load(compare_file.read_text(encoding="utf-8")).items()}
        self.names = self._name_stems()
        self.restated = {e.id: restated(e) for e in self.catalogue}

    def summary_told(self, dialogue: Dialogue, exhibit: Exhibit, said: list[str]) -> None:
        """The visitor heard the exhibit's summary (in any language): the facts that only
        restate it count as heard, so that going on and suggestions bring something new."""
        if any(s in said for s in {exhibit.summary, *(exhibit.text(lang)[0] for lang in LANGUAGES)}):
            dialogue.tell(exhibit.id, self.restated[exhibit.id])

    def _name_stems(self) -> dict[str, list[tuple[set[str], bool]]]:
        """Per exhibit, per language name: the beginnings of its words (six letters, which
        inflected forms share: 'Σαλαμίνα', 'Σαλαμίνας'), and whether any is its own (no other
        exhibit's name in that language has it, and it is no common word (`_common`): 'Settlement'
        in one name is still the word other texts use for any settlement, and 'Cyprus' in
        'Cyprus Museum' the island's name)."""
        out: dict[str, list[tuple[set[str], bool]]] = {e.id: [] for e in self.catalogue}
        for language in LANGUAGES:
            words = {e.id: {w[:NAME_STEM] for w in fold(e.name(language)).split() if len(w) >= 4}
                     for e in self.catalogue}
            shared = Counter(w for ws in words.values() for w in ws)
            common = self._common(language)
            for exhibit_id, ws in words.items():
                plain = common(exhibit_id)
                own = {w for w in ws if shared[w] == 1 and w not in plain}
                out[exhibit_id].append((own or ws, bool(own)))
        return out

    def _common(self, language: str):
        """exhibit id -> the words of its name that name nothing in particular: in English, those
        another exhibit's text writes in lower case or a third of all texts use. Greek, Turkish
        and Russian texts name exhibits by their lower-case, inflected nouns ("κυπριακό
        συλλαβάριο"), so there a name's word is judged by the names alone."""
        if language != "en":
            return lambda exhibit_id: set()
        plain = {e.id: name_stems(written_lower(text_in(e, language))) for e in self.catalogue}
        used = Counter(w for e in self.catalogue for w in name_stems(letter_words(text_in(e, language))))
        many = {w for w, n in used.items() if n >= len(self.catalogue) * NAMES_NOTHING}
        return lambda exhibit_id: many.union(*(p for other, p in plain.items() if other != exhibit_id))

    def named(self, folded: str) -> list[str]:
        """Exhibits a question names, most clearly named first: by a word of their name no other
        exhibit has, or by the whole of a name made of shared words ('Kyrenia Castle')."""
        asked = folded.split()
        found = []
        for exhibit_id, names in self.names.items():
            for stems_, own in names:
                hit = {s for s in stems_ if any(w.startswith(s) for w in asked)}
                if hit and (own or hit == stems_):
                    found.append((-len(hit), exhibit_id))
                    break
        return [e for _, e in sorted(found)]

    def compared(self, reading: Reading, exhibit: Exhibit | None,
                 named: list[str] | None = None) -> Exhibit | None:
        """The other exhibit a question compares the one in view with, if it asks for that, by
        the cues of the language it is answered in; `named`: the exhibits it names, where already read."""
        # the question read whole ("eski mi") and without its little words ("daha mı eski")
        padded = (f" {reading.folded}", " " + " ".join(reading.content))
        cues = self.cues.get(reading.reply, self.cues["en"])
        if exhibit is None or not any(f" {c}" in text for c in cues for text in padded):
            return None
        others = [e for e in (self.named(reading.folded) if named is None else named) if e != exhibit.id]
        return self.catalogue.get(others[0]) if others else None

    def next_fact(self, dialogue: Dialogue, exhibit: Exhibit) -> int | None:
        untold = dialogue.untold(exhibit.id, len(exhibit.facts))
        return untold[0] if untold else None

    def all_told(self, exhibit: Exhibit, language: str) -> str:
        """Said when every fact has been told: so, and a related exhibit to visit next."""
        other = self.catalogue.get(exhibit.related[0]) if exhibit.related else exhibit
        summary = other.text(language)[0].split(". ")[0].rstrip(".") + "."
        return fixed("all_told", language).format(
            name=exhibit.name(language), other=other.name(language), summary=summary)

    def suggestions(self, dialogue: Dialogue, exhibit: Exhibit | None, language: str, k: int = 3) -> list[str]:
        """Up to `k` short questions this visitor has not asked that the guide can answer here:
        the next untold fact's question (in English, where written), going on, and a comparison
        with a related exhibit."""
        if exhibit is None:
            return []
        out = []
        untold = dialogue.untold(exhibit.id, len(exhibit.facts))
        if language == "en":
            for i in untold:
                asked = [q for q in self.questions.get((exhibit.id, i), []) if fold(q) not in dialogue.asked]
                if asked:
                    out.append(asked[0])
                    break
        if untold:
            out += [r for r in self.go_on.examples(language) if fold(r) not in dialogue.asked][:1]
        if exhibit.related:
            other = self.catalogue.get(exhibit.related[0])
            out.append(fixed("suggest_older", language).format(other=other.name(language)))
        return [q for q in out if fold(q) not in dialogue.asked][:k]


def conversation_for(catalogue) -> Conversation:
    """What the guide knows of conversations: requests to go on told from the visitors' written
    questions, and the hand-written replies' questions to suggest."""
    replies = load_replies(catalogue)
    questions = {(e, f.fact): [p.q for p in f.pairs] for e, r in replies.items() for f in r.facts}
    asked = [q.question for q in load_questions(TRAINING_QUESTIONS_FILE, catalogue)]
    asked += [r["q"] for r in load_rows(LANGUAGE_QUESTIONS_FILE, "tune")] + [q for qs in questions.values() for q in qs]
    texts = [t for e in catalogue for lang in LANGUAGES for t in [e.text(lang)[0], *e.text(lang)[1]]]
    return Conversation(catalogue, GoOn(load_more(), asked, texts), questions)
