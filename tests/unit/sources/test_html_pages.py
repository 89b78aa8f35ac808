"""Article pages: the main text and metadata, and titles without the site's name."""

import pytest

from newsbeam.transforms.sources.html_pages import extract_page, strip_site_suffix

PAGE = """<!doctype html><html lang="en-GB"><head>
<title>Reef survey finds coral recovering | Southern Cross Herald</title>
<meta property="og:site_name" content="Southern Cross Herald">
<meta property="og:title" content="Reef survey finds coral recovering">
<meta name="author" content="Mia Clarke">
<meta property="article:published_time" content="2025-03-05T02:15:00Z">
<link rel="canonical" href="https://herald.test/environment/reef-survey">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Reef survey finds coral recovering</h1>
<p>Marine scientists in Queensland said on Wednesday that coral cover on parts of the Great
Barrier Reef had recovered faster than expected after two years without a major bleaching.</p>
<p>The survey, carried out by the Australian Institute of Marine Science off Cairns, counted
hard coral on 86 reefs and found the highest cover since monitoring began in 1986.</p>
<p>Researchers cautioned that the gains were fragile and could be reversed by a single hot
summer, and urged Australia to cut emissions faster.</p></article>
<aside><h2>Related stories</h2><ul><li><a href="/a">Floods in Brisbane</a></li></ul></aside>
<footer>Copyright 2025 Southern Cross Herald. All rights reserved.</footer>
</body></html>"""


def test_page_text_and_metadata():
    page = extract_page(PAGE)
    assert page.title == "Reef survey finds coral recovering"
    assert page.author == "Mia Clarke"
    assert page.published == "2025-03-05T02:15:00Z"
    assert page.url == "https://herald.test/environment/reef-survey"
    assert page.language == "en"
    assert page.sitename == "Southern Cross Herald"
    assert page.text.startswith("Marine scientists in Queensland")
    assert "Copyright" not in page.text and "Related stories" not in page.text
    assert "Home" not in page.text


@pytest.mark.parametrize(
    ("site_name", "outlet"),
    [
        ("https://www.hawaiinewsnow.com", "hawaiinewsnow.com"),  # real pages' og:site_name
        ("Copyright 2014", None),
        ("© 2019 Southern Cross Herald", "Southern Cross Herald"),
        ("Copyright (c) 2010-2014", None),
        ("HTTPS://www.x.test/", "x.test"),
        ("www.liberation.fr", "liberation.fr"),  # a real page's og:site_name
        ("© 2024 Hearst Magazine Media, Inc. All Rights Reserved.", "Hearst Magazine Media, Inc"),
        ("Copyright (c) 2019 by Gannett", "Gannett"),
        ("Copyright Clearance Center", "Copyright Clearance Center"),
        ("Southern Cross Herald", "Southern Cross Herald"),
    ],
)
def test_a_site_name_that_is_a_url_or_a_copyright_is_no_outlet_s_name(site_name, outlet):
    page = extract_page(PAGE.replace('content="Southern Cross Herald"', f'content="{site_name}"'))
    assert page.sitename == outlet


def test_title_without_og_metadata_loses_the_site_suffix():
    page = extract_page(PAGE.replace(PAGE.split("\n")[3], ""))
    assert page.title == "Reef survey finds coral recovering"


@pytest.mark.parametrize(
    ("title", "site", "host", "expected"),
    [
        (
            "Obama admits US gun laws are his 'biggest frustration' - BBC News",
            "BBC News",
            None,
            "Obama admits US gun laws are his 'biggest frustration'",
        ),
        ("Markets rally | CNN", None, "edition.cnn.com", "Markets rally"),
        ("Markets rally | CNN", None, "cnn.com", "Markets rally"),
        ("Markets rally | Business | Reuters", "Reuters", None, "Markets rally | Business"),
        (
            "Q&A: what the vote means - analysis",
            "Reuters",
            None,
            "Q&A: what the vote means - analysis",
        ),
        ("Reuters", "Reuters", None, "Reuters"),
        # Real: a site name with accents and its domain (aktualne.cz, Readability's set).
        ("West Ham hrozí gigantům | Aktuálně.cz", None, "sport.aktualne.cz", "West Ham hrozí gigantům"),
        # Real: the site name before the headline (goose3's TechCrunch page).
        ("TechCrunch | 2005 Zuckerberg Didn't Want It", "TechCrunch", None, "2005 Zuckerberg Didn't Want It"),
        ("Apple | Markets rally", None, "news.test", "Apple | Markets rally"),
        # A host's label is no name before a headline: a topic's kicker stays.
        ("Politics - Senate passes bill", None, "politics.example.com", "Politics - Senate passes bill"),
        # Real (goose3's CNA page): a suffix in two scripts is the site by its Latin letters.
        ("鄭文燦：多元方案解決蛋荒 | 政治 | 中央社 CNA", None, "www.cna.com.tw", "鄭文燦：多元方案解決蛋荒 | 政治"),
    ],
)  # fmt: skip
def test_strip_site_suffix(title, site, host, expected):
    assert strip_site_suffix(title, site, host) == expected


