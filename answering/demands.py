"""What a question asks for, and whether a passage can give it: pure functions over strings.

A question that asks "how many monks" is not answered by a fact that says when the abbey was
founded, however close the two are in meaning; a question about today's opening hours, the
weather, a ticket price or the guide's own favourite is not answered by any fact of a catalogue
of heritage. The answer pipeline quotes the best-ranked fact that meets the question's demand,
and says it doesn't know when no fact close enough does.

Demands (English questions; in Greek, Turkish and Russian only the kind of answer is read, by
`demand_in`, and checked against the English of the same fact):
- count ("how many bastions"): a number, not a year, within a few words of the counted thing;
- measure ("how tall", "how heavy", "how far"): a quantity with a unit of that dimension;
- price ("how much does it cost"): a sum of money;
- when ("when", "what year", "how old"): a date, a century, an age or a named period;
- who ("who", "whose", "what was the name of"): a name or a kind of person the question does
  not already hold;
- terms the passage must itself hold: qualifiers that change the answer ("the first", "the
  last", "the oldest"), things that change from day to day (opening hours, prices, parking, the
  weather, what happens tonight) and opinions ("your favourite", "the most beautiful").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field

from common.tables import load_table
from knowledge.schema import Strict
from knowledge.support import split_sentences

Kind = Literal["count", "measure", "price", "when", "who"]
WORDS_FILE = Path(__file__).parent / "data" / "demands.yaml"


class Measure(Strict):
    dimensions: list[Literal["length", "weight", "time", "money"]] = Field(min_length=1, description="the dimensions whose units answer it")
    words: list[str] = Field(default_factory=list, description="words by which a passage says which dimension it measures")


class Words(Strict):
    number_words: list[str] = Field(min_length=1, description="numbers written as words")
    vague: list[str] = Field(description="counts that are not the number a 'how many' asks for")
    measures: dict[str, Measure] = Field(description="'how tall', 'what is the height' -> what answers it")
    people: list[str] = Field(description="words for people: a count of any of them answers a count of people")
    persons: list[str] = Field(description="what a 'which ...' question asks a person by")
    peoples: list[str] = Field(description="peoples, whose names do not answer 'what was the name of'")
    not_names: list[str] = Field(description="capitalised words that are no one's name")
    verbs: list[str] = Field(description="the words after 'how many' that are not what is counted")
    same: dict[str, str] = Field(description="words for the same thing that is counted")


TABLE: Words = load_table(Words, WORDS_FILE)
NUMBER_WORDS = TABLE.number_words
VAGUE = set(TABLE.vague)  # a count, but not the number a "how many" asks for
CARDINAL = re.compile(r"^(\d{1,3}(,\d{3})+|\d{1,2}|(" + "|".join(NUMBER_WORDS) + r")(-\w+)?)$", re.I)
YEAR = re.compile(r"\b\d{3,4}s?\b|\b\d+(st|nd|rd|th)\b|\b(BC|AD)\b|\bcentur(y|ies)\b|\bmillennium\b")
SEASON = re.compile(r"\b(winter|summer|spring|autumn|Easter|Pentecost|Christmas|January|February|March|April|"
                    r"May|June|July|August|September|October|November|December)\b")
UNITS = {
    "length": r"(metres?|meters?|m|kilometres?|km|centimetres?|cm|feet|foot|ft|miles?|storeys?|levels?)",
    "weight": r"(tonnes?|tons?|kilograms?|kilos?|kg|grams?|g)",
    "time": r"(years?|months?|weeks?|days?|hours?|minutes?|centur(y|ies)|generations?)",
    "money": r"(euros?|€|pounds?|£|dollars?|\$|cents?)",
}
DIMENSION = {asked: measure.dimensions for asked, measure in TABLE.measures.items()}
PEOPLE = set(TABLE.people)
PERSONS = "|".join(TABLE.persons)
# for "how tall" and the like, the passage must say which dimension its quantity measures
DIMENSION_WORDS = {asked: "|".join(measure.words) for asked, measure in TABLE.measures.items() if measure.words}
# who did something, as the catalogue says it: "by a farmer", "by settlers from Argos"
AGENT = re.compile(r"\bby (a |an |the )?(\w+ )?(settlers|farmers?|divers?|team|mission|expedition|university|"
                   r"department|school|king|kings|queen|emperor|bishop|hermit|monks|canons|knights|engineers?)\b", re.I)
# what a "who" question may name itself and still ask for a name: "the ship's captain"
ROLES = re.compile(r"\b(owner|captain|architect|artist|painter|sculptor|carver|builder|abbot|priest|mayor|director|"
                   r"curator|designer|hunter|farmer|wife|husband|son|daughter|mother|father|teacher|master)s?\b", re.I)
PEOPLES = set(TABLE.peoples)
NOT_NAMES = set(TABLE.not_names)  # capitalised words that are no one's name
QUALIFIERS = re.compile(r"\b(?:the|its|their|your) (?P<q>first|last|oldest|newest|youngest|earliest|latest|biggest|"
                        r"largest|smallest|tallest|highest|longest|deepest|only|original|favou?rite|most beautiful|"
                        r"prettiest|nicest|best|worst)\b", re.I)
# what changes from day to day, or is a matter of taste: a heritage catalogue never holds it
LIVE = re.compile(
    r"\b(weather|windy|sunny|rain(y|ing)?|temperature|forecast|opening (hours|times)|what time|"
    r"(opens?|closes?|closed|open) (today|tomorrow|tonight|now|on|at|until|till|late)|is (it|the \w+) open|"
    r"prayer times|service times|sunday service|tickets?|admission|entrance fee|entry fee|cost|costs|price|"
    r"prices|worth|expensive|cheap|discount|park|parking|caf[eé]|coffee|restaurant|toilets?|restrooms?|"
    r"bathrooms?|gift shop|museum shop|souvenir shop|wheelchair|accessible|audio guide|guided tours?|bus|"
    r"taxi|wi-?fi|(tele)?phone (number|no)|museum's (tele)?phone|e-?mail( address)?|contact (details|number)|museum's address|"
    r"address of the museum|lockers?|flash|tonight|tomorrow|right now|at the moment|this (week|weekend|month|season|evening)|"
    r"next (week|weekend|month|year)|last (night|week|weekend|month|year)|when will|will (it|they|there) be|"
    r"safe to swim|your (personal )?(favou?rite|opinion|view)|(do|would) you (personally )?(prefer|like|"
    r"recommend|think)|you think|in your (opinion|view)|would i (enjoy|like|love)|nicest|prettiest|"
    r"most beautiful|better than|worse than|alive today|what's on|what is on)\b", re.I)
ASKS_HOW = re.compile(r"\bhow (many|much|tall|high|deep|wide|thick|big|large|far|long|heavy|old)\b(?! ago)", re.I)
ASKS_AGE = re.compile(r"\bhow old (was|were|is|are) (he|she|they|\w+( \w+)?) when\b", re.I)
ASKS_WHEN = re.compile(r"^\W*(so |and |but |ok,? )?when\b|\b(what|which) (year|century|date|decade)\b|"
                       r"\bhow (old|long ago)\b|\bsince when\b", re.I)
# "what was the name of", and as a visitor doubts it is known: "do we know the names of", "is the
# name of the architect recorded?"
ASKS_NAME = re.compile(r"\b(what|what's) (was |is |were )?the names? of\b|\bwhat (was|is) [\w'’]+ (real |full |first )?name\b|"
                       r"\b(do|does|did) (we|you|they|anyone|people) know (the |their |his |her )?names?\b|"
                       r"\bnames? of [^?.]{0,40}\b(known|recorded)\b", re.I)
# the deed a "who" question asks the doer of: the first word after "who" and its helping verbs
HELPING = r"was|were|is|are|been|did|does|do|has|have|had|can|could|will|would|first|originally"
DEED = re.compile(rf"\bwho\s+(?:(?:{HELPING})\s+)*(?!(?:{HELPING}|it|the|this|that)\b)([a-z]{{3,}})\b", re.I)
# "who was Hilarion?", "who was he?" ask what someone already named was; "who was it named
# after?" asks where a name comes from, which the exhibit's own name may hold: neither asks for a
# name the question lacks
DESCRIBE = re.compile(r"\b[Ww]ho (was|is|were|are) (([Ss]aint |[Ss]t\.? )?[A-Z]|(he|she|they)\W*$|"
                      r"(it|this|that|the \w+|this \w+) (named|called) (after|for)\W*$)")
ASKS_WHO = re.compile(r"^\W*(so |and |but |ok,? )?(who|whose)\b|\bwhom\b|\bwho (was|were|is|are|built|made|found|founded|"
                      r"painted|carved|designed|ruled|led|wrote|discovered|excavated)\b|\bwhich (" + PERSONS + r")s?\b", re.I)
WORD = re.compile(r"\d[\d,.]*\d|[\w'’-]+")
VERBS = set(TABLE.verbs)  # not what is counted
SAME = TABLE.same  # words for the same thing that is counted


@dataclass(frozen=True)
class Demand:
    kind: Kind | None = None
    dimensions: tuple[str, ...] = ()  # for "measure" and "price": the units that may answer
    things: tuple[str, ...] = ()  # for "count": the words of what is counted
    terms: tuple[str, ...] = ()  # words the passage must hold (lower case)
    words: str | None = None  # a pattern the passage must match besides ("tall|high|height")
    names: tuple[str, ...] = ()  # proper names the question uses: the catalogue must know them
    roles: tuple[str, ...] = ()  # "the ship's captain": the passage must name that role
    asked: frozenset[str] = frozenset()  # the question's own words, which cannot answer "who"
    deed: frozenset[str] = frozenset()  # for "who": the word of what was done ("found" in "who found it?")
    person: bool = False  # "what was the name of": a people's name does not answer it

    @property
    def live(self) -> bool:
        """Whether it asks what no heritage catalogue holds (hours, prices, weather, opinions)."""
        return any(LIVE.fullmatch(t) for t in self.terms)


def demand(question: str) -> Demand:
    """What kind of answer an English question asks for."""
    text = question.strip()
    found = [m.group("q") for m in QUALIFIERS.finditer(text)] + [m.group(0) for m in LIVE.finditer(text)]
    asks_name = ASKS_WHO.search(text) or ASKS_NAME.search(text) or re.search(r"\bcalled\b", text, re.I)
    roles = tuple(m.group(1).lower() for m in ROLES.finditer(text)) if asks_name else ()
    words = WORD.findall(text)
    # "I'm", "I've": the pronoun, capitalised in any position, is nobody's name
    names = tuple(w for w in words[1:] if w[0].isupper() and w not in NOT_NAMES and not w.isupper()
                  and not re.fullmatch(r"I['’]\w+", w))
    base = {"terms": tuple(dict.fromkeys(t.lower() for t in found)), "names": names, "roles": roles,
            "asked": frozenset(w.lower() for w in words)}
    how = ASKS_HOW.search(text)
    what = how.group(1).lower() if how else None
    if what == "many":
        counted = [w.lower() for w in WORD.findall(text[how.end():])[:3]]
        return Demand("count", things=tuple(w for w in counted if len(w) > 2 and w not in VERBS), **base)
    if what == "much":
        rest = text[how.end():].lower()
        if re.search(r"\b(cost|pay|charge|price|worth|ticket)", rest):
            return Demand("price", ("money",), **base)
        return Demand("measure", ("weight",), **base) if re.search(r"\bweigh", rest) else Demand(**base)
    if ASKS_AGE.search(text):
        return Demand("measure", ("time",), words=r"old|aged?", **base)
    if what == "old":
        return Demand("when", **base)
    if what:
        return Demand("measure", tuple(DIMENSION[what]), words=DIMENSION_WORDS.get(what), **base)
    if m := re.search(r"\bwhat (is|was) (the|its) (height|length|width|depth|weight|size)\b", text, re.I):
        return Demand("measure", tuple(DIMENSION[m.group(3).lower()]), words=DIMENSION_WORDS.get(m.group(3).lower()), **base)
    if ASKS_WHEN.search(text):
        return Demand("when", **base)
    deed = frozenset(m.group(1).lower() for m in DEED.finditer(text))
    if ASKS_NAME.search(text):
        return Demand("who", person=True, deed=deed, **base)
    if ASKS_WHO.search(text) and not DESCRIBE.search(text):
        return Demand("who", deed=deed, **base)
    return Demand(**base)


# how a Greek, Turkish or Russian question asks for a date, a length, a number or a name (folded:
# lower case, no accents), in the order they are tried: "πόσο παλιό" asks when, "πόσοι" how many
ASKS_IN = {
    "el": [("when", r"\bποτε\b|ποια χρονια|ποιο ετοσ|ποιον αιωνα|ποσο παλι|ποια εποχη"),
           ("length", r"ποσο (ψηλ|μακρ|μεγαλ|βαθ)|τι υψοσ|τι μηκοσ"),
           ("count", r"\bποσ(οι|εσ|α|ουσ)\b"),
           ("who", r"\bποι(οσ|οι|ον|ουσ)\b|\bποια (θεα|γυναικα|οικογενεια|ομαδα|αποστολη)")],
    "tr": [("when", r"ne zaman|hangi (yil|yuzyil|tarih|donem)|kac yilinda|ne kadar eski"),
           ("length", r"ne kadar (uzun|yuksek|buyuk|derin)|boyu|yuksekligi|uzunlugu"),
           ("count", r"\bkac\b"),
           ("who", r"\bkim(in|i|e|den|ler)?\b")],
    "ru": [("when", r"\bкогда\b|в каком году|какого века|в каком веке|сколько лет|насколько стар"),
           ("length", r"какои (высоты|длины|величины)|\bвысота\b|\bдлина\b"),
           ("count", r"\bсколько\b"),
           ("who", r"\bкто\b|\bкем\b|\bкого\b|\bкому\b")],
}


# what changes from day to day, asked in Greek, Turkish or Russian (folded)
LIVE_IN = {
    "el": r"ωρεσ λειτουργιασ|τι ωρα|ανοιγει|κλεινει|ανοιχτο|κλειστο|εισιτηρι|ποσο κοστιζ|κοστοσ|τιμη|"
          r"καιροσ|βρεχει|σταθμευσ|παρκινγκ|καφετερι|τουαλετ|τηλεφων(ο|ου|α)\b|email|διευθυνση του μουσειου",
    "tr": r"saat kacta|acilis|kapanis|acik mi|kapali mi|bilet|fiyat|ucret|ne kadar tutar|hava durumu|"
          r"yagmur|otopark|kafeterya|tuvalet|telefon numara|telefonu ne|e posta|muzenin adresi|muze adresi",
    "ru": r"часы работы|во сколько|открыт|закрыт|билет|сколько стоит|стоимост|цена|погода|дождь|"
          r"парковк|кафе|туалет|телефон|электронн\w* почт|почт\w* (адрес|музея)|адрес музея",
}


def live_in(folded_question: str, language: str) -> bool:
    """Whether a Greek, Turkish or Russian question asks what no heritage catalogue holds
    (opening hours, tickets and prices, the weather, parking, the café)."""
    pattern = LIVE_IN.get(language)
    return pattern is not None and re.search(pattern, folded_question) is not None


def demand_in(folded_question: str, language: str) -> Demand:
    """The kind of answer a question in Greek, Turkish or Russian asks for, to check against the
    English of each fact (facts are the same, one for one, in every language); nothing in English
    or where no question word shows it."""
    for kind, pattern in ASKS_IN.get(language, []):
        if re.search(pattern, folded_question):
            if kind == "length":
                return Demand("measure", ("length",))
            return Demand(kind)  # a count of anything: a number (not a year) anywhere in the fact
    return Demand()


def lower_words(text: str) -> frozenset[str]:
    """A text's words in lower case: the exhibit's names and places, which `meets` exempts."""
    return frozenset(w.lower() for w in WORD.findall(text))


def vocabulary(texts: list[str]) -> frozenset[str]:
    """The word stems of a catalogue's passages, for `unknown_names`."""
    return frozenset(_stem(w) for text in texts for w in WORD.findall(text))


