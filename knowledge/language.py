"""The language a visitor's text is written in, as far as its letters show: Greek and Cyrillic
script, Turkish letters, otherwise English. Pure and instant; no model."""
from __future__ import annotations

import re

SCRIPTS = (("el", re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")), ("ru", re.compile(r"[\u0400-\u04ff]")),
           ("tr", re.compile(r"[çğıöşüİĞŞ]")))


def language(text: str) -> str:
    """el, ru, tr or en."""
    return next((code for code, letters in SCRIPTS if letters.search(text)), "en")