def test_a_heading_the_title_element_does_not_bear_out_gives_way_to_it():
    """Real (WebMD, Readability's set): the page's heading is a section's name; with no
    headline in the metadata, the `<title>` is what the publisher called the page. A
    heading the `<title>` contains is kept (it is the title without the site's name)."""
    body = "<p>" + "Early peanut feeding lowered allergy rates in a large trial. " * 20 + "</p>"
    section = (
        "<html><head><title>Babies Who Eat Peanuts Early May Avoid Allergy</title></head>"
        f"<body><h1>Allergies Health Center</h1><article>{body}</article></body></html>"
    )
    assert extract_page(section.encode()).title == "Babies Who Eat Peanuts Early May Avoid Allergy"
    borne_out = section.replace(
        "<title>Babies", "<title>Vortex Cannon Entertainment – Babies"
    ).replace("Allergies Health Center", "Babies Who Eat Peanuts Early May Avoid Allergy")
    assert (
        extract_page(borne_out.encode()).title == "Babies Who Eat Peanuts Early May Avoid Allergy"
    )
    # A `<title>` that is only the site's name, shorter than the heading, or no words at
    # all gives way to the heading.
    for page_title in ("CNN", "Babies Who Eat…", "—"):
        only_site = section.replace(
            "<title>Babies Who Eat Peanuts Early May Avoid Allergy</title>",
            f"<title>{page_title}</title><meta property='og:site_name' content='CNN'>",
        ).replace("Allergies Health Center", "Babies Who Eat Peanuts Early May Avoid Allergy")
        title = extract_page(only_site.encode()).title
        assert title == "Babies Who Eat Peanuts Early May Avoid Allergy", page_title


def test_a_page_without_text_is_none():
    assert extract_page("<html><body></body></html>") is None


def test_undeclared_utf8_is_not_read_as_latin1():
    page = extract_page(PAGE.replace("coral recovering", "Māori coral recovering").encode())
    assert page.title == "Reef survey finds Māori coral recovering"


def test_declared_charset_is_honoured():
    latin = PAGE.replace("<head>", '<head><meta charset="iso-8859-1">').replace(
        "Cairns", "Cairns à"
    )
    page = extract_page(latin.encode("iso-8859-1"))
    assert "Cairns à" in page.text


def _authored(author=None, *, lang="en-GB", head="", byline=""):
    """PAGE with another `<meta name="author">` (none: no author meta), language, head
    elements and a byline above the article."""
    meta = f'<meta name="author" content="{author}">' if author else ""
    return (
        PAGE.replace('<meta name="author" content="Mia Clarke">', meta + head)
        .replace('lang="en-GB"', f'lang="{lang}"')
        .replace("<article>", f"{byline}<article>")
    )


_CLAIM_REVIEW = """<script type="application/ld+json">{"@context": "https://schema.org",
"@type": "ClaimReview", "author": {"@type": "Organization", "name": "Reef Check Desk"},
"itemReviewed": {"@type": "CreativeWork",
"author": {"@type": "Person", "name": "The Northern and Southern fishing boards"}}}</script>"""


