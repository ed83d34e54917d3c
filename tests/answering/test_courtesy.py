import pytest

from answering.courtesy import courtesy, in_kind


@pytest.mark.parametrize("message, kind", [
    ("Bye bye", "farewell"), ("Thanks, see you!", "farewell"), ("Goodbye and thank you, guide.", "farewell"),
    ("Hello!", "greeting"), ("hey there", "greeting"), ("Thank you very much!", "thanks"),
    ("Καλημέρα!", "greeting"), ("Ευχαριστώ πολύ.", "thanks"), ("Αντίο!", "farewell"),
    ("Merhaba", "greeting"), ("Çok teşekkürler!", "thanks"), ("Hoşça kal.", "farewell"),
    ("Здравствуйте!", "greeting"), ("Спасибо большое!", "thanks"), ("До свидания.", "farewell"),
])
def test_a_message_that_is_only_a_greeting_thanks_or_goodbye_is_recognised(message, kind):
    assert courtesy(message) == kind


@pytest.mark.parametrize("message", [
    "Hi, who built this castle?", "Thanks! And when was it built?", "Who said goodbye to the king?",
    "Hello, can I take photos?", "Why is it called the Hello Kitty stone?", "Πότε χτίστηκε; Ευχαριστώ.",
    "Merhaba, bu kale ne zaman yapıldı?", "Спасибо, а кто его нашёл?", "", "?!",
])
def test_a_question_with_a_greeting_or_thanks_around_it_is_still_a_question(message):
    assert courtesy(message) is None


def test_the_reply_names_the_exhibit_in_the_visitors_language_or_the_exhibition():
    assert "Kyrenia Ship" in in_kind("greeting", "en", "Kyrenia Ship")
    assert "exhibition" in in_kind("thanks", "en", None)
    assert in_kind("farewell", "ru", None).startswith("До свидания")
    assert in_kind("greeting", "de", None) == in_kind("greeting", "en", None)  # no German phrases: English
