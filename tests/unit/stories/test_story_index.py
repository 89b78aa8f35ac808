"""Online story assignment: articles join the story they tell, ids never change, merges are
recorded, closed stories leave the index."""

from newsbeam.transforms.stories.story_index import Merge, StoryIndex
from newsbeam.transforms.stories.story_terms import story_terms, with_entity_terms

HOUR = 3600.0
SNOWDEN = [
    "Edward Snowden warns of personal data vulnerability at SXSW",
    "Snowden tells SXSW crowd to encrypt personal data",
    "At SXSW, Snowden urges tech firms to protect data",
]
CARNEY = [
    "Carney questioned by Treasury committee over Bank of England forex probe",
    "Bank of England forex probe: Carney faces Treasury committee",
]


def _assign(index, titles, start=0.0, prefix="a"):
    return [
        index.assign(f"{prefix}{i}", story_terms(title), start + i * 60)
        for i, title in enumerate(titles)
    ]


def test_articles_of_one_story_join_it_under_the_first_article_s_id():
    index = StoryIndex()
    snowden = _assign(index, SNOWDEN)
    carney = _assign(index, CARNEY, start=600, prefix="b")
    assert snowden == ["a0"] * 3 and carney == ["b0"] * 2
    assert index.merge_similar() == [] and len(index) == 2


def test_stories_that_turn_out_to_be_one_merge_and_the_first_opened_continues():
    index = StoryIndex(join_threshold=0.99, merge_threshold=0.2)  # every headline apart
    assert _assign(index, SNOWDEN) == ["a0", "a1", "a2"]
    merges = index.merge_similar()
    assert {merge.continues for merge in merges} == {"a0"}
    assert {merge.merged for merge in merges} == {"a1", "a2"}
    assert index.continuing_id("a2") == "a0" and len(index) == 1
    index.join_threshold = 0.1  # now an article like them may join: the continuing story
    later = index.assign("a3", story_terms("Snowden at SXSW: encrypt your data"), 900)
    assert later == "a0"


def test_a_story_closes_after_its_open_hours_and_the_same_words_later_open_a_new_one():
    index = StoryIndex(open_hours=48)
    _assign(index, SNOWDEN)
    assert index.close_before(3 * 24 * HOUR) == ["a0"] and len(index) == 0
    assert _assign(index, SNOWDEN[:1], start=3 * 24 * HOUR, prefix="c") == ["c0"]


def test_an_article_three_weeks_later_is_a_new_story_even_in_the_same_words():
    index = StoryIndex()
    _assign(index, SNOWDEN)
    assert _assign(index, SNOWDEN[:1], start=21 * 24 * HOUR, prefix="d") == ["d0"]


def test_a_source_s_boilerplate_does_not_make_its_articles_one_story():
    from newsbeam.transforms.stories.story_index import BOILERPLATE_MIN_ARTICLES

    index = StoryIndex()

    def episode(number: int, topic: str) -> str:
        title = f"Taverncast weekly podcast episode: {topic}"
        return index.assign(f"p{number:02d}", story_terms(title), number * 60.0, "taverncast")

    for number in range(BOILERPLATE_MIN_ARTICLES):  # the source's words become known
        episode(number, f"guest{chr(97 + number)} talks")
    topics = ["volcano erupts in iceland", "parliament passes budget", "storm floods harbour"]
    later = [episode(100 + n, topics[n % 3]) for n in range(6)]
    assert later[:3] == later[3:] and len(set(later)) == 3


def test_a_small_feed_s_series_is_no_story_once_its_template_is_known():
    """A day's feed of a dozen numbered quotes ("Цитата #17220", "Цитата #17224", ...):
    once the source's title template is known as its boilerplate, each later quote, whose
    own words differ, is a story of its own, not the series' twelfth article."""
    index = StoryIndex()
    lines = [f"line{chr(97 + n)} word{chr(97 + n)} thing{chr(97 + n)}" for n in range(12)]
    stories = [
        index.assign(
            f"q{n:02d}", story_terms(f"Daily quote #{17220 + n}", text), n * 60.0, "quotes"
        )
        for n, text in enumerate(lines)
    ]
    # The eighth quote on: the template is known (`BOILERPLATE_MIN_ARTICLES`).
    assert stories[:7] == ["q00"] * 7
    assert stories[7:] == [f"q{n:02d}" for n in range(7, 12)]


