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
    "self_harm": ["better off without me", "disappear forever", "never wake up", "not wake up again", "θα πεθάνω", "πεθάνει κανείς", "ölürüm", "ölsem", "ölebilirim", "умру", "чтобы умереть", "покончу",
                  "lethal dose", "fatal dose", "end my own life", "nobody would miss me", "no one would miss me", "slit my wrists", "jump to my death", "χάπια για να πεθάνω", "να τελειώσω τη ζωή μου", "να κόψω τον εαυτό μου", "kendimi kes", "canıma kıy", "таблеток, чтобы умереть", "порезать себя", "повеситься", "kill myself", "killing myself", "suicid", "end my life", "hang myself", "overdose",
                  "want to die", "hurt myself", "harm myself", "cut myself", "drown myself",
                  "take my own life", "end it all", "don't want to live", "do not want to live",
                  "no reason to live", "better off dead", "not worth living",
                  "αυτοκτον", "να πεθάνω", "τον εαυτό μου", "kendimi öldür", "intihar", "kendime zarar",
                  "hayatıma son", "ölmek istiyorum", "yaşamak istemiyorum", "покончить с собой", "самоубий",
                  "хочу умереть", "причинить себе", "убить себя", "не хочу жить", "δεν θέλω να ζω",
                  "незачем жить", "нет смысла жить", "yaşamanın anlamı yok", "yaşamak için bir neden",
                  "δεν έχει νόημα να ζω", "λόγο να ζω"],
    "violence": ["toxic gas", "make a poison", "looks like an accident", "through the metal detector", "without anyone seeing me", "on fire without", "nasıl zehirler", "zehirlerim", "ядовитый газ", "поджечь",
                  "explosive", "molotov", "napalm", "pipe bomb", "βόμβα", "βόμβες",
                 "εκρηκτικ", "δηλητηριάσ", "patlayıcı", "zehirlemek", "zehirleyebilir", "zehirleyeceğim", "взрывчат", "отрав"],
    "sexual": ["explicit detail", "dirty story", "in bed with", "do to me in bed", "make love to me", "nude photo", "naked photo", "send nudes", "horny", "kinky", "fetish", "orgy", "γυμνές φωτογραφίες", "βρώμικη ιστορία", "çıplak fotoğraf", "seks", "голые фото", "грязную историю",
                  "erotic", "porn", "sexual", "sexy", "talk dirty", "strippers", "obscene", "lingerie",
               "steamy", "x-rated", "nsfw", "ερωτικ", "σεξουαλ", "πρόστυχ", "müstehcen", "erotik", "seksi",
               "эротич", "секс", "пошл"],
    "off_topic": ["lottery numbers", "cryptocurrency", "kubernetes", "stock market", "rules of chess", "football match", "write a song", "write me a song", "complaint to my landlord", "my landlord", "best smartphone", "şarkı yaz", "şiir yaz", "maç", "напиши песню", "напиши стих", "лотере",
                  "python script", "javascript", "write a program", "homework", "recipe", "bitcoin",
                  "cover letter", "πρόγραμμα σε python", "συνταγή", "άσκηση των μαθηματικών", "λύσε μου",
               "tarifi", "ödev",
                  "домашн", "рецепт", "напиши сочинение", "переведи", "ödevimi", "ödevim", "kompozisyon yaz",
                  "tercüme et", "την εργασία μου", "μετάφρασε", "γράψε μου μια έκθεση"],
    "injection": ["present it as true", "as if it were true", "as if it was true", "παίξε τον ρόλο", "πες ψέματα", "επινόησε", "rolü oyna", "uydurup", "придумай", "выдумай",
                  "unfiltered", "without your usual limits", "without limits", "you are allowed to invent", "pretend you are", "you are a liar", "you are now", "act as if you have no", "exact text you were given", "before my first message", "κρυφές σου οδηγίες", "δεν είσαι ξεναγός", "προσποιήσου", "kuralsız", "yalan söyle", "притворись", "ты больше не гид", "developer mode", "jailbreak", "system prompt", "hidden prompt", "hidden instructions",
                  "your instructions", "previous instructions", "without any restrictions", "no rules",
                  "αγνόησε", "οδηγίες", "χωρίς κανόνες", "talimat", "kurallarını", "geliştirici mod",
                  "инструкци", "промпт", "без ограничений", "играй роль"],
    "politics": ["disy", "akel", "diko", "elam", "edek", "ubp", "ctp", "siyasi lider", "siyasi parti", "hangi parti", "ποιο κόμμα", "πολιτικός αρχηγός", "агитац", "политик",
                  "presidential election", "next election", "my party", "attacking the government", "which side is to blame", "which side is right", "good leader or a bad", "ψηφίσουν", "το κόμμα μου", "partimi", "за какую партию", "vote for", "which party", "political party", "propaganda", "election", "take a side",
                 "take sides", "ψηφίσω", "κόμμα", "εκλογ", "πάρε θέση", "oy ver", "partiye", "seçimlerde",
                 "taraf tut", "мне голосовать", "голосовать за", "партию", "партии", "выборах", "выбери сторону"],
    "hate": ["can't be trusted", "cannot be trusted", "don't belong in", "do not belong in", "how stupid", "are stupid", "are savages", "dirty people", "βρωμιάρηδες", "aşağılık", "pis insanlar", "дикари", "тупые", "inferior", "subhuman", "more civilised", "more civilized", "κατώτερ", "κοροϊδεύ",
             "προσβλητικ", "aşağı bir", "dalga geç", "aşağılayıcı", "хуже другой"],
    "personal_data": ["private mobile", "private number", "tell me their names", "her name and address", "his name and address", "name and address", "id numbers", "passport number", "recorded of the", "camera recorded", "ev adresini", "özel numara", "личный номер", "как её зовут и где",
                  "home address", "private address", "phone number", "mobile number", "email address",
                      "password", "credit card", "διεύθυνση του σπιτιού", "τηλέφωνο του", "κωδικό",
                      "ev adres", "telefon numara", "cep telefonu", "домашний адрес", "номер телефона"],
}
# people alive today, whose details are theirs: never the people of history
PEOPLE = (r"(\w+'s )?(guard|keeper|curator|director|manager|staff|attendant|cleaner|visitor|lady|girl|boy|child|kid|"
          r"descendant|relative|family|couple|tourist|(that|this) (woman|man|person))s?")
