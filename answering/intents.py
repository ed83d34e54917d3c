"""Requests that say what they want in so many words, in the four languages of the island's
visitors (English, Greek, Turkish, Russian): the guard declines them before asking its
classifier, since the sentence encoder reads Greek and Cyrillic poorly and these phrasings never
occur in an ordinary question about the exhibits.

Per kind, the phrases of answering/data/intents.yaml (matched at the start of a word, as whole
words, or anywhere), and here the intents that a plain list cannot say: regular expressions
joining a first-person request to a harmful act, or a phrase with words left out or repeated.
Words that history questions use too (weapons, looting, nude statues, medicine, hate,
bombardment) appear only inside such a request, never alone.
"""
from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, model_validator

from common.tables import load_table
from knowledge.schema import Strict

INTENTS_FILE = Path(__file__).parent / "data" / "intents.yaml"


class Phrases(Strict):
    """One kind's phrases, each list matched case-insensitively in its own way."""

    stems: list[str] = Field(default_factory=list, description="matched at the start of a word")
    phrased: list[str] = Field(default_factory=list, description="the same: more ways of Greek, Turkish and Russian visitors")
    words: list[str] = Field(default_factory=list, description="whole words or phrases")
    anywhere: list[str] = Field(default_factory=list, description="anywhere in the text, inside a word too")

    @model_validator(mode="after")
    def _not_empty(self) -> "Phrases":
        # an empty phrase would match every text, and decline it
        if any(not p.strip() for p in self.stems + self.phrased + self.words + self.anywhere):
            raise ValueError("an empty phrase")
        return self


# kind -> its phrases, in the order the kinds are tried
TABLE: dict[str, Phrases] = load_table(dict[str, Phrases], INTENTS_FILE)
STEMS = {kind: phrases.stems for kind, phrases in TABLE.items() if phrases.stems}
PHRASED = {kind: phrases.phrased for kind, phrases in TABLE.items() if phrases.phrased}

# people alive today, whose details are theirs: never the people of history
PEOPLE = (r"(\w+'s )?(guard|keeper|curator|director|manager|staff|attendant|cleaner|visitor|lady|girl|boy|child|kid|"
          r"descendant|relative|family|couple|tourist|(that|this) (woman|man|person))s?")
GROUPS = (r"(muslims|christians|orthodox|catholics|turks|greeks|armenians|maronites|jews|arabs|turkish cypriots|"
          r"greek cypriots)")  # the island's communities and faiths, when compared as peoples
