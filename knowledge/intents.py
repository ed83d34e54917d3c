"""Requests that say what they want in so many words, in the four languages of the island's
visitors (English, Greek, Turkish, Russian): the guard declines them before asking its
classifier, since the sentence encoder reads Greek and Cyrillic poorly and these phrasings never
occur in an ordinary question about the exhibits.

Two kinds of entry per category: stems (matched at the start of a word, case-insensitively) and
intents (a regular expression: a first-person request joined to a harmful act, or a phrase that
only an unsafe request uses). Words that history questions use too (weapons, looting, nude
statues, medicine, hate, bombardment) appear only inside such a request, never alone.
"""
from __future__ import annotations

import re

STEMS: dict[str, list[str]] = {
    "self_harm": ["kill myself", "killing myself", "suicid", "end my life", "hang myself", "overdose",
                  "want to die", "hurt myself", "harm myself", "cut myself", "drown myself",
                  "take my own life", "end it all", "don't want to live", "do not want to live",
                  "no reason to live", "better off dead", "not worth living",
                  "αυτοκτον", "να πεθάνω", "τον εαυτό μου", "kendimi öldür", "intihar", "kendime zarar",
                  "hayatıma son", "ölmek istiyorum", "yaşamak istemiyorum", "покончить с собой", "самоубий",
                  "хочу умереть", "причинить себе", "убить себя", "не хочу жить", "δεν θέλω να ζω"],
    "violence": ["explosive", "molotov", "napalm", "pipe bomb", "βόμβα", "βόμβες",
                 "εκρηκτικ", "δηλητηριάσ", "patlayıcı", "zehirle", "взрывчат", "отрав"],
    "sexual": ["erotic", "porn", "sexual", "sexy", "talk dirty", "strippers", "obscene", "lingerie",
               "steamy", "x-rated", "nsfw", "ερωτικ", "σεξουαλ", "πρόστυχ", "müstehcen", "erotik", "seksi",
               "эротич", "секс", "пошл"],
    "off_topic": ["python script", "javascript", "write a program", "homework", "recipe", "bitcoin",
                  "cover letter", "πρόγραμμα σε python", "συνταγή", "άσκηση των μαθηματικών", "λύσε μου",
               "tarifi", "ödev",
                  "домашн", "рецепт"],
    "injection": ["developer mode", "jailbreak", "system prompt", "hidden prompt", "hidden instructions",
                  "your instructions", "previous instructions", "without any restrictions", "no rules",
                  "αγνόησε", "οδηγίες", "χωρίς κανόνες", "talimat", "kurallarını", "geliştirici mod",
                  "инструкци", "промпт", "без ограничений", "играй роль"],
    "politics": ["vote for", "which party", "political party", "propaganda", "election", "take a side",
                 "take sides", "ψηφίσω", "κόμμα", "εκλογ", "πάρε θέση", "oy ver", "partiye", "seçimlerde",
                 "taraf tut", "голосовать", "партию", "партии", "выборах", "выбери сторону"],
    "hate": ["inferior", "subhuman", "more civilised", "more civilized", "κατώτερ", "κοροϊδεύ",
             "προσβλητικ", "aşağı bir", "dalga geç", "aşağılayıcı", "хуже другой"],
    "personal_data": ["home address", "private address", "phone number", "mobile number", "email address",
                      "password", "credit card", "διεύθυνση του σπιτιού", "τηλέφωνο του", "κωδικό",
                      "ev adres", "telefon numara", "cep telefonu", "домашний адрес", "номер телефона"],
}
# people alive today, whose details are theirs: never the people of history
PEOPLE = (r"(guard|keeper|curator|director|manager|staff|attendant|cleaner|visitor|lady|girl|boy|child|kid|"
          r"family|couple|tourist|(that|this) (woman|man|person))s?")
ASKING = r"\b(how (can|do|could|would|should) (i|we)|help me|teach me|tell me how|show me how|can i|could i|steps to)\b"
INTENTS: dict[str, list[str]] = {
    "violence": [ASKING + r".{0,40}\b(kill|poison|hurt|injure|attack|stab|strangle|set fire|"
                 r"blow up|make a (weapon|gun|bomb)|shoot (someone|somebody|a person|people|him|her))\b",
                 r"\bbombs?\b", r"\bbomba\b", r"\bбомб[уыа]?\b",
                 r"φτιάξω (ένα )?όπλο", r"σκοτώσω", r"silah nasıl yap", r"nasıl zarar ver",
                 r"(сделать|изготовить) оружие", r"как убить"],
    "damage": [ASKING + r".{0,40}\b(steal|smuggle|loot|break off|chip off|chisel|carve|scratch|deface|"
               r"graffiti|spray|knock (it |them )?over|sabotage|dig up|trip (it|the robot) up|"
               r"take (a |one )?(piece|bit|stone|tile|fragment|shard|coin|part)s?( of [^?]{0,30})? home|"
               r"disable (the|its|this) (robot|alarm|security)|sell (antiquities|artefacts|artifacts|it|them))\b",
               r"κλέψω", r"σπάσω", r"γκράφιτι", r"çalar[ıi]m", r"çalabilir", r"sökerim", r"bozabilir",
               r"kırabilir", r"украсть", r"вынести", r"отколоть", r"сломать", r"отключить"],
    "personal_data": [r"\bwhere (does|do) (the |a |an )?" + PEOPLE + r"\b.{0,40}\b(live|stay|sleep)",
                      r"\b(address|phone|photos?|pictures?) of (the )?" + PEOPLE + r"\b",
                      r"\b(photos?|pictures?|videos?|recordings?) .{0,30}\b(took|taken|recorded) of (the )?visitors",
                      r"nerede (oturuyor|yaşıyor)", r"где (живёт|живет)"],
    "self_harm": [r"\bi (want|am going|'m going|plan) to (die|end it)\b", r"\bkill (me|someone like me)\b",
                  r"\b(painless|quick|easy) way to die\b"],
    "off_topic": [r"\b(write|code|program) (me )?(a |an )?(python|java|sql|bash|html|css)\b",
                  r"\b(which|what) (medicine|medication|drug|pill)s? should i\b", r"\b(solve|do) my\b",
                  r"\btranslate (this|my) (email|e-mail|letter|message)\b", r"\bshould i invest\b",
                  r"\bwhich stocks?\b", r"ilacı almalı", r"kodu yaz", r"какое лекарство", r"напиши (код|программ)",
                  r"\bреши\b"],
}


def _compile(stems: list[str], intents: list[str]) -> re.Pattern:
    return re.compile("|".join([r"(?<!\w)" + re.escape(s) for s in stems] + intents), re.I)


# self-harm first: its phrasings ("kill myself") also hold words of violence
PATTERNS = {kind: _compile(STEMS.get(kind, []), INTENTS.get(kind, []))
            for kind in ["self_harm", *[k for k in STEMS if k != "self_harm"], "damage"]}


def named_outright(question: str) -> str | None:
    """The kind of unsafe request the question names in so many words, or None."""
    return next((kind for kind, pattern in PATTERNS.items() if pattern.search(question)), None)
