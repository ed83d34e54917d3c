"""Matching a question against the catalogue's own sentences in the question's language, by the
pieces of words they share. The embedded sentence encoder was trained on English and reads Greek
and Cyrillic text poorly; the words a Greek, Turkish or Russian question shares with a fact are
plain to see in any inflection ("Αμαθούς", "Αμαθούντας") once accents and case are folded away.
Pure and fast: character n-grams weighted by how rare they are in the catalogue."""
from __future__ import annotations

import re
import unicodedata
from typing import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from knowledge.language import SPOKEN, TABLE

FOLD = str.maketrans({"ς": "σ", "ё": "е", "ı": "i"})


def fold(text: str) -> str:
    """Lower case without accents or diacritics, so that spellings with and without them meet."""
    text = unicodedata.normalize("NFD", text.lower().translate(FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^\w]+", " ", text).strip()


# the words that say how a question is asked, not what about (knowledge/words.yaml), as they are
# met: "какой" is "какои" once its breve is folded away
STOP = {code: {fold(w) for w in getattr(TABLE, code).stop} for code in SPOKEN}


def content(text: str, language: str) -> str:
    """The folded words of a text that say what it is about."""
    stop = STOP.get(language, set())
    return " ".join(w for w in fold(text).split() if w not in stop)


class LexicalIndex:
    """Cosine similarity of character 3- to 5-grams (within words), weighted by inverse document
    frequency over the indexed texts. An empty text never matches."""

    def __init__(self, texts: Sequence[str], language: str):
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                          preprocessor=lambda text: content(text, language), min_df=1)
        self.matrix = self.vectorizer.fit_transform([t or "" for t in texts])

    def scores(self, text: str) -> np.ndarray:
        """One similarity in [0, 1] for each indexed text."""
        query = self.vectorizer.transform([text])
        return np.asarray((self.matrix @ query.T).toarray()).ravel().astype(np.float32)