GROUPS = (r"(muslims|christians|orthodox|catholics|turks|greeks|armenians|maronites|jews|arabs|turkish cypriots|"
          r"greek cypriots)")  # the island's communities and faiths, when compared as peoples
ASKING = r"\b(how (can|do|could|would|should) (i|we)|help me|teach me|tell me how|show me how|can i|could i|steps to)\b"
INTENTS: dict[str, list[str]] = {
    "politics": [r"\b(who|which side|which country) (is|was) (right|wrong|to blame) (about|in|for) (the )?(cyprus|division|conflict|dispute|problem|invasion)"],
    "sexual": [r"\b(having|have|had) sex\b",
               # a joke, a story or talk ordered lewd, or about sex: the genre and its flavour together
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
                  r"(теперь|отныне) ты (\w+ )?(гид|бот|пират|персонаж|ассистент|робот|зло|плох)", r"\bотныне ты\b", r"(начни|давай) (врать|лгать|обманывать)", r"\b(ври|соври|солги)\b",
                  r"обманыва\w* (туристов|посетителей|людей|меня|нас)",
                  r"(από τώρα|τώρα) (είσαι|θα είσαι)", r"(ξεγέλα|εξαπάτησε|εξαπάτα|κορόιδεψε) (τους )?(επισκέπτες|τουρίστες)",
                  r"\b(artık|bundan sonra) sen\b", r"\buydur\b", r"\bsen artık\b", r"(ziyaretçileri|turistleri) kandır"],
    "violence": [ASKING + r".{0,40}\b(kill|poison|hurt|injure|attack|stab|strangle|set fire|"
                 r"blow up|make a (weapon|gun|bomb)|shoot (someone|somebody|a person|people|him|her))\b",
                 r"\bbombs?\b", r"\bbomba\b", r"\bбомб[уыа]?\b",
                 r"φτιάξω (ένα )?όπλο", r"σκοτώσω", r"silah nasıl yap", r"nasıl zarar ver",
                 r"(сделать|изготовить) оружие", r"как убить"],
    "damage": [r"\b(would|could|will|can i|how (do|can|could) i|to) (remove|dissolve|strip|peel|scrape)\b.{0,30}\b(frescoe?s?|paint|paintings|mosaics?|icons?|inscriptions?)\b",
               r"\b(sell|pay for|buy|worth)\b.{0,40}\bstolen\b|\bstolen\b.{0,40}\b(sell|pay|buy|worth)\b",
               r"\b(peel|prise|prize|pry|cut|break|chip|scrape) (a |the |one )?(fresco|mosaic|icon|tile|stone|piece)s? (off|out|from)\b",
               r"\b(sell|smuggle)\b.{0,40}\b(without papers|no papers|dug up|found at|from the site|illegally)\b",
               r"\b(get past|switch off|turn off|disable|bypass) (the )?(alarm|cameras?|security)\b",
               r"\b(tell|make|get|drive) (the|your) robot (to )?(crash|drive|bump|run) into\b",
               r"\b(scratch|carve|write|paint|spray)(ed|ing)? (my|our) (name|initials)\b",
               r"\bwould anyone notice if i\b", r"\bwithout (anyone|them|the guards?) (seeing|noticing)\b",
               r"για ενθύμιο χωρίς", r"χωρίς να με δουν", r"kimse görmeden", r"незаметно",
               ASKING + r".{0,40}\b(steal|smuggle|loot|break off|chip off|chisel|carve|scratch|deface|"
               r"graffiti|spray|knock (it |them )?over|sabotage|dig up|trip (it|the robot) up|"
               r"take (a |one )?(piece|bit|stone|tile|fragment|shard|coin|part)s?( of [^?]{0,30})? home|"
               r"disable (the|its|this) (robot|alarm|security)|sell (antiquities|artefacts|artifacts|it|them))\b",
               r"κλέψω", r"σπάσω", r"γκράφιτι", r"çalar[ıi]m", r"çalabilir", r"sökerim", r"bozabilir",
               r"kırabilir", r"украсть", r"вынести", r"отколоть", r"сломать", r"отключить"],
    "hate": [r"\b(better|worse|smarter|cleaner) than (the )?" + GROUPS + r"\b",
             r"\b" + GROUPS + r" (are|were) (better|worse|dirtier|lazier|stupider)\b",
             r"\b(should|must|ought to) (all )?(be )?(thrown|kicked|driven|sent|chased) (out|off|away)\b",
             # telling a people to leave, not asking why refugees could not go home
             r"\b(should|must|ought to|have to|need to|can) (all )?go back to (their|where they)\b",
             r"(православные|мусульмане|христиане|турки|греки|армяне) (лучше|хуже)", r"лучше (мусульман|христиан|турок|греков)",
             r"atılmalı", r"sürülmeli", r"να φύγουν από το νησί",
             r"\b(which|what) (people|community|nation|race|religion|group)s?\b.{0,40}\b(most primitive|inferior|"
             r"stupidest|worst|dirtiest)\b"],
    "personal_data": [r"\b(names?|addresses|phone numbers?)\b.{0,40}\b(visitors|guests|tourists|people)\b.{0,30}\b(here|today|this morning|earlier|before me)\b",
                      r"\bgive me (their|his|her) (addresses|address|phone numbers?|numbers?|e-?mails?)\b",
                      r"\b(her|his|their) (name|names|address|phone|number)\b.{0,40}\b(here|now|ago|today|tonight)\b",
                      r"\b(here|now|ago|today|tonight)\b.{0,40}\b(her|his|their) (name|names|address|phone|number)\b",
                      r"\bwhere (is|are) .{0,40}\bstaying\b", r"\bwhich hotel (is|are)\b",
                      r"\bwhere (does|do) (the |a |an )?" + PEOPLE + r"\b.{0,40}\b(live|stay|sleep)",
                      r"\b(address|phone|photos?|pictures?) of (the )?" + PEOPLE + r"\b",
                      r"\b(photos?|pictures?|videos?|recordings?) .{0,30}\b(took|taken|recorded) of (the )?visitors",
                      r"nerede (oturuyor|yaşıyor)", r"где (живёт|живет)"],
    "self_harm": [r"\b(would|will|could|do|does|did) (i|you|a person|someone|somebody|one) die\b", r"\benough to (kill|die)\b",
                  r"\b(to|would|could|will) drown\b", r"\b(jump|fall|throw myself)(ing)? (off|from)\b.{0,40}\b(die|dead|death|end it|kill)",
                  r"\band end it\b",
                  r"\bi (want|am going|'m going|plan) to (die|end it)\b", r"\bkill (me|someone like me)\b",
                  r"\b(painless|quick|easy) way to die\b",
                  # the ways people say it without the words for death: sleeping for good, ending
                  # things, no reason to go on, in each language
                  r"\b(pills?|tablets?)\b.{0,50}\b(not|never) (to )?wake up\b", r"\bsaving (up )?(my )?(pills|tablets)\b",
                  r"\b(point|reason|sense) (of|in|to) (living|going on|carrying on|go on)\b",
                  r"\bcan(no|')t (go on|take it any ?more|live like this|keep living)\b",
                  r"\b(ending|end) (things|it all|everything)\b", r"\b(stop|quit) existing\b",
                  r"\b(finish|kill) me( off)?\b", r"\b(nobody|no one|no-one) (cares|would care|would notice) if i (live|lived|die|died|was gone)\b",
                  r"να μην ξυπνήσω", r"να τα τελειώσω (όλα)?", r"δεν αντέχω (άλλο )?(να ζω|τη ζωή)",
                  r"uyanmam", r"uyanmamak", r"her şeyi bitir", r"(artık )?dayanamıyorum",
                  r"не проснуться", r"(со всем|со всеми|с жизнью) покончить", r"не могу (больше )?(так )?жить",
                  r"жить (так )?больше не",
                  r"\bwish i (was|were|had) never( been)? born\b", r"\bwish i (didn't|did not) exist\b", r"\btired of (living|being alive)\b",
                  r"μακάρι να μην (υπήρχα|είχα γεννηθεί)", r"να εξαφανιστώ για πάντα", r"(κουράστηκα|βαρέθηκα) να ζω",
                  r"ölmenin (en )?(kolay|acısız|hızlı) yolu", r"keşke (hiç )?doğmasaydım", r"keşke öl", r"yaşamaktan bıktım",
                  r"(yok olmak|ortadan kaybolmak) istiyorum",
                  r"незачем (больше )?жить", r"исчезнуть навсегда", r"лучше бы я не родил", r"устал жить", r"не хочу (больше )?жить",
                  # a first-person plan to jump or to leave life, and feeling a burden
                  r"\bi('m| am)? (thinking (of|about)|going to|want to|plan to) (jump(ing)?|throw(ing)? myself)\b",
                  r"(σκέφτομαι|θέλω|πρόκειται) να (πέσω|πηδήξω)", r"δεν έχω (τίποτα|κανένα λόγο|λόγο) (για )?να ζήσω",
                  r"\batlasam\b", r"atlayacağım", r"kendimi (at|bırak)", r"gitsem daha iyi", r"kimse beni (umursamıyor|sevmiyor)",
                  r"(хочу|думаю|собираюсь) (прыгнуть|броситься|спрыгнуть|сброситься)", r"уйти из жизни", r"никому (я )?не нужен",
                  r"θα (πηδήξω|ριχτώ)\b", r"hayatımı bitir",
                  # not surviving, said of oneself, and driving or walking off a height
                  r"\b(i|me) (wouldn't|would not|won't|will not|don't|do not|not|never) survive\b",
                  r"να μην (επιζήσω|ζήσω)", r"(чтобы|точно) не выжить", r"hayatta kalmamak",
                  r"\bi(?:'m| am| will|'ll| might| may| could| would| want to| plan to| keep thinking about| am thinking (?:of|about)|"
                  r" think about)?(?: just)? (driv|jump|walk|throw)\w* (myself )?(off|over) (the|a) (\w+ ){0,2}(cliff|edge|bridge|wall|tower)",
                  # leaving and never coming back, said of oneself: a wish to go into the sea or off
                  # somewhere and not return
                  r"\bi('m| am)? (want|going|plan|about|thinking)\w*( of| about)?( to)?\b.{0,60}\band (never|not) (come|coming|go|going) back\b",
                  r"(θέλω|σκέφτομαι|πρόκειται) να\b.{0,60}\bκαι να μη(ν)? (ξαναγυρίσω|γυρίσω|επιστρέψω)",
                  r"geri dönmemek istiyorum",
                  r"(хочу|думаю|собираюсь)\b.{0,60}\bи (больше )?не (вернуться|возвращаться)"],
    "off_topic": [r"\b(fix|repair|unblock) (my|a leaking|a leaky)\b",
                  r"\b(write|code|program) (me )?(a |an )?(python|java|sql|bash|html|css)\b",
                  r"\b(which|what) (medicine|medication|drug|pill)s? should i\b", r"\b(solve|do) my\b",
                  r"\btranslate (this|my) (email|e-mail|letter|message)\b", r"\bshould i invest\b",
                  r"\bwhich stocks?\b", r"ilacı almalı", r"kodu yaz", r"какое лекарство", r"напиши (код|программ)",
                  r"\bреши\b",
                  # a piece of writing to order, in each language: a guide talks, it does not compose
                  r"\b(write|compose) (me |us )?(a |an )?(\w+ )?(poem|song|limerick|haiku|rap|sonnet|essay)s?\b",
                  r"γράψε (μου )?(ένα |μια )?(\w+ )?(ποίημα|τραγούδι|στίχους|έκθεση|ραπ)",
                  r"\b(şiir|şarkı|deneme|kompozisyon|rap)( \w+)? yaz",
                  # a joke told to order, of no one in particular: jokes about people are judged
                  # as what they are (the hateful and the lewd have their own kinds)
                  r"\btell (me|us) (a |an |some |another )?(good |funny |short |new )?jokes?\b(?! about| on)",
                  r"\b(know|have) any (good |funny )?jokes\b(?! about| on)", r"\bmake (me|us) laugh\b",
                  r"\bπες (μου |μας )?(ένα |κανένα )?(αστείο|ανέκδοτο)\b(?! για)",
                  r"\b(bir )?fıkra anlat(ır mısın(ız)?|sana|\b)", r"\bşaka yap(ar mısın(ız)?|sana|\b)",
                  r"\bbeni güldür(ür müsün|\b)",
                  r"\bрасскажи(те)? (мне |нам )?(анекдот|шутку)\b(?! про| о)", r"\bрассмеши",
                  r"напиши (мне )?(\w+ )?(стих|песн|поэм|сочинение|эссе|рэп)",
                  # errands of the visitor's life outside the museum: shopping, exams, letters,
                  # fitness, tales for children, sport, taxes
                  r"\b(which|what) (phone|smartphone|laptop|computer|tablet|car|tv|camera)s? (should|to|do you recommend)\b",
                  r"\bhelp me with my\b", r"\bmy (exam|test|essay|assignment|thesis|tax return)s?\b",
                  r"\b(draft|write) (me )?(an? )?(e-?mail|letter|message|cv|resume) (to|for)\b",
                  r"\b(workout|training|exercise|diet) (plan|programme|program)\b", r"\blose (weight|\d+ ?(kilos?|kg|pounds))\b",
                  r"\b(bedtime story|fairy ?tale)\b", r"\b(score|result) of the\b.{0,30}\b(game|match)\b",
                  r"\b(plan|organi[sz]e) (my|our) (wedding|party|birthday|menu)\b", r"\bhow (do|can) i (change|fix|repair) (a|my|the) (car|tyre|tire|bike|phone|laptop)\b",
                  r"ποιο (κινητό|λάπτοπ|αυτοκίνητο|τηλέφωνο) να (αγοράσω|πάρω)", r"πρόγραμμα (γυμναστικής|διατροφής)",
                  r"πες μου ένα παραμύθι", r"(τις )?εξετάσεις μου", r"γράψε (μου )?(ένα )?(email|γράμμα|μήνυμα)",
                  r"hangi (telefon|bilgisayar|laptop|araba|televizyon)\w* (almalı|alayım|alsam)", r"sınavım", r"diyet (programı|listesi)",
                  r"masal anlat", r"(e-?posta|mail|mektup|dilekçe) yaz", r"spor programı",
                  r"как(ой|ую|ие) (ноутбук|телефон|смартфон|компьютер|машину|планшет) (купить|выбрать)", r"(с|к) экзамен",
                  r"расскажи (мне )?сказку", r"напиши (мне )?(письмо|e-?mail|имейл|резюме)", r"(план|программ\w*) тренировок",
                  r"похудеть",
                  r"\bhow (do|can|should) i (cook|bake|fry|grill)\b", r"\b(tv show|tv series|netflix|film to watch|movie to watch)\b",
                  r"\b(which|what) team (will|is going to) win\b", r"\b(premier league|champions league)\b", r"\bjob interview\b",
                  r"\bteach me (some |a little )?(spanish|french|german|italian|chinese|english|russian|greek|turkish)\b",
                  r"πώς (φτιάχνω|μαγειρεύω|ψήνω)", r"(σειρά|ταινία) να (δω|παρακολουθήσω)", r"πρότεινέ μου (μια |μία )?(σειρά|ταινία)",
                  r"πρωτάθλημα", r"ποια ομάδα θα", r"συνέντευξη (για δουλειά|εργασίας)",
                  r"(dizi|film) (öner|tavsiye)", r"hangi takım", r"şampiyon olacak", r"iş görüşmesi", r"(yemeği|çorbası|tatlısı) nasıl",
                  r"как (приготовить|испечь|пожарить)", r"(посоветуй|порекомендуй) (\w+ )?(сериал|фильм)", r"как(ой|ую) (сериал|фильм) посмотреть",
                  r"какая команда (выиграет|победит|станет)", r"чемпионат", r"собеседовани",
                  r"научи меня (\w+ )?(английск|испанск|французск|немецк)"],
}

