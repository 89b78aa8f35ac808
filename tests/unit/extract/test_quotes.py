"""Quotations and their speakers; scare quotes and unattributed ones left out."""

import pytest

from newsbeam.transforms.extract.quotes import find_quotes

PERSONS = ["Morgan Ortagus", "Grace Wanjiru"]


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


def test_mismatched_marks_do_not_swallow_the_next_quotation():
    text = (
        "Both had an obligation under “international humanitarian“ law. "
        '"The sides must stop fighting and return to talks," the UN statement read.'
    )
    assert find_quotes(text) == [
        {"speaker": "UN statement", "text": "The sides must stop fighting and return to talks"}
    ]