def test_one_shared_word_is_a_subject_not_a_story():
    """Two short items that share one heavy word ("Oscar") and nothing else report two
    events, however high the cosine of so few terms; a second shared term joins them."""
    index = StoryIndex()
    first = index.assign("o1", story_terms("Oscar nominations"), 0.0)
    assert index.assign("o2", story_terms("Oscar dresses"), 60.0) != first
    assert index.assign("o3", story_terms("Oscar nominations announced"), 120.0) == first


def test_a_story_keeps_its_heaviest_terms_only_and_the_index_forgets_closed_stories():
    from newsbeam.transforms.stories.story_index import CENTROID_TERMS

    index = StoryIndex(join_threshold=0.0)  # everything joins one story
    for i in range(60):
        words = " ".join(f"word{chr(97 + i % 26)}{chr(97 + j)}" for j in range(10))
        index.assign(f"w{i:02d}", story_terms(f"Snowden leaks {words}"), i * 60.0)
    (story,) = index._stories.values()
    assert len(story.centroid) <= CENTROID_TERMS
    index.close_before(10 * 24 * HOUR)
    assert len(index) == 0 and not index._postings


# The seeds' event (the UN Secretary-General on the war, 27 September 2020), as an English
# and a French outlet would lead with it: no word of one title is a word of the other.
GUTERRES_EN = (
    "UN chief calls for immediate end to fighting in Nagorno-Karabakh",
    "Secretary-General António Guterres spoke with the leaders in Baku and Yerevan",
)
GUTERRES_FR = (
    "Le chef de l'ONU appelle à l'arrêt immédiat des combats au Haut-Karabakh",
    "António Guterres s'est entretenu avec les dirigeants à Bakou et Erevan",
)
BRIDGES = {
    "n:antónio guterres",
    "p:40.4,49.9",  # Baku, Bakou
    "p:40.2,44.5",  # Yerevan, Erevan
}


def _told(index, article_id, lines, language, bridges, minutes=0):
    terms = story_terms(lines[0], lines[1], language)
    return index.assign(article_id, terms, minutes * 60.0, "", language, bridges)


def test_one_event_in_two_languages_is_one_story_through_names_and_places():
    index = StoryIndex()
    assert _told(index, "en1", GUTERRES_EN, "en", BRIDGES) == "en1"
    assert _told(index, "fr1", GUTERRES_FR, "fr", BRIDGES | {"#:2020"}, 30) == "en1"


def test_reports_in_other_words_naming_the_same_person_and_places_join_by_them():
    """Two outlets' leads of one event share three words; the names and places they both
    give, as terms (`with_entity_terms`, as the pipeline's cards carry them), join them."""
    other_outlet = (
        "World body's head urges Armenia and Azerbaijan to halt hostilities",
        "Guterres phoned Baku and Yerevan on Sunday",
    )
    for entity_terms, joins in ((False, False), (True, True)):
        index = StoryIndex()
        stories = []
        for n, lines in enumerate((GUTERRES_EN, other_outlet)):
            terms = story_terms(*lines)
            if entity_terms:
                terms = with_entity_terms(terms, BRIDGES)
            stories.append(index.assign(f"en{n}", terms, n * 600.0, f"outlet{n}", "en", BRIDGES))
        assert (stories[1] == stories[0]) is joins


