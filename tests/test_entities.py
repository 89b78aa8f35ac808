from transforms.entities import Mention, summarise_mentions


def _summary(gazetteer, mentions, length=1000):
    return summarise_mentions([Mention(*m) for m in mentions], gazetteer, length)


def test_places_the_model_calls_people_become_places(gazetteer):
    found = _summary(
        gazetteer,
        [("Ganja", "PERSON", 10), ("Azerbaijan", "PERSON", 50), ("Armenia", "ORG", 80)],
    )
    assert found.persons == [] and found.organizations == []
    assert set(found.locations) == {"Ganja", "Azerbaijan", "Armenia"}
    assert found.countries[0] == "AZ" and set(found.countries) == {"AZ", "AM"}


def test_a_place_name_inside_a_full_person_name_stays_a_person(gazetteer):
    found = _summary(gazetteer, [("Michael Jordan", "PERSON", 0), ("Jordan", "PERSON", 100)])
    assert found.persons == ["Michael Jordan"]
    assert found.countries == []


def test_surnames_resolve_to_the_full_name_even_when_tagged_org(gazetteer):
    found = _summary(
        gazetteer,
        [("Antonio Guterres", "PERSON", 0), ("Guterres", "ORG", 300), ("Guterres’", "PERSON", 600)],
    )
    assert found.persons == ["Antonio Guterres"]
    assert found.organizations == []
    (entity,) = found.entities
    assert entity == {
        "text": "Guterres",
        "label": "PERSON",
        "canonical": "Antonio Guterres",
        "count": 3,
    }


def test_mentions_group_by_canonical_name_and_count(gazetteer):
    found = _summary(
        gazetteer,
        [
            ("the United States", "GPE", 0),
            ("US", "GPE", 100),
            ("U.S.", "GPE", 200),
            ("UN", "ORG", 300),
            ("Soviet", "NORP", 400),
            ("DATE", "DATE", 500),
        ],
    )
    by_canonical = {e["canonical"]: e for e in found.entities}
    assert by_canonical["United States"]["count"] == 3
    assert by_canonical["United States"]["label"] == "GPE"
    assert "DATE" not in by_canonical  # only the six labels newsbeam keeps
    assert found.countries == ["US"]
    assert found.organizations == ["UN"]


def test_ambiguous_surnames_are_left_alone(gazetteer):
    found = _summary(
        gazetteer,
        [("John Smith", "PERSON", 0), ("Jane Smith", "PERSON", 10), ("Smith", "PERSON", 20)],
    )
    assert "Smith" in found.persons


def test_seed_article_entities(gazetteer, nlp, seeds_dir):
    from transforms.cleaning import clean_text
    from transforms.headers import split_header

    _, body = split_header((seeds_dir / "000_b9602190ba00a2ba.txt").read_text())
    text = clean_text(body)
    doc = nlp(text)
    found = summarise_mentions(
        [Mention(e.text, e.label_, e.start_char) for e in doc.ents], gazetteer, len(text)
    )
    assert {"Antonio Guterres", "Ilham Aliyev"} <= set(found.persons)
    assert "Ganja" in found.locations and "Ganja" not in found.persons
    assert {"Armenia", "Azerbaijan"} <= set(found.locations)
    assert set(found.countries[:2]) == {"AM", "AZ"}


def test_surface_forms():
    from transforms.mentions import surface_form

    assert surface_form("the United States’s") == "United States"
    assert surface_form("U.S.") == "U.S."
    assert surface_form("Guterres’") == "Guterres"
    assert surface_form("Ganja.") == "Ganja"
    assert surface_form("  New\nDelhi, ") == "New Delhi"