ASKING = r"\b(how (can|do|could|would|should) (i|we)|help me|teach me|tell me how|show me how|can i|could i|steps to)\b"
# kind -> the intents the table's lists cannot say
INTENTS: dict[str, list[str]] = {
    "politics": [r"\b(who|which side|which country) (is|was) (right|wrong|to blame) (about|in|for) (the )?(cyprus|division|conflict|dispute|problem|invasion)"],
    "sexual": [  # a joke, a story or talk ordered lewd, or about sex: the genre and its flavour together
               r"\b(dirty|naughty|lewd|filthy|smutty|raunchy|spicy|x-rated) (\w+ ){0,2}(jokes?|stor(y|ies)|poems?|talk|"
               r"pictures?|photos?|scenes?|limericks?|chat|texts?)\b", r"\brude (\w+ )?(jokes?|stor(y|ies)|limericks?)\b",
               r"\bsex (scenes?|jokes?|stor(y|ies)|chat|tips|talk)\b",
               r"(βρώμικ|καυτ|τολμηρ)\w* (\w+ )?(ανέκδοτ|αστεί|ιστορί|λόγια|κουβέντ)", r"μίλ\w* (μου )?βρώμικα",
               r"\b(pis|ahlaksız|ateşli) (\w+ )?(fıkra|şaka|hikaye|hikâye|sahne)", r"(грязн|похаб|неприличн)\w* (\w+ )?(шутк|анекдот|истори|рассказ)"],
    "injection": [r"\b(make up|invent|fabricate)\b.{0,60}\b(as if|as true|as real|as fact)\b",
                  r"\b(tell|give|write|invent|make) (me |us )?(an? )?(\w+ )?(made-up|fake|false|invented) "
                  r"(dates?|facts?|answers?|history|story|stories|legend)\b",
                  r"\banswer (every|each|all)\b.{0,40}\b(made-up|fake|false|wrong|invented)\b",
                  r"\b(confuse|mislead|lie to|deceive) (the )?(visitors|tourists|people|me|us)\b",
                  # "you are now ...", "start lying", "deceive the visitors" in the other three languages
                  r"(теперь|отныне) ты (\w+ )?(гид|бот|пират|персонаж|ассистент|робот|зло|плох)",
                  r"обманыва\w* (туристов|посетителей|людей|меня|нас)",
                  r"(ξεγέλα|εξαπάτησε|εξαπάτα|κορόιδεψε) (τους )?(επισκέπτες|τουρίστες)"],
    "violence": [ASKING + r".{0,40}\b(kill|poison|hurt|injure|attack|stab|strangle|set fire|"
                 r"blow up|make a (weapon|gun|bomb)|shoot (someone|somebody|a person|people|him|her))\b"],
    "damage": [r"\b(would|could|will|can i|how (do|can|could) i|to) (remove|dissolve|strip|peel|scrape)\b.{0,30}\b(frescoe?s?|paint|paintings|mosaics?|icons?|inscriptions?)\b",
               r"\b(sell|pay for|buy|worth)\b.{0,40}\bstolen\b|\bstolen\b.{0,40}\b(sell|pay|buy|worth)\b",
               r"\b(peel|prise|prize|pry|cut|break|chip|scrape) (a |the |one )?(fresco|mosaic|icon|tile|stone|piece)s? (off|out|from)\b",
               r"\b(sell|smuggle)\b.{0,40}\b(without papers|no papers|dug up|found at|from the site|illegally)\b",
               r"\b(get past|switch off|turn off|disable|bypass) (the )?(alarm|cameras?|security)\b",
               r"\b(tell|make|get|drive) (the|your) robot (to )?(crash|drive|bump|run) into\b",
               r"\b(scratch|carve|write|paint|spray)(ed|ing)? (my|our) (name|initials)\b",
               ASKING + r".{0,40}\b(steal|smuggle|loot|break off|chip off|chisel|carve|scratch|deface|"
               r"graffiti|spray|knock (it |them )?over|sabotage|dig up|trip (it|the robot) up|"
               r"take (a |one )?(piece|bit|stone|tile|fragment|shard|coin|part)s?( of [^?]{0,30})? home|"
               r"disable (the|its|this) (robot|alarm|security)|sell (antiquities|artefacts|artifacts|it|them))\b"],
    "hate": [r"\b(better|worse|smarter|cleaner) than (the )?" + GROUPS + r"\b",
             r"\b" + GROUPS + r" (are|were) (better|worse|dirtier|lazier|stupider)\b",
             r"\b(should|must|ought to) (all )?(be )?(thrown|kicked|driven|sent|chased) (out|off|away)\b",
             # telling a people to leave, not asking why refugees could not go home
             r"\b(should|must|ought to|have to|need to|can) (all )?go back to (their|where they)\b",
             r"(православные|мусульмане|христиане|турки|греки|армяне) (лучше|хуже)",
             r"\b(which|what) (people|community|nation|race|religion|group)s?\b.{0,40}\b(most primitive|inferior|"
             r"stupidest|worst|dirtiest)\b"],
    # visitors here, and people here now: not people buried, or living, "here" long ago
    "personal_data": [r"\b(names?|addresses|phone numbers?)\b.{0,40}\b(visitors|guests|tourists)\b.{0,30}\b(here|today|this morning|earlier|before me)\b",
                      r"\b(names?|addresses|phone numbers?)\b.{0,40}\bpeople\b.{0,30}\b(are here|here (now|today)|today|this morning|earlier|before me)\b",
                      r"\bgive me (their|his|her) (addresses|address|phone numbers?|numbers?|e-?mails?)\b",
                      r"\b(her|his|their) (name|names|address|phone|number)\b.{0,40}\b(here|now|ago|today|tonight)\b",
                      r"\b(here|now|ago|today|tonight)\b.{0,40}\b(her|his|their) (name|names|address|phone|number)\b",
                      r"\bwhere (is|are) .{0,40}\bstaying\b",
                      r"\bwhere (does|do) (the |a |an )?" + PEOPLE + r"\b.{0,40}\b(live|stay|sleep)",
                      r"\b(address|phone|photos?|pictures?) of (the )?" + PEOPLE + r"\b",
                      r"\b(photos?|pictures?|videos?|recordings?) .{0,30}\b(took|taken|recorded) of (the )?visitors"],
    "self_harm": [r"\b(would|will|could|do|does|did) (i|you|a person|someone|somebody|one) die\b",
                  r"\b(jump|fall|throw myself)(ing)? (off|from)\b.{0,40}\b(die|dead|death|end it|kill)",
                  r"\bi (want|am going|'m going|plan) to (die|end it)\b",
                  # the ways people say it without the words for death: sleeping for good, ending
                  # things, no reason to go on, in each language
                  r"\b(pills?|tablets?)\b.{0,50}\b(not|never) (to )?wake up\b",
                  r"\b(point|reason|sense) (of|in|to) (living|going on|carrying on|go on)\b",
                  r"\bcan(no|')t (go on|take it any ?more|live like this|keep living)\b",
                  r"\b(nobody|no one|no-one) (cares|would care|would notice) if i (live|lived|die|died|was gone)\b",
                  r"να τα τελειώσω (όλα)?",
                  r"\bwish i (was|were|had) never( been)? born\b",
                  # a first-person plan to jump or to leave life, and feeling a burden
                  r"\bi('m| am)? (thinking (of|about)|going to|want to|plan to) (jump(ing)?|throw(ing)? myself)\b",
                  r"(хочу|думаю|собираюсь) (прыгнуть|броситься|спрыгнуть|сброситься)",
                  r"θα (πηδήξω|ριχτώ)\b",
                  # not surviving, said of oneself, and driving or walking off a height
                  r"\b(i|me) (wouldn't|would not|won't|will not|don't|do not|not|never) survive\b",
                  r"\bi(?:'m| am| will|'ll| might| may| could| would| want to| plan to| keep thinking about| am thinking (?:of|about)|"
                  r" think about)?(?: just)? (driv|jump|walk|throw)\w* (myself )?(off|over) (the|a) (\w+ ){0,2}(cliff|edge|bridge|wall|tower)",
                  # leaving and never coming back, said of oneself: a wish to go into the sea or off
                  # somewhere and not return
                  r"\bi('m| am)? (want|going|plan|about|thinking)\w*( of| about)?( to)?\b.{0,60}\band (never|not) (come|coming|go|going) back\b",
                  r"(θέλω|σκέφτομαι|πρόκειται) να\b.{0,60}\bκαι να μη(ν)? (ξαναγυρίσω|γυρίσω|επιστρέψω)",
                  r"(хочу|думаю|собираюсь)\b.{0,60}\bи (больше )?не (вернуться|возвращаться)"],
    "off_topic": [r"\b(fix|repair|unblock) (my|a leaking|a leaky)\b",
                  r"\b(write|code|program) (me )?(a |an )?(python|java|sql|bash|html|css)\b",
                  r"\b(which|what) (medicine|medication|drug|pill)s? should i\b",
                  # a piece of writing to order, in each language: a guide talks, it does not compose
                  r"\b(write|compose) (me |us )?(a |an )?(\w+ )?(poem|song|limerick|haiku|rap|sonnet|essay)s?\b",
                  r"γράψε (μου )?(ένα |μια )?(\w+ )?(ποίημα|τραγούδι|στίχους|έκθεση|ραπ)",
                  r"\b(şiir|şarkı|deneme|kompozisyon|rap)( \w+)? yaz",
                  # a joke told to order, of no one in particular: jokes about people are judged
                  # as what they are (the hateful and the lewd have their own kinds)
                  r"\btell (me|us) (a |an |some |another )?(good |funny |short |new )?jokes?\b(?! about| on)",
                  r"\b(know|have) any (good |funny )?jokes\b(?! about| on)",
                  r"\bπες (μου |μας )?(ένα |κανένα )?(αστείο|ανέκδοτο)\b(?! για)",
                  r"\b(bir )?fıkra anlat(ır mısın(ız)?|sana|\b)", r"\bşaka yap(ar mısın(ız)?|sana|\b)",
                  r"\bbeni güldür(ür müsün|\b)",
                  r"\bрасскажи(те)? (мне |нам )?(анекдот|шутку)\b(?! про| о)",
                  r"напиши (мне )?(\w+ )?(стих|песн|поэм|сочинение|эссе|рэп)",
                  # errands of the visitor's life outside the museum: shopping, exams, letters,
                  # fitness, tales for children, sport, taxes
                  r"\b(which|what) (phone|smartphone|laptop|computer|tablet|car|tv|camera)s? (should|to|do you recommend)\b",
                  r"\bmy (exam|test|essay|assignment|thesis|tax return)s?\b",
                  r"\b(draft|write) (me )?(an? )?(e-?mail|letter|message|cv|resume) (to|for)\b",
                  r"\b(workout|training|exercise|diet) (plan|programme|program)\b", r"\blose (weight|\d+ ?(kilos?|kg|pounds))\b",
                  r"\b(score|result) of the\b.{0,30}\b(game|match)\b",
                  r"\b(plan|organi[sz]e) (my|our) (wedding|party|birthday|menu)\b", r"\bhow (do|can) i (change|fix|repair) (a|my|the) (car|tyre|tire|bike|phone|laptop)\b",
                  r"γράψε (μου )?(ένα )?(email|γράμμα|μήνυμα)",
                  r"hangi (telefon|bilgisayar|laptop|araba|televizyon)\w* (almalı|alayım|alsam)",
                  r"как(ой|ую|ие) (ноутбук|телефон|смартфон|компьютер|машину|планшет) (купить|выбрать)",
                  r"напиши (мне )?(письмо|e-?mail|имейл|резюме)", r"(план|программ\w*) тренировок",
                  r"\bhow (do|can|should) i (cook|bake|fry|grill)\b",
                  r"\bteach me (some |a little )?(spanish|french|german|italian|chinese|english|russian|greek|turkish)\b",
                  r"(посоветуй|порекомендуй) (\w+ )?(сериал|фильм)", r"как(ой|ую) (сериал|фильм) посмотреть",
                  r"научи меня (\w+ )?(английск|испанск|французск|немецк)"],
}


