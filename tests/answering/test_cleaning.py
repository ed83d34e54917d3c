"""Model text cleaned as it streams: markup stripped, whole words released, a tag cut across deltas removed whole."""
from answering.cleaning import DeltaCleaner


def test_delta_cleaner_strips_markup_and_releases_whole_words():
    cleaner = DeltaCleaner()
    out = "".join(cleaner.feed(t) for t in ["## The **Kyr", "enia** Ship", "\n- sank ", "`near` <b>Kyrenia</b>."])
    out += cleaner.flush()
    assert out == "The Kyrenia Ship sank near Kyrenia."
    assert DeltaCleaner().feed("unfinished") == ""


def test_an_html_tag_cut_across_deltas_is_removed_whole():
    cleaner = DeltaCleaner()
    pieces = ["The ship ", "<img ", "src=x ", 'onerror="alert(1)"', "> sank ", "near <scr", "ipt>x</script> Kyrenia."]
    out = "".join(cleaner.feed(t) for t in pieces) + cleaner.flush()
    assert "<" not in out and ">" not in out and "onerror" not in out and "src=" not in out
    assert out.split() == ["The", "ship", "sank", "near", "x", "Kyrenia."]
