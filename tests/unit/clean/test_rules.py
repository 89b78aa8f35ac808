"""Cleaning rules: boilerplate lines out, the story kept, text normalised.

The properties run on whatever the web sends: a crash fails a whole bundle, and a
non-idempotent rule makes re-runs disagree (content hashes and ids depend on the text).
"""

from __future__ import annotations

import string
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from newsbeam.transforms.clean.rules import (
    _CONTROL,
    _INVISIBLE,
    clean_text,
    is_boilerplate_line,
    word_count,
)
from tests.support.properties import FAST, THOROUGH

ARTICLE = """Officials in Nairobi said on Monday that rainfall had been below average for a third season.

Read: Drought Deepens In Northern Kenya

The ministry estimates that 2.1 million people need food aid.

Also Read | Kenya Seeks Emergency Funding From Donors

READ MORE: Farmers Turn To Drought-Resistant Crops

Aid agencies warned that the situation could worsen before the long rains.
(With ANI Inputs; Image Credit - PTI)"""


def test_related_link_and_credit_lines_are_removed_and_the_story_kept():
    cleaned = clean_text(ARTICLE)
    assert "Read" not in cleaned and "Credit" not in cleaned and "ANI" not in cleaned
    assert cleaned.split("\n\n") == [
        "Officials in Nairobi said on Monday that rainfall had been below average for a third "
        "season.",
        "The ministry estimates that 2.1 million people need food aid.",
        "Aid agencies warned that the situation could worsen before the long rains.",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Read: Armenia Agrees To Observe Russia-brokered Humanitarian Ceasefire In Nagorno-Karabakh",
        "(With ANI Inputs; Image Credit - PTI)",
        "Inputs: ANI/ Image: AP",
        "(With inputs from agencies)",
        "Image Credit: Reuters",
        "Photo: AFP",
        "Related: Five things to know about the vote",
        "WATCH: Minister speaks to reporters",
    ],
)
def test_boilerplate_lines(line):
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Read the full statement on the ministry's website, officials said.",
        "Inputs to the model include rainfall and temperature.",
        "Photographers gathered outside the court on Tuesday.",
        "Readers wrote in to complain about the decision.",
        "Ganja Attack",
    ],
)
def test_story_lines_that_resemble_boilerplate_are_kept(line):
    assert not is_boilerplate_line(line)
    assert clean_text(line) == line


def test_a_long_paragraph_starting_like_a_link_is_kept():
    paragraph = "Read: " + "the committee said the report would be published next week. " * 5
    assert clean_text(paragraph) == paragraph.strip()


def test_credit_glued_to_the_last_sentence_is_cut():
    text = "The rains are expected in April.(With ANI Inputs; Image Credit - PTI)"
    assert clean_text(text) == "The rains are expected in April."


def test_unicode_and_whitespace_are_normalised():
    text = "Prices\u00a0rose\u200b  by 5\u2009%\r\n\r\n\r\n\r\nthe ﬁnal  figure\tsaid."
    assert clean_text(text) == "Prices rose by 5 %\n\nthe final figure said."


def test_control_characters_are_removed():
    assert clean_text("Hello\x00 world\x1b!") == "Hello world !"


def test_word_count_counts_hyphenated_and_apostrophe_words_once():
    assert word_count("Russia-brokered ceasefire isn't holding, officials said.") == 6


# --- properties ----------------------------------------------------------------------------

# Pieces that real article text is made of, and the odd characters the rules target: mixed
# into arbitrary text they reach code paths plain random text almost never does.
_FRAGMENTS = [
    "\n",
    "\r\n",
    "\r",
    "\n\n\n",
    " ",
    "\t",
    "\u00a0",
    "\u3000",
    "\x00",
    "\x0b",
    "\x85",
    "\u200b",
    "\u00ad",
    "\ufeff",
    "\u2060",
    "\u0301",
    "\u0327",
    "e",
    "ﬁ",
    "①",
    "Ｒｅａｄ",
    "Read: ",
    "Also Read | ",
    "READ MORE - ",
    "Related: ",
    "Image Credit: PTI",
    "Photo: Reuters",
    "Inputs: ANI/ Image: AP",
    "(With ANI Inputs)",
    " (With ANI Inputs; Image Credit - PTI)",
    " (Image credit: AP)",
    "(Photo courtesy: X)",
    "Written by Jane",
    "Subscribe now",
    "Follow us",
    "The minister said ",
    "it's well-known ",
    "Kenya’s drought. ",
    "x" * 150,
]


article_text = st.lists(
    st.one_of(st.text(max_size=20), st.sampled_from(_FRAGMENTS)), max_size=25
).map("".join)