def unknown_names(need: Demand, known: frozenset[str]) -> list[str]:
    """The question's proper names that the catalogue never uses (another museum, a person or a
    place it does not know): it cannot answer about them."""
    return [n for n in need.names if _stem(n) not in known]


def _stem(word: str, size: int = 5) -> str:
    word = word.lower().strip("'’")
    return word[:size] if len(word) > size else word.rstrip("s")


def _has_term(passage: str, term: str) -> bool:
    return all(re.search(r"\b" + re.escape(_stem(w)), passage, re.I) for w in term.split())


def _quantities(words: list[str], exact: bool = False) -> list[int]:
    return [i for i, w in enumerate(words) if CARDINAL.match(w) and not re.fullmatch(r"\d{3,4}", w)
            and not (exact and w.lower() in VAGUE)]


def _counted(words: list[str], things: tuple[str, ...], exact: bool = False) -> bool:
    """A number within four words of what is counted (of people, for any word for people);
    `exact`: a number, not "several" or "a few". With nothing named to count (a Greek, Turkish or
    Russian "how many", read on the English fact), a number itself: "four gates", not "several
    fires", which `precise` would otherwise fall back on."""
    if not things:  # not an order either: "the 19th century", "a 12th-century church"
        return any(not (i + 1 < len(words) and re.match(r"(st|nd|rd|th)\b", words[i + 1]))
                   for i in _quantities(words, exact=True))
    low = [w.lower() for w in words]
    wanted = {_stem(t, 6) for t in things} | {SAME[_stem(t, 6)] for t in things if _stem(t, 6) in SAME}
    people = any(t in PEOPLE for t in things)
    for i in _quantities(words, exact):
        near = low[max(0, i - 4): i + 5]
        if any(_stem(w, 6) in wanted or (people and w in PEOPLE) for w in near):
            return True
    return False