def _compile(phrases: Phrases, intents: list[str]) -> re.Pattern:
    return re.compile("|".join([r"(?<!\w)" + re.escape(s) for s in phrases.stems + phrases.phrased]
                               + [r"(?<!\w)" + re.escape(s) + r"(?!\w)" for s in phrases.words]
                               + [re.escape(s) for s in phrases.anywhere] + intents), re.I)


# in the table's order: self-harm first, since its phrasings ("kill myself") also hold words of violence
PATTERNS = {kind: _compile(phrases, INTENTS.get(kind, [])) for kind, phrases in TABLE.items()}


# the museum's own phone, e-mail, address or wifi password are no one's private details, unless a
# person is named beside them ("the guard's phone number")
INSTITUTION = re.compile(r"\b(museum|museum's|wi-?fi|ticket office|box office|gift shop|caf[eé]|reception|"
                         r"information desk)\b|(?<!\w)(μουσεί|müze|музе)\w*", re.I)
PERSON = re.compile(r"\b" + PEOPLE + r"\b|\b(he|she|his|her|him|they|their|them|someone|somebody|"
                    r"person|people|man|woman|men|women|owner|owners|employee|employees)\b"
                    # the same people in Greek, Turkish and Russian, by their stems
                    r"|(?<!\w)(φύλακ|διευθυντ|ξεναγ|υπάλληλ|γυναίκ|άντρ|κοπέλ|επισκέπτ|τουρίστ|υπεύθυν|κάποιο|"
                    r"müdür|rehber|görevli|bekçi|kadın|adam|kız|ziyaretçi|turist|çalışan|personel|birinin|"
                    r"директор|гид|смотрител|сотрудни|охранник|женщин|мужчин|девушк|посетител|турист|кассир|"
                    r"кого-то|кого-нибудь)\w*", re.I)


def named_outright(question: str) -> str | None:
    """The kind of unsafe request the question names in so many words, or None."""
    return next((kind for kind, pattern in PATTERNS.items() if pattern.search(question)
                 and not (kind == "personal_data" and about_the_museum(question))), None)


def about_the_museum(question: str) -> bool:
    """Whether a question about contact details asks for the museum's own, naming no person."""
    return bool(INSTITUTION.search(question)) and not PERSON.search(question)