def test_languages_are_not_bridged_on_one_kind_of_evidence_or_in_one_language():
    index = StoryIndex()
    _told(index, "en1", GUTERRES_EN, "en", BRIDGES)
    places_only = {"p:40.4,49.9", "p:40.2,44.5", "p:39.8,46.8"}  # Baku, Yerevan, Stepanakert
    assert _told(index, "fr1", GUTERRES_FR, "fr", places_only, 30) == "fr1"
    two_shared = {"n:antónio guterres", "p:40.4,49.9"}
    german = ("UN-Chef fordet Ende der Kämpfe in Bergkarabach", "Guterres sprach in Baku")
    assert _told(index, "de1", german, "de", two_shared, 40) == "de1"
    # An English article in other words stays apart: within a language, words decide.
    other_words = ("Ceasefire talks stall", "Diplomats meet again next week")
    assert _told(index, "en2", other_words, "en", BRIDGES, 50) == "en2"


def test_a_story_already_told_in_the_article_s_language_is_not_bridged_to():
    index = StoryIndex()
    _told(index, "en1", GUTERRES_EN, "en", BRIDGES)
    assert _told(index, "fr1", GUTERRES_FR, "fr", BRIDGES, 10) == "en1"  # now en and fr
    other_words = ("Ceasefire talks stall", "Diplomats meet again next week")
    assert _told(index, "en2", other_words, "en", BRIDGES, 20) == "en2"


def test_features_many_open_stories_share_do_not_bridge():
    index = StoryIndex()
    common = {"n:reuters", "p:38.9,-77.0"}  # an agency; Washington
    titles = ["Harbour cranes idle", "Orchard frost losses", "Tram fares rise",
              "Library reopens doors", "Marathon route changed", "Bakery wins prize"]  # fmt: skip
    for i, title in enumerate(titles):  # six English stories, all with both
        assert _told(index, f"en{i}", (title, ""), "en", common | {f"#:{100 + i}"}, i) == f"en{i}"
    # One of them in French, by the rare number and the two common features: too little.
    assert _told(index, "fr1", GUTERRES_FR, "fr", common | {"#:103"}, 10) == "fr1"


def _cosine_after(reports: list[str], new: str) -> float:
    """The cosine a new report has with the one story its `reports` make, as the index
    would weigh it at that point."""
    probe = StoryIndex(join_threshold=0.0)
    for n, report in enumerate(reports):
        probe.assign(f"r{n}", story_terms(report), n * 60.0)
    (story,) = probe._stories.values()
    return probe._dots(probe._weigh(story_terms(new)))[story.story_id] / story.norm


def test_a_large_story_is_joined_below_the_threshold_a_small_one_needs():
    """A story of `LARGE_STORY_ARTICLES` reports spreads over their angles: a new report's
    cosine with it is lower than with one report, so it is joined from a share of the
    threshold (`LARGE_STORY_JOIN_FACTOR`); a smaller story still needs the threshold."""
    from newsbeam.transforms.stories.story_index import (
        LARGE_STORY_ARTICLES,
        LARGE_STORY_JOIN_FACTOR,
    )

    angles = ["vote count", "turnout record", "opposition leader", "markets react", "rally"]
    reports = [f"Election results {angle} capital" for angle in angles]
    new = "Election results delayed in the north"
    for size, joins in ((LARGE_STORY_ARTICLES, True), (LARGE_STORY_ARTICLES - 1, False)):
        cosine = _cosine_after(reports[:size], new)
        # A threshold the cosine misses, but within the large story's share of it.
        threshold = cosine / ((1 + LARGE_STORY_JOIN_FACTOR) / 2)
        index = StoryIndex(join_threshold=threshold)
        first = [
            index.assign(f"r{n}", story_terms(r), n * 60.0) for n, r in enumerate(reports[:size])
        ]
        assert set(first) == {"r0"}, "the reports make one story"
        assert (index.assign("new", story_terms(new), 3600.0) == "r0") is joins


def test_a_one_word_title_joins_the_story_of_that_word():
    """An item whose one term is shared joins: the two-terms rule asks for all of them."""
    index = StoryIndex()
    first = index.assign("e1", story_terms("Earthquake"), 0.0)
    assert index.assign("e2", story_terms("Earthquake"), 60.0) == first