@pytest.mark.parametrize(
    ("page", "author"),
    [
        # A byline's label in the page's language: "Текст:", "Par".
        (_authored("Текст: Анна Петрова", lang="ru"), "Анна Петрова"),
        (_authored("Par Claire Dubois", lang="fr"), "Claire Dubois"),
        (_authored(byline='<p class="byline">Analysis by Mia Clarke</p>'), "Mia Clarke"),
        # The site's host given as the author ("herald.test", "herald com").
        (_authored("herald.test"), None),
        (_authored("Mia Clarke, heraldnews.com"), "Mia Clarke"),
        # A title or letters after a name, or a title alone.
        (_authored("Mia Clarke, AP Science Writer"), "Mia Clarke"),
        (_authored("Mia Clarke, MS, RDN"), "Mia Clarke"),
        (_authored("Staff Writer"), None),
        (_authored("Mia Clarke is a reporter covering the reef"), "Mia Clarke"),
        # The page's interface.
        (_authored("You're logged in as Member"), None),
        # A user name, capitalised by trafilatura and without its digits.
        (_authored(byline='<div class="author-name">reefdesk42</div>'), None),
        (_authored(byline='<div class="author-name">reefdesk</div>'), None),
        # A date: its label, or its month left closing the name once the digits are gone.
        (_authored("Last Updated: March 4"), None),
        (_authored("Reef Desk Published 4 March"), "Reef Desk"),
        (_authored(byline='<p class="byline">By Mia Clarke<br>March 14, 2025</p>'), "Mia Clarke"),
        # A link after the name, an initial split off, a name twice.
        (_authored("Mia Clarke http://mia.example/about"), "Mia Clarke"),
        (_authored("Mia Clarke & i"), "Mia Clarke"),
        (_authored("Mia Clarke, MIA CLARKE"), "Mia Clarke"),
        # The author of the claim a fact check reviews is not the page's.
        (
            _authored(
                head=_CLAIM_REVIEW,
                byline='<h4 class="author">The Northern and Southern fishing boards</h4>',
            ),
            None,
        ),
    ],
)
def test_what_is_no_name_is_no_author(page, author):
    assert extract_page(page).author == author


@pytest.mark.parametrize(
    ("page", "author"),
    [
        (_authored("Theresa May"), "Theresa May"),
        # A month closing a name with no day after it on the page.
        (_authored(byline='<p class="byline">By Mary Ann May</p>'), "Mary Ann May"),
        # One word the page writes as it is: a name, not a user name.
        (_authored(byline='<div class="author-name">Regan</div>'), "Regan"),
        # A wire's name in capitals.
        (_authored(byline='<div class="author-name">REUTERS</div>'), "REUTERS"),
        # A wire credited beside the reporter; "Par" is a label on French pages only.
        (_authored("Mia Clarke, Associated Press"), "Mia Clarke; Associated Press"),
        (_authored("Par Lagerkvist"), "Par Lagerkvist"),
    ],
)
def test_names_stay_authors(page, author):
    assert extract_page(page).author == author


_STORY = (
    "The drama's villain, played with relish, carries a story that would otherwise sag "
    "under its twists; the critics agree that the second half is the stronger one, and "
    "the ratings rose each week as viewers came back for her scenes in the courtroom."
)


def test_a_page_saved_without_its_address_loses_its_site_suffix_by_its_links():
    """Read as a file, a page has no URL and this one no canonical link or site name (its
    heading is a section's): its images say where it comes from, and " - Entermedia" goes
    (it went only when the page was read from a web archive, with its address)."""
    body = "".join(f"<p>{_STORY}</p>" for _ in range(2))

    def page(image_host: str) -> str:
        images = "".join(f'<img src="http://{image_host}/photo/{n}.jpg">' for n in range(3))
        return (
            "<html><head><title>Villain-hero drama, and why it works - Entermedia</title>"
            f"</head><body><header><h1>Culture Desk</h1></header><article>{images}{body}"
            '</article><a href="https://twitter.com/share">Share</a></body></html>'
        )

    assert extract_page(page("entermedia.co.kr")).title == "Villain-hero drama, and why it works"
    assert extract_page(page("cdn.example.net")).title.endswith(" - Entermedia")


@pytest.mark.parametrize("name", ["山田太郎", "김민수", "肖春芳"])
def test_a_name_of_one_word_in_a_script_without_case_is_no_user_name(name):
    """Chinese, Japanese and Korean names are one word that no case marks as a name: the
    user-name rule (a word the page writes in lower case only) cannot apply to them."""
    import lxml.html

    from newsbeam.transforms.sources.page_authors import page_authors

    html = f"<html><body><p>記者 {name} 報道</p></body></html>"
    assert page_authors(name, lxml.html.fromstring(html), html, language="zh") == name
