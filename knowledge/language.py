"""The language a visitor's text is written in, as far as its letters and its commonest words
show: Greek and Cyrillic script, Turkish letters or Turkish question words, otherwise English; and
the language to answer a question in. Pure and instant; no model."""
from __future__ import annotations

import re

# the languages written in an alphabet of their own, and that alphabet's letters
ALPHABETS = {"el": re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]"), "ru": re.compile(r"[\u0400-\u04ff]")}
SCRIPTS = (*ALPHABETS.items(), ("tr", re.compile(r"[çğıöşüİĞŞ]")))
# the little words that give a language away when its letters do not (Turkish typed without them)
TURKISH = set("ne nedir neden nerede nereden nasil hangi kim kimin kac bu su mi mu midir mudur icin ile "
              "ve bir burada zaman yil bana beni benim sana seni hangisi istiyorum istiyor var yok daha cok "
              "gibi ama olur misin musun anlat soyle goster ver yaz".split())
ENGLISH = set("the what who when where why how which is are was were did does do can could this that "
              "of and it its there here about tell me".split())


SPOKEN = ("en", "el", "tr", "ru")  # the languages the guide answers in


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def language(text: str) -> str:
    """el, ru, tr or en."""
    by_letters = next((code for code, letters in SCRIPTS if letters.search(text)), None)
    if by_letters is not None:
        return by_letters
    words = _words(text)
    return "tr" if sum(w in TURKISH for w in words) > sum(w in ENGLISH for w in words) else "en"


def answer_language(text: str, session_language: str | None) -> str:
    """The language to answer in: the question's, where its letters or words plainly show one
    (Greek, Russian, Turkish; English by its commonest words); otherwise (a name, a number) the
    session's, where the guide speaks it."""
    written = language(text)
    if written != "en" or any(w in ENGLISH for w in _words(text)):
        return written
    session = (session_language or "en").split("-")[0]
    return session if session in SPOKEN else "en"