# more of the ways visitors put these requests in Greek, Turkish and Russian: phrases that no
# sentence of the catalogue in those languages, and no ordinary question, contains
PHRASED: dict[str, list[str]] = {
    "injection": ["μήνυμα συστήματος", "φίλτρο ασφαλείας", "φίλτρα ασφαλείας", "χωρίς περιορισμούς",
                  "ψεύτικα ιστορικά", "ψεύτικες πληροφορίες", "τις εντολές σου", "sistem mesaj",
                  "güvenlik filtre", "sınırsız", "sınırı olmayan", "kurallarını boşver", "kurallarını unut",
                  "системное сообщение", "системный промпт", "фильтры", "игнорируй", "без правил",
                  "забудь все правила", "какие указания тебе"],
    "hate": ["ανώτεροι από", "κατώτεροι από", "ηλίθι", "παράσιτα", "βρίσε", "daha üstün", "aptal din",
                  "asalak", "hakaret et", "alay et", "hepsi yalancı", "лучше всех остальных народов",
                  "самая глупая", "паразит", "оскорби", "лжецы", "не место на кипре"],
    "politics": ["πολιτικό να υποστηρίξω", "προεκλογικ", "γνώμη σου για την κυβέρνηση",
                  "σημερινός πρόεδρος", "seçim konuşması", "hükümet iyi", "başbakan hakkında",
                  "hangi taraf suçlu", "политика мне поддержать", "предвыборн", "правительство хорошее",
                  "мне проголосовать", "какая сторона права"],
    "violence": ["εκρηκτικό μηχανισμό", "να σκοτώσω", "να χτυπήσω κάποιον", "βάλω φωτιά", "να παραβιάσω",
                  "κλειδαριά αυτοκινήτου", "zehir nasıl", "nasıl döverim", "ateşe veririm", "nasıl sızarım",
                  "anahtarsız nasıl", "взрывное устройство", "убить человека", "подсыпать яд", "избить",
                  "без ключа"],
    "self_harm": ["τέλος στη ζωή μου", "ανώδυνος τρόπος", "τις φλέβες μου", "δεν αξίζει πια να ζω",
                  "να πληγώσω τον εαυτό", "υπερβολική δόση", "καλύτερα χωρίς εμένα", "hayatıma son",
                  "acısız ölmenin", "bileklerimi", "yaşamaya değmez", "kendime zarar", "kaç hap",
                  "ben olmasam", "покончить с жизнью", "безболезненный способ умереть", "порезать вены",
                  "навредить себе", "передозировк", "лучше без меня"],
    "damage": ["να βγάλω μια ψηφίδα", "το όνομά μου πάνω στην", "να απενεργοποιήσω το ρομπότ",
                  "να σπρώξω το ρομπότ", "αρχαία από τη χώρα χωρίς άδεια", "bir parça nasıl sök",
                  "üstüne nasıl kazır", "robotu şaka", "kaçak nasıl çıkar", "выковырять", "нацарапать",
                  "выключить робота", "столкнуть робота", "вывезти древности"],
    "personal_data": ["η διεύθυνση της ξεναγού", "номер телефона этой", "фотографии посетителей"],
    "sexual": ["μιλήσεις βρώμικα", "να κάνουν έρωτα", "άσεμνα", "πορνογραφ", "açık saçık", "sevişme",
                  "pornograf", "поговори со мной грязно", "занимаются любовью", "непристойно", "порнограф"],
    "off_topic": ["κώδικα σε", "βοήθησέ με με τα μαθηματικά", "ποιες μετοχές", "το λάπτοπ μου",
                  "ποδοσφαιρικό", "χάσω κιλά", "ανέκδοτο για γιατρούς", "kodu yaz", "matematik ödev",
                  "kripto", "laptopumu", "futbol maçını", "kilo vermek", "doktorlarla ilgili", "код на",
                  "рецепт борща", "домашним заданием", "криптовалют", "ноутбук", "футбольный матч",
                  "анекдот про врачей"],
}


def _compile(stems: list[str], intents: list[str]) -> re.Pattern:
    return re.compile("|".join([r"(?<!\w)" + re.escape(s) for s in stems] + intents), re.I)


# self-harm first: its phrasings ("kill myself") also hold words of violence
PATTERNS = {kind: _compile(STEMS.get(kind, []) + PHRASED.get(kind, []), INTENTS.get(kind, []))
            for kind in ["self_harm", *[k for k in STEMS if k != "self_harm"], "damage"]}


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