def test_a_name_and_its_word_are_one_shared_subject_not_two():
    """ "Trump" and "n:donald trump" are one subject named once: two items that share only
    it stay apart, as they do without entity terms, and no later merge joins them."""
    index = StoryIndex()
    fillers = ["harbour cranes idle", "orchard frost losses", "tram fares rise", "library reopens",
               "marathon route changed", "bakery wins prize", "bridge repairs delayed",
               "river levels fall", "museum opens wing", "ferry strike ends"]  # fmt: skip
    for i, title in enumerate(fillers * 3):
        index.assign(f"f{i}", story_terms(f"{title} {i}"), i * 60.0)
    trump = {"n:donald trump"}
    first = index.assign("t1", with_entity_terms(story_terms("Trump attacks media"), trump), 2000.0)
    second = index.assign("t2", with_entity_terms(story_terms("Trump plays golf"), trump), 2060.0)
    assert second != first
    assert not [merge for merge in index.merge_similar() if {"t1", "t2"} <= set(merge)]


def test_a_large_story_is_joined_by_its_name_alone():
    """A story of `LARGE_STORY_ARTICLES` has shown what it is about: "Snowden Inc." shares
    only its name with it and joins, where a smaller story asks for two shared words."""
    from newsbeam.transforms.stories.story_index import LARGE_STORY_ARTICLES

    reports = SNOWDEN + [
        "Snowden video link draws SXSW crowd in Austin",
        "Snowden speaks at SXSW via robot",
    ]
    assert len(reports) == LARGE_STORY_ARTICLES
    for size, joins in ((LARGE_STORY_ARTICLES, True), (LARGE_STORY_ARTICLES - 1, False)):
        index = StoryIndex(join_threshold=0.05)  # the cosine is not what decides here
        assert set(_assign(index, reports[:size])) == {"a0"}, "the reports make one story"
        assert (index.assign("new", story_terms("Snowden Inc."), HOUR) == "a0") is joins


def test_a_fragment_carrying_a_large_story_s_name_merges_into_it():
    """What a join allows a merge allows, whichever of the two a batch touched: a story
    opened by an article that came before the large story had its name merges into it."""
    from newsbeam.transforms.stories.story_index import LARGE_STORY_ARTICLES

    reports = SNOWDEN + [
        "Snowden video link draws SXSW crowd in Austin",
        "Snowden speaks at SXSW via robot",
    ]
    assert len(reports) == LARGE_STORY_ARTICLES
    for earlier_batch in (False, True):
        index = StoryIndex(merge_threshold=0.05)  # the cosine is not what decides here
        assert index.assign("f", story_terms("Snowden Inc."), 0.0) == "f"
        if earlier_batch:  # the fragment is not among the stories the next batch touches
            assert index.merge_similar() == []
        assert set(_assign(index, reports, start=60.0)) == {"a0"}, "one word does not join"
        assert index.merge_similar() == [Merge(merged="a0", continues="f")]
    # The large story first, the fragment kept out of it by a strict join, then merged.
    index = StoryIndex(merge_threshold=0.05)
    assert set(_assign(index, reports)) == {"a0"}
    assert index.merge_similar() == []
    index.join_threshold = 0.99
    assert index.assign("f", story_terms("Snowden Inc."), HOUR) == "f"
    assert index.merge_similar() == [Merge(merged="f", continues="a0")]


def test_a_large_story_s_names_and_places_as_terms_are_no_name_of_it():
    """Persons and places are terms of the vector, but a subject all the same: an article
    sharing only the name of a large story's main person does not join it by that name."""
    president = {"n:donald trump"}
    reports = [
        "White House announces steel tariffs on allies",
        "Steel tariffs anger European allies",
        "Allies vow response to steel tariffs",
        "Canada hits back at steel tariffs",
        "Markets fall as steel tariffs widen",
    ]
    index = StoryIndex(join_threshold=0.05)  # the cosine is not what decides here
    for n, report in enumerate(reports):
        assert (
            index.assign(f"r{n}", with_entity_terms(story_terms(report), president), n * 60.0)
            == "r0"
        )
    golf = with_entity_terms(story_terms("Weekend golf at Mar-a-Lago"), president)
    assert index.assign("golf", golf, HOUR) == "golf"
