import shutil
from itertools import combinations
from math import hypot

import pytest
import yaml

from knowledge.catalogue import EXHIBITS_DIR, CatalogueError, load_catalogue

REQUIRED = ["choirokoitia", "tombs-of-the-kings", "house-of-dionysus", "kourion",
            "sanctuary-of-apollo-hylates", "kolossi-castle", "painted-churches-troodos",
            "kyrenia-ship", "kyrenia-castle", "venetian-walls-nicosia", "kykkos-monastery",
            "lefkara-lace", "saint-lazarus-church", "hala-sultan-tekke", "kition", "salamis",
            "bellapais-abbey", "saint-hilarion-castle", "petra-tou-romiou", "idol-of-pomos",
            "cyprus-museum", "amathus", "othellos-tower", "st-nicholas-cathedral-famagusta",
            "enkomi", "vouni-palace", "tsiattista", "cypriot-syllabary", "ayia-napa-monastery",
            "palaepaphos-aphrodite-sanctuary"]


@pytest.fixture
def copy_dir(tmp_path):
    target = tmp_path / "exhibits"
    shutil.copytree(EXHIBITS_DIR, target)
    return target


def edit(path, **changes):
    data = yaml.safe_load(path.read_text())
    data.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))


def test_catalogue_has_every_required_exhibit_and_validates():
    catalogue = load_catalogue()
    assert set(REQUIRED) <= set(catalogue.ids)
    for exhibit in catalogue:
        assert len(exhibit.body.split()) >= 250 and len(exhibit.facts) >= 8
        assert exhibit.names.el and exhibit.period.dates


def test_exhibit_zones_on_the_lab_map_do_not_overlap():
    catalogue = load_catalogue()
    for a, b in combinations(catalogue, 2):
        gap = hypot(a.place.x - b.place.x, a.place.y - b.place.y)
        assert gap > a.place.radius + b.place.radius, (a.id, b.id)


def test_malformed_file_error_names_file_field_and_expectation(copy_dir):
    edit(copy_dir / "kition.yaml", facts=["Too short."])
    edit(copy_dir / "amathus.yaml", period={"name": "Iron Age", "dates": "long ago", "start_year": -1000})
    with pytest.raises(CatalogueError) as err:
        load_catalogue(copy_dir)
    text = str(err.value)
    assert "kition.yaml: field 'facts'" in text and "at least 8" in text
    assert "amathus.yaml: field 'period.dates'" in text and "BC or AD" in text


def test_short_body_and_markup_are_rejected(copy_dir):
    edit(copy_dir / "enkomi.yaml", body="- a list item\n" + "word " * 300)
    edit(copy_dir / "salamis.yaml", body="Too short to be spoken.")
    with pytest.raises(CatalogueError) as err:
        load_catalogue(copy_dir)
    assert "enkomi.yaml: field 'body'" in str(err.value) and "plain spoken prose" in str(err.value)
    assert "salamis.yaml: field 'body'" in str(err.value) and "250 words" in str(err.value)


def test_duplicate_ids_and_dangling_related_links_are_rejected(copy_dir):
    data = yaml.safe_load((copy_dir / "kition.yaml").read_text())
    (copy_dir / "kition-copy.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    edit(copy_dir / "amathus.yaml", related=["atlantis"])
    with pytest.raises(CatalogueError) as err:
        load_catalogue(copy_dir)
    text = str(err.value)
    assert "duplicate id 'kition'" in text
    assert "amathus.yaml: field 'related': no exhibit with id 'atlantis'" in text


def test_content_hash_changes_with_content(copy_dir):
    before = load_catalogue(copy_dir).content_hash
    edit(copy_dir / "kition.yaml", town="Larnaka")
    assert load_catalogue(copy_dir).content_hash != before


def test_cli_validate_reports_errors_with_exit_code(copy_dir, capsys):
    from knowledge.__main__ import main

    assert main(["validate"]) == 0
    edit(copy_dir / "kition.yaml", kind="castle")
    assert main(["--catalogue", str(copy_dir), "validate"]) == 1
    assert "kition.yaml: field 'kind'" in capsys.readouterr().err


def test_every_exhibit_speaks_greek_turkish_and_russian_fact_for_fact():
    for exhibit in load_catalogue():
        for language in ("el", "tr", "ru"):
            summary, facts = exhibit.text(language)
            assert len(facts) == len(exhibit.facts) and summary != exhibit.summary
            assert exhibit.name(language) != "" and all(f and f not in exhibit.facts for f in facts)


@pytest.mark.parametrize("change, problem", [
    (lambda t: t["el"]["facts"].pop(), "field 'translations.el.facts': 7 facts, the English has 8"),
    (lambda t: t["tr"]["facts"].__setitem__(0, "Amathus was an ancient city-kingdom on the coast just east of modern Limassol."),
     "field 'translations.tr.facts.0': is mostly the English words"),
    (lambda t: t["ru"]["facts"].__setitem__(0, "Amathus war ein Stadtkönigreich an der Küste östlich von Limassol."),
     "field 'translations.ru.facts.0': is not written mostly in the ru script"),
    (lambda t: t["el"]["facts"].reverse(), "field 'translations.el.facts.0': states the figures ['1975'], the English []"),
    (lambda t: t["tr"].__setitem__("summary", " "), "field 'translations.tr.summary'"),
])
def test_a_translation_that_is_missing_english_or_out_of_order_is_named(copy_dir, change, problem):
    path = copy_dir / "amathus.yaml"
    data = yaml.safe_load(path.read_text())
    change(data["translations"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(CatalogueError) as err:
        load_catalogue(copy_dir)
    assert "amathus.yaml" in str(err.value) and problem in str(err.value)


def test_the_source_hash_follows_the_english_records_only(copy_dir):
    before = load_catalogue(copy_dir)
    path = copy_dir / "amathus.yaml"
    data = yaml.safe_load(path.read_text())
    data["translations"]["el"]["facts"][6] = "Το αρχαίο λιμάνι της Αμαθούντας είναι σήμερα βυθισμένο στη θάλασσα."
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    after = load_catalogue(copy_dir)
    assert after.content_hash != before.content_hash and after.source_hash == before.source_hash
    edit(path, facts=data["facts"][:6] + ["The ancient harbour of Amathus is under water today, as divers know."]
         + data["facts"][7:])
    assert load_catalogue(copy_dir).source_hash != before.source_hash
