import pytest

from newsbeam.transforms.clean.rules import clean_text, is_boilerplate_line, word_count

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
