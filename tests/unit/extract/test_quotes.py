"""Quotations and their speakers; scare quotes and unattributed ones left out."""

import pytest

from newsbeam.transforms.extract.quotes import find_quotes

PERSONS = ["Morgan Ortagus", "Grace Wanjiru", "Owen Dempsey"]


@pytest.mark.parametrize(
    ("text", "speaker", "quote"),
    [
        (
            '"We remain committed to peace in the region," Ortagus said.',
            "Morgan Ortagus",
            "We remain committed to peace in the region",
        ),
        (
            "Ortagus added, “We remain committed to a peaceful settlement”.",
            "Morgan Ortagus",
            "We remain committed to a peaceful settlement",
        ),
        (
            '"The rains have failed for a third season", said Grace Wanjiru on Monday.',
            "Grace Wanjiru",
            "The rains have failed for a third season",
        ),
        (
            '"Both sides must stop fighting at once," the UN statement read.',
            "UN statement",
            "Both sides must stop fighting at once",
        ),
        (
            '"He will call both leaders tomorrow", said UN leader\'s spokesperson.',
            "UN leader's spokesperson",
            "He will call both leaders tomorrow",
        ),
        (
            '"The rains have failed for a third season," said Dr. Grace Wanjiru.',
            "Grace Wanjiru",  # the dot of "Dr." ends no attribution
            "The rains have failed for a third season",
        ),
        (
            'Doctors must "take really detailed histories" of patients, Dempsey said.',
            "Owen Dempsey",  # the clause before the comma is no part of the speaker
            "take really detailed histories",
        ),
    ],
)
def test_attributed_quotations(text, speaker, quote):
    assert find_quotes(text, PERSONS) == [{"speaker": speaker, "text": quote}]


@pytest.mark.parametrize(
    "text",
    [
        'The shelling was a "war crime" and a "grave violation", officials said.',  # scare quotes
        '"Everyone must leave the village now," he said.',  # a pronoun names nobody
        'Protesters carried signs with "No to the new mine in our valley" through town.',
        'The report is called "Water for every county in Kenya" and runs long.',
    ],
)
def test_scare_quotes_and_unattributed_quotations_are_left_out(text):
    assert find_quotes(text, PERSONS) == []


def test_a_speaker_not_found_among_the_persons_keeps_the_name_after_its_title():
    text = '"We are highly impressed with the facilities here," said Dr. Ashish Babhulkar.'
    assert find_quotes(text) == [
        {
            "speaker": "Dr Ashish Babhulkar",
            "text": "We are highly impressed with the facilities here",
        }
    ]


@pytest.mark.parametrize(
    "text",
    [
        'I almost wrote "for large amounts of writing" in the paragraph above.',
        'As the licence warned, "The entire risk is with you and nobody else."',
        '"Why would you ever want to turn a server off?" he reportedly asked.',
        '"Except maybe the words that he wrote."\nIn 1997, Elise wrote, she met him.',
    ],
)
def test_a_clause_is_no_speaker_nor_is_the_next_paragraph(text):
    """Real feeds' misreadings: a pronoun or conjunction opening the words before the verb,
    or an attribution of the next paragraph."""
    assert find_quotes(text, PERSONS) == []


def test_mismatched_marks_do_not_swallow_the_next_quotation():
    text = (
        "Both had an obligation under “international humanitarian“ law. "
        '"The sides must stop fighting and return to talks," the UN statement read.'
    )
    assert find_quotes(text) == [
        {"speaker": "UN statement", "text": "The sides must stop fighting and return to talks"}
    ]