def _counts(need: Demand, passage: str, exact: bool = False) -> bool:
    return any(_counted(WORD.findall(clause), need.things, exact) for clause in re.split(r"[;:]|,(?!\d)|\.(?!\d)", passage))


def precise(need: Demand, passage: str) -> bool:
    """Whether a passage that meets a "how many" gives the number itself ("eleven bastions"),
    not only "several bastions"; any passage is precise for the other kinds."""
    return need.kind != "count" or _counts(need, passage, exact=True)


def _measured(passage: str, dimensions: tuple[str, ...]) -> bool:
    units = "|".join(UNITS[d] for d in dimensions)
    amount = r"(\d[\d,.]*|" + "|".join(NUMBER_WORDS) + r"|a|an)(-\w+)?"
    return re.search(rf"\b{amount}\s+{units}\b", passage, re.I) is not None


def _plain(word: str) -> str:
    return re.sub(r"['’]s?$", "", word.lower())


def _named(passage: str, need: Demand, exempt: frozenset[str], plain: frozenset[str]) -> bool:
    """A name (a capitalised word that is not the exhibit's, the question's, or a common word) or
    who did it ("by a farmer") that the question does not already hold. A sentence's first word
    is capitalised whatever it is: there it is a name only if `plain` (the words the catalogue
    writes in lower case) lacks it ("No kings were buried here" names nobody)."""
    asked = {_plain(w) for w in need.asked}
    for sentence in split_sentences(passage):
        for k, w in enumerate(WORD.findall(sentence)):
            if (w[0].isupper() and not w.isupper() and w not in NOT_NAMES and _plain(w) not in asked
                    and _plain(w) not in exempt and not (need.person and w in PEOPLES)
                    and not (k == 0 and w.lower() in plain)):
                return True
    return not need.person and any(m.group(3).lower() not in asked for m in AGENT.finditer(passage))


def meets(need: Demand, passage: str, exempt: frozenset[str] = frozenset(), plain: frozenset[str] = frozenset()) -> bool:
    """Whether a passage can answer a question of this demand; `exempt` holds the lower-case
    words of the exhibit's own names and places, which a passage need not repeat and which
    answer no "who"; `plain` the words the catalogue writes in lower case, no name where case
    says nothing (a sentence's first word)."""
    if not all(_has_term(passage, t) for t in need.terms):
        return False
    if any(not re.search(rf"\b{re.escape(role)}s?\b", passage, re.I) for role in need.roles):
        return False
    if need.words and not re.search(rf"\b({need.words})", passage, re.I):
        return False
    if need.kind == "count":  # within one clause: "four gates; its towers" counts no towers
        return _counts(need, passage)
    if need.kind in ("measure", "price"):
        return _measured(passage, need.dimensions)
    if need.kind == "when":
        return YEAR.search(passage) is not None or SEASON.search(passage) is not None
    if need.kind == "who":
        return _named(passage, need, exempt, plain)
    return True
