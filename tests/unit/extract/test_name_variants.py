"""Spelling variants of one name: which spelling is canonical, and merging them."""

from newsbeam.transforms.extract.name_variants import apply_variants, block_key, cluster_variants
from tests.support.builders import entity


def test_the_spelling_in_most_articles_is_canonical():
    assert cluster_variants([("Stephane Dujjaric", 5, 1), ("Stephane Dujarric", 3, 2)]) == {
        "Stephane Dujjaric": ("Stephane Dujarric", 5)
    }
    assert cluster_variants([("Stephane Dujjaric", 5, 2), ("Stephane Dujarric", 3, 2)]) == {
        "Stephane Dujarric": ("Stephane Dujjaric", 3)
    }


def test_a_tie_goes_to_the_spelling_that_reads_like_a_name():
    """Both seeds name him twice, one as "Dujjaric", one as "Dujarric": "jj" is the slip."""
    for order in (1, -1):
        names = [("Stephane Dujjaric", 2, 1), ("Stephane Dujarric", 2, 1)][::order]
        assert cluster_variants(names) == {"Stephane Dujjaric": ("Stephane Dujarric", 2)}


def test_a_tie_of_mentions_goes_to_the_spelling_the_texts_write_most():
    """A real page writes "Zamazenta Edition" twice and "Zamazenta Editino" once; the model
    tagged one of each, and the letter pairs alone prefer the slip."""
    tagged = [("Zamazenta Edition", 1, 1), ("Zamazenta Editino", 1, 1)]
    assert cluster_variants(tagged) == {"Zamazenta Edition": ("Zamazenta Editino", 1)}
    written = [("Zamazenta Edition", 1, 1, 2), ("Zamazenta Editino", 1, 1, 1)]
    assert cluster_variants(written) == {"Zamazenta Editino": ("Zamazenta Edition", 1)}


def test_different_people_are_not_merged():
    names = [
        ("John Smith", 3, 1),
        ("John Smyth", 1, 1),
        ("Jane Smith", 2, 1),
        ("Ali Khan", 1, 1),
        ("Ali Khanh", 1, 1),
    ]
    assert cluster_variants(names) == {}


def test_blocks_hold_only_possible_variants():
    assert block_key("PERSON", "Stephane Dujarric") == block_key("PERSON", "Stephane Dujjaric")
    assert block_key("PERSON", "Stephane Dujarric") != block_key("ORG", "Stephane Dujarric")
    assert block_key("PERSON", "Stephane Dujarric") != block_key("PERSON", "Dujarric")


def test_applying_variants_merges_entities_and_lists():
    article = {
        "id": "a",
        "entities": [
            entity("Stephane Dujjaric", count=2),
            entity("UN", "ORG"),
            entity("Stephane Dujarric"),
        ],
        "persons": ["Stephane Dujjaric", "Stephane Dujarric"],
        "organizations": ["UN"],
    }
    merged = apply_variants(article, {("PERSON", "Stephane Dujjaric"): "Stephane Dujarric"})
    assert merged["persons"] == ["Stephane Dujarric"] and merged["organizations"] == ["UN"]
    assert [(e["canonical"], e["count"]) for e in merged["entities"]] == [
        ("Stephane Dujarric", 3),
        ("UN", 1),
    ]
    assert apply_variants(article, {}) is article


def test_times_written_count_whole_names_only():
    """ "Mark Twain" is not written inside "Mark Twaine": a shorter name must not gain the
    longer one's mentions."""
    from newsbeam.transforms.extract.normalise_across_articles import _times_written

    article = {"title": "Mark Twaine", "text": "Mark Twain wrote. Mark Twaine misspelt."}
    assert (_times_written(article, "Mark Twain"), _times_written(article, "Mark Twaine")) == (1, 2)
