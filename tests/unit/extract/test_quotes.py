"""Quotations and their speakers; scare quotes and unattributed ones left out."""

import pytest

from newsbeam.transforms.extract.quotes import find_quotes

PERSONS = ["Morgan Ortagus", "Grace Wanjiru", "Owen Dempsey", "Kevin Mayer", "Erin Nealy Cox"]


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


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        (  # the quotation after an attributed one, in its paragraph, goes on in its voice
            "“We will see the industry shake out a bit,” Mayer said. “We are the disruptor "
            "in this industry.”\n“Another paragraph starts with a quotation,” she said.",
            ["Kevin Mayer", "Kevin Mayer"],
        ),
        (  # the verb may be followed by more than punctuation
            "“That goes a long way with this team,” Mayer said before the game on Tuesday.",
            ["Kevin Mayer"],
        ),
        (  # the name, what the speaker is, then the verb
            "“This is mainly due to the change in wind direction,” Kurinji Selvaraj, a "
            "research analyst at the Council on Energy, Environment and Water, said.",
            ["Kurinji Selvaraj"],
        ),
        (  # an attribution of many words naming a person of the article
            '"We believe that justice has been served in this case," said U.S. Attorney for '
            "the Northern District of Texas Erin Nealy Cox.",
            ["Erin Nealy Cox"],
        ),
        (  # of two persons in one attribution, the one named last spoke
            '"Organics are very important for life," Grace Wanjiru colleague Owen Dempsey said.',
            ["Owen Dempsey"],
        ),
        (  # words before the name that open in lower case are no part of it
            "“The people of this country aren’t buying” impeachment, Trump said at a rally.",
            ["Trump"],
        ),
    ],
)
def test_speakers_as_news_writes_them(text, speakers):
    assert [quote["speaker"] for quote in find_quotes(text, PERSONS)] == speakers


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
        '"This incident was a black eye on us all," working in federal prisons, she said.',
        '"It is gratifying to watch your job done," about which he said little.',
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


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        (  # the quotation ends its sentence: the next sentence's subject did not say it
            'Wanjiru said: "We will win this fight easily." Ortagus said the claim was false.',
            ["Grace Wanjiru"],
        ),
        (
            'Wanjiru said: "The plan will not work this year." Analysts noted the risks.',
            ["Grace Wanjiru"],
        ),
        (  # another sentence between: the second quotation is not the first's voice
            "“The plan will not work this year,” Wanjiru said. Ortagus disagreed. “It is time "
            "to move on now.”",
            ["Grace Wanjiru"],
        ),
        (  # "!" and "?" close a quotation its attribution follows
            "“We will rebuild every bridge here!” Ortagus tweeted before Election Day.",
            ["Morgan Ortagus"],
        ),
    ],
)
def test_a_new_sentence_after_a_quotation_is_not_its_attribution(text, speakers):
    """Found by a second reading of the rules that let an attribution go on after its
    verb and a quotation continue in the last speaker's voice."""
    assert [quote["speaker"] for quote in find_quotes(text, PERSONS)] == speakers