@FAST
@given(st.text())
def test_clean_text_never_raises_and_returns_text(text: str) -> None:
    """Any decoded file reaches clean_text; it must not fail the bundle."""
    assert isinstance(clean_text(text), str)


@THOROUGH
@given(article_text)
@example("e\u200b\u0301")  # found: ZWSP removed after NFKC left "e" + accent uncomposed
@example("(With Input)(With Input)")  # found: only the last of two credits was removed
@example("Read: " + "a" * 150 + " (With ANI Inputs)")  # found: boilerplate once uncredited
def test_clean_text_is_idempotent(text: str) -> None:
    """Re-cleaning stored text must not change it: content hashes and ids depend on it."""
    once = clean_text(text)
    assert clean_text(once) == once


@THOROUGH
@given(article_text)
@example("e\u00ad\u0327 \x00\u200b\r\n\t")
def test_cleaned_text_has_no_control_or_invisible_characters(text: str) -> None:
    """Control and zero-width characters are removed; only newlines remain as line breaks."""
    cleaned = clean_text(text)
    assert not _CONTROL.search(cleaned)
    assert not _INVISIBLE.search(cleaned)
    assert "\r" not in cleaned and "\t" not in cleaned
    assert "\n\n\n" not in cleaned
    assert cleaned == cleaned.strip()
    assert unicodedata.is_normalized("NFKC", cleaned)


@THOROUGH
@given(article_text)
def test_cleaned_text_keeps_no_boilerplate_line(text: str) -> None:
    """Every line the rules call boilerplate is gone, including one a trailing credit hid."""
    for line in clean_text(text).split("\n"):
        assert line == line.strip()
        assert not is_boilerplate_line(line), line


@THOROUGH
@given(article_text)
def test_cleaning_only_grows_text_by_compatibility_decomposition(text: str) -> None:
    """NFKC may expand a character ("ﬁ" -> "fi"); nothing else makes text longer."""
    assert len(clean_text(text)) <= len(unicodedata.normalize("NFKD", text))


@FAST
@given(st.text(alphabet=string.printable))
def test_ascii_text_never_grows(text: str) -> None:
    """For ASCII, where normalisation is the identity, cleaning only removes."""
    assert len(clean_text(text)) <= len(text)


_word = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=12)


_line = st.lists(_word, min_size=0, max_size=12).map(" ".join)


@FAST
@given(st.lists(_line, max_size=12), st.sampled_from(["\n", "\r\n", "\n\n"]))
def test_word_count_keeps_every_word_of_story_lines(lines: list[str], newline: str) -> None:
    """Cleaning drops whole boilerplate lines only: every other line keeps all its words."""
    expected = sum(len(line.split()) for line in lines if not is_boilerplate_line(line))
    assert word_count(clean_text(newline.join(lines))) == expected


def test_a_title_over_the_bound_is_cut_at_a_word_and_marked():
    from newsbeam.transforms.clean.rules import TITLE_CUT_MARK, clean_title

    assert clean_title("  Floods   in\nLima ", 500) == ("Floods in Lima", False)
    assert clean_title(None, 500) == (None, False)
    # An HTML-typed feed title in CDATA keeps its references; a name that is no reference stays.
    assert clean_title("The UK&#8217;s AT&amp;T &xyzzy; R&D", 500) == (
        "The UK’s AT&T &xyzzy; R&D",
        False,
    )
    assert clean_title(" \n ", 500) == (None, False)
    title, cut = clean_title("Floods rising, " * 100_000, 60)
    assert cut and len(title) <= 60 and title.endswith(TITLE_CUT_MARK)
    assert title == "Floods rising, " * 3 + "Floods rising" + TITLE_CUT_MARK  # no ", …"
    assert clean_title("Floods rising fast", 12) == ("Floods…", True)  # not "Floods risi…"
    title, cut = clean_title("x" * 1_000, 60)  # one word: cut inside it
    assert (title, cut) == ("x" * 59 + TITLE_CUT_MARK, True)
    assert clean_title("a" * 60, 60) == ("a" * 60, False)  # at the bound: kept whole


@given(st.text(max_size=3_000), st.integers(min_value=2, max_value=400))
@FAST
def test_a_clean_title_is_bounded_and_a_prefix_of_the_normalised_title(title, bound):
    from newsbeam.transforms.clean.rules import TITLE_CUT_MARK, clean_title

    cleaned, cut = clean_title(title, bound)
    normalised = " ".join(unicodedata.normalize("NFKC", title).split())
    if not cut:
        assert cleaned == (normalised or None)
    else:
        assert len(cleaned) <= bound
        assert normalised.startswith(cleaned.removesuffix(TITLE_CUT_MARK))
