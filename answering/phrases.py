"""The guide's fixed refusals in the four languages of the island's visitors, so that a request
declined in Greek, Turkish or Russian is declined in that language. Each says the same as its
English original in answering/guard.py, then offers to talk about the exhibit in view."""
from __future__ import annotations

REFUSALS: dict[str, dict[str, str]] = {
    "el": {
        "injection": "Λυπάμαι, δεν μπορώ να βγω από τον ρόλο μου ως ξεναγός ούτε να μοιραστώ τις οδηγίες μου.",
        "hate": "Λυπάμαι, δεν θα μιλήσω εναντίον καμίας κοινότητας ή πίστης· η κληρονομιά του νησιού ανήκει "
                "σε όλους τους ανθρώπους του.",
        "politics": "Λυπάμαι, δεν παίρνω πολιτική θέση· είμαι εδώ για να μιλήσουμε για την πολιτιστική κληρονομιά.",
        "violence": "Λυπάμαι, δεν μπορώ να βοηθήσω σε τίποτα που θα μπορούσε να βλάψει ανθρώπους ή περιουσίες.",
        "self_harm": "Λυπάμαι πολύ που νιώθετε έτσι, και δεν μπορώ να βοηθήσω σε αυτό. Παρακαλώ μιλήστε τώρα με "
                     "κάποιον: οποιοδήποτε μέλος του προσωπικού εδώ θα σας βοηθήσει, και στην Κύπρο μπορείτε να "
                     "καλέσετε το 112 οποιαδήποτε ώρα.",
        "sexual": "Λυπάμαι, δεν μπορώ να μιλήσω για αυτό.",
        "off_topic": "Λυπάμαι, μπορώ να βοηθήσω μόνο με την έκθεση και την επίσκεψή σας.",
        "damage": "Παρακαλώ μην καταστρέφετε και μην παίρνετε τίποτα: τα εκθέματα είναι αναντικατάστατα και "
                  "προστατεύονται από τον νόμο.",
        "personal_data": "Λυπάμαι, δεν μπορώ να μοιραστώ προσωπικά στοιχεία κανενός.",
    },
    "tr": {
        "injection": "Üzgünüm, rehber rolümün dışına çıkamam ve talimatlarımı paylaşamam.",
        "hate": "Üzgünüm, hiçbir topluluğa ya da inanca karşı konuşmam; adanın mirası tüm halkına aittir.",
        "politics": "Üzgünüm, siyasi taraf tutmam; burada kültürel miras hakkında konuşmak için varım.",
        "violence": "Üzgünüm, insanlara ya da mala zarar verebilecek hiçbir konuda yardımcı olamam.",
        "self_harm": "Böyle hissettiğiniz için çok üzgünüm ve bu konuda yardımcı olamam. Lütfen hemen biriyle "
                     "konuşun: buradaki her görevli size yardım eder ve Kıbrıs'ta her zaman 112'yi "
                     "arayabilirsiniz.",
        "sexual": "Üzgünüm, bu konuda konuşamam.",
        "off_topic": "Üzgünüm, yalnızca sergi ve ziyaretiniz konusunda yardımcı olabilirim.",
        "damage": "Lütfen hiçbir şeye zarar vermeyin ve hiçbir şey almayın: eserlerin yeri doldurulamaz ve "
                  "yasayla korunurlar.",
        "personal_data": "Üzgünüm, kimsenin kişisel bilgilerini paylaşamam.",
    },
    "ru": {
        "injection": "Извините, я не могу выйти из роли экскурсовода или раскрыть свои инструкции.",
        "hate": "Извините, я не буду говорить против какой-либо общины или веры: наследие острова "
                "принадлежит всем его жителям.",
        "politics": "Извините, я не занимаю политических позиций: я здесь, чтобы рассказывать о культурном "
                    "наследии.",
        "violence": "Извините, я не могу помочь ни с чем, что может причинить вред людям или имуществу.",
        "self_harm": "Мне очень жаль, что вам сейчас так тяжело, и с этим я помочь не могу. Пожалуйста, "
                     "поговорите с кем-нибудь прямо сейчас: любой сотрудник здесь поможет, а на Кипре вы можете "
                     "в любое время позвонить по номеру 112.",
        "sexual": "Извините, я не могу говорить на эту тему.",
        "off_topic": "Извините, я могу помочь только с выставкой и вашим посещением.",
        "damage": "Пожалуйста, ничего не повреждайте и не берите: экспонаты незаменимы и охраняются законом.",
        "personal_data": "Извините, я не могу сообщать чьи-либо личные данные.",
    },
}
# (with the exhibit's name, with no exhibit in view): worded so that no article or case ending
# depends on the name
OFFERS: dict[str, tuple[str, str]] = {
    "el": (" Θα σας πω ευχαρίστως περισσότερα για αυτό το έκθεμα: {name}.",
           " Θα σας πω ευχαρίστως περισσότερα για την έκθεση."),
    "tr": (" Bunun yerine size memnuniyetle {name} hakkında daha fazlasını anlatırım.",
           " Bunun yerine size memnuniyetle sergi hakkında daha fazlasını anlatırım."),
    "ru": (" Зато я с удовольствием расскажу подробнее об экспонате «{name}».",
           " Зато я с удовольствием расскажу подробнее о выставке."),
}


