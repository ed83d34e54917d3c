"""Greetings, thanks and goodbyes: a message that is nothing but one of them is answered in kind,
in the visitor's language, instead of with a fact or an "I don't know". Pure code over strings.

A message counts only when every word of it belongs to such a phrase or to a few words that go
with them ("thank you very much, guide!"); "Hi, who built this castle?" is a question and goes
the usual way. When a message holds several, saying goodbye wins over thanks, and thanks over
a greeting ("thanks, bye!" is a goodbye).
"""
from __future__ import annotations

import re

# longest first within each kind, so that "thank you very much" is taken before "thank you"
PHRASES: dict[str, dict[str, list[str]]] = {
    "farewell": {
        "en": ["have a nice day", "have a good day", "see you later", "see you soon", "see you", "see ya",
               "take care", "good night", "goodnight", "goodbye", "good bye", "bye bye", "farewell", "bye"],
        "el": ["καλή συνέχεια", "τα λέμε", "καληνύχτα", "γεια χαρά", "αντίο"],
        "tr": ["hoşça kalın", "hoşça kal", "hoşçakal", "güle güle", "görüşmek üzere", "görüşürüz",
               "iyi geceler", "bay bay"],
        "ru": ["до свидания", "до встречи", "всего доброго", "всего хорошего", "спокойной ночи", "пока"],
    },
    "thanks": {
        "en": ["thank you", "thanks", "thx", "cheers", "much appreciated"],
        "el": ["σας ευχαριστώ", "ευχαριστώ", "ευχαριστούμε", "ευχαριστω"],
        "tr": ["teşekkür ederim", "teşekkürler", "teşekkür", "sağ olun", "sağ ol", "sağol"],
        "ru": ["спасибо", "благодарю"],
    },
    "greeting": {
        "en": ["good morning", "good afternoon", "good evening", "hello", "hiya", "hey", "hi", "greetings",
               "howdy"],
        "el": ["γεια σας", "γεια σου", "καλημέρα", "καλησπέρα", "χαίρετε", "γεια"],
        "tr": ["iyi akşamlar", "iyi günler", "günaydın", "merhaba", "selamlar", "selam"],
        "ru": ["добрый день", "доброе утро", "добрый вечер", "здравствуйте", "здравствуй", "привет"],
    },
}
# words that go with those phrases and ask nothing
FILLER = set("""very much so lot a again all everyone there guide robot dear friend you for your help the
info information ok okay and great nice lovely wonderful πολύ και φίλε οδηγέ çok ve rehber большое огромное
и вам тебе гид""".split())

REPLIES: dict[str, dict[str, tuple[str, str]]] = {
    # (with the exhibit's name, with no exhibit in view)
    "greeting": {
        "en": ("Hello, and welcome! Ask me anything about {name}.", "Hello, and welcome! Ask me anything about the exhibition."),
        "el": ("Γεια σας και καλώς ήρθατε! Ρωτήστε με ό,τι θέλετε για αυτό το έκθεμα: {name}.",
               "Γεια σας και καλώς ήρθατε! Ρωτήστε με ό,τι θέλετε για την έκθεση."),
        "tr": ("Merhaba, hoş geldiniz! {name} hakkında bana istediğinizi sorabilirsiniz.",
               "Merhaba, hoş geldiniz! Sergi hakkında bana istediğinizi sorabilirsiniz."),
        "ru": ("Здравствуйте и добро пожаловать! Спрашивайте меня об экспонате «{name}».",
               "Здравствуйте и добро пожаловать! Спрашивайте меня о выставке."),
    },
    "thanks": {
        "en": ("You're welcome! Is there anything else you would like to know about {name}?",
               "You're welcome! Is there anything else you would like to know about the exhibition?"),
        "el": ("Παρακαλώ! Θέλετε να μάθετε κάτι άλλο για αυτό το έκθεμα: {name};",
               "Παρακαλώ! Θέλετε να μάθετε κάτι άλλο για την έκθεση;"),
        "tr": ("Rica ederim! {name} hakkında başka bir şey öğrenmek ister misiniz?",
               "Rica ederim! Sergi hakkında başka bir şey öğrenmek ister misiniz?"),
        "ru": ("Пожалуйста! Хотите узнать ещё что-нибудь об экспонате «{name}»?",
               "Пожалуйста! Хотите узнать ещё что-нибудь о выставке?"),
    },
    "farewell": {
        "en": ("Goodbye, and thank you for your visit! Enjoy the rest of the exhibition.",) * 2,
        "el": ("Αντίο σας, και ευχαριστούμε για την επίσκεψη! Καλή συνέχεια στην έκθεση.",) * 2,
        "tr": ("Güle güle, ziyaretiniz için teşekkürler! Serginin geri kalanında iyi vakit geçirin.",) * 2,
        "ru": ("До свидания, спасибо за визит! Приятного осмотра остальной выставки.",) * 2,
    },
}
PATTERNS = {kind: re.compile(r"(?<!\w)(" + "|".join(re.escape(p) for lang in by_lang.values() for p in lang)
                             + r")(?!\w)") for kind, by_lang in PHRASES.items()}


def courtesy(message: str) -> str | None:
    """'farewell', 'thanks' or 'greeting' when the message is only that, else None."""
    text = re.sub(r"[^\w\s]", " ", message.lower()).strip()
    found = []
    for kind, pattern in PATTERNS.items():
        if pattern.search(text):
            found.append(kind)
            text = pattern.sub(" ", text)
    if not found or any(word not in FILLER for word in text.split()):
        return None
    return found[0]  # PHRASES is ordered: a goodbye, then thanks, then a greeting


def in_kind(kind: str, language: str, exhibit_name: str | None) -> str:
    """The guide's answer to a greeting, thanks or goodbye, in `language` (English where it has none)."""
    with_name, without = REPLIES[kind].get(language, REPLIES[kind]["en"])
    return with_name.format(name=exhibit_name) if exhibit_name else without
