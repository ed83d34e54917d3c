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

FOLD = str.maketrans({"ς": "σ", "ё": "е", "ı": "i"})
# words that say how a question is asked, not what about (written folded: no accents, lower case)
STOP = {
    "en": set("the a an of and in at to is was were on for from with by this that it its as be are has had "
              "have which who what where when how why their they them his her he she or not but into "
              "than after before over under about been can you me i my we our there here".split()),
    "el": set("ο η το οι τα τον την του της των τους στο στη στην στον στα στις στους σε απο με για "
              "και να θα ειναι ηταν εχει ειχε εδω αυτο αυτη αυτοσ αυτα ποιοσ ποια ποιο ποιοι ποιεσ "
              "ποιουσ πωσ ποτε που πού τι γιατι ποσο ποσα ποσεσ ποσουσ ποσοι μου μασ σασ ενα ενασ μια "
              "μιασ ειναι αληθεια οτι λεει κατα".split()),
    "tr": set("bu su o ve bir mi mu mı mü ne neden nasil nerede nereden hangi kim kimin kac ne zaman "
              "midir nedir var mi icin ile de da burada buradaki gercekten mı miydi".split()),
    "ru": set("и в во на с со к ко о об от до по из за у а но ли что кто как где когда почему какой "
              "какая какие каким какого какую каких сколько это этот эта эти этого этой здесь был была "
              "было были есть ли же для чем чего кого ещё еще правда".split()),
}


def _folded(stop: dict[str, set[str]]) -> dict[str, set[str]]:
    return {language: {fold(w) for w in words} for language, words in stop.items()}


def fold(text: str) -> str:
    """Lower case without accents or diacritics, so that spellings with and without them meet."""
    text = unicodedata.normalize("NFD", text.lower().translate(FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^\w]+", " ", text).strip()


STOP = _folded(STOP)  # as they are met: "какой" is "какои" once its breve is folded away


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