# the guide's other fixed phrases, as answering/pipeline.py says them in English: "I don't know", the
# same for what changes from day to day, and the refusal that replaces an unsayable sentence
FIXED: dict[str, dict[str, str]] = {
    "en": {"all_told": "That is all I can tell you about {name}. You might like {other} next: {summary}",
           "older": "{a} dates back to about {a_dates}, and {b} to about {b_dates}, so {older} is the older of the two.",
           "same_age": "{a} dates back to about {a_dates}, and {b} to about {b_dates}: they are of about the same age."},
    "el": {"all_told": "Αυτά είναι όλα όσα μπορώ να σας πω για αυτό το έκθεμα: {name}. Ίσως σας ενδιαφέρει "
                       "στη συνέχεια το έκθεμα {other}: {summary}",
           "older": "Το έκθεμα {a} ανάγεται περίπου στο {a_dates} και το έκθεμα {b} στο {b_dates}· παλαιότερο "
                    "από τα δύο είναι το έκθεμα {older}.",
           "same_age": "Το έκθεμα {a} ανάγεται περίπου στο {a_dates} και το έκθεμα {b} στο {b_dates}· είναι "
                       "περίπου της ίδιας εποχής.",
           "unknown": "Λυπάμαι, δεν το γνωρίζω αυτό και προτιμώ να μη μαντέψω. Να τι μπορώ να σας πω: {first}",
           "unknown_live": "Λυπάμαι, δεν το γνωρίζω: οι ώρες λειτουργίας, οι τιμές, οι υπηρεσίες και ο καιρός "
                           "αλλάζουν, και το προσωπικό του μουσείου μπορεί να σας ενημερώσει. Να τι μπορώ να σας πω: {first}",
           "safe_decline": "Λυπάμαι, δεν μπορώ να βοηθήσω σε αυτό· είμαι εδώ για να μιλήσουμε για την έκθεση."},
    "tr": {"all_told": "{name} hakkında anlatabileceklerim bu kadar. Sırada şu ilginizi çekebilir: {other}. {summary}",
           "older": "{a} yaklaşık {a_dates} yılına, {b} ise {b_dates} yılına uzanır; ikisinden daha eski olanı: {older}.",
           "same_age": "{a} yaklaşık {a_dates} yılına, {b} ise {b_dates} yılına uzanır; ikisi aşağı yukarı aynı çağdandır.",
           "unknown": "Üzgünüm, bunu bilmiyorum ve tahmin yürütmek istemem. Size şunu anlatabilirim: {first}",
           "unknown_live": "Üzgünüm, bunu bilmiyorum: açılış saatleri, fiyatlar, hizmetler ve hava durumu "
                           "değişir; müze görevlileri size bilgi verebilir. Size şunu anlatabilirim: {first}",
           "safe_decline": "Üzgünüm, bu konuda yardımcı olamam; burada sergi hakkında konuşmak için varım."},
    "ru": {"all_told": "Это всё, что я могу рассказать об экспонате «{name}». Возможно, дальше вам будет "
                       "интересен экспонат «{other}»: {summary}",
           "older": "Экспонат «{a}» восходит примерно к {a_dates}, а «{b}» — к {b_dates}, так что древнее из двух — «{older}».",
           "same_age": "Экспонат «{a}» восходит примерно к {a_dates}, а «{b}» — к {b_dates}: они примерно одного времени.",
           "unknown": "Извините, я этого не знаю и не хочу гадать. Вот что я могу рассказать: {first}",
           "unknown_live": "Извините, я этого не знаю: часы работы, цены, услуги и погода меняются, а "
                           "сотрудники музея могут вам подсказать. Вот что я могу рассказать: {first}",
           "safe_decline": "Извините, с этим я помочь не могу: я здесь, чтобы рассказывать о выставке."},
}


def fixed(kind: str, language: str, english: str) -> str:
    """One of the guide's fixed phrases in a language, the English one where there is none."""
    return FIXED.get(language, {}).get(kind, english)


def refusal(kind: str, language: str, exhibit_name: str | None) -> str | None:
    """The refusal of this kind in this language with its offer, or None where there is none."""
    if language not in REFUSALS or kind not in REFUSALS[language]:
        return None
    with_name, without = OFFERS[language]
    return REFUSALS[language][kind] + (with_name.format(name=exhibit_name) if exhibit_name else without)
