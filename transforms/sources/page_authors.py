"""A page's authors: trafilatura's byline without what it took for a name and is none.

trafilatura reads the byline from the page's metadata and from elements it guesses hold it,
splits it at commas, "and", "/" and the like, drops digits and title-cases what is left. What
comes back is often more than names (seen on real pages):

- a byline's label in the page's language: "Текст: Венера Ерофеева", "Par Lilian Alemagna";
- a title after a name of its own: "Tom Krisher, AP Auto Writer"; letters after a name:
  "Ilana Muhlstein, MS, RDN";
- the site's host given as a name: `<meta name="author" content="lefigaro.fr">` ("Lefigaro Fr");
- the page's interface: "You're logged in as Account" ("Account You're logged");
- a user name, capitalised and without its digits: "jdadmin", "rmb8090" ("Jdadmin", "Rmb");
- an initial split off ("Mac & i": "Mac; I"), a name twice in different case;
- a link after the name: "Bradley M. Kuhn (http://ebb.org/bkuhn/)" ("Bradley M Kuhn http;
  Ebb Org; Bkuhn");
- a date after the name, its digits gone: "Nathan Willis March 25, 2015" ("Nathan Willis March");
- the author of what a fact check reviews (a ClaimReview's `itemReviewed`), not the page's.

Each is dropped here, by the words of `data/byline_words.tsv`; dates trafilatura split off as
names of their own ("Jeff Foust Monday; November") are `split_authors`' (article_files).
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

import lxml.html

from newsbeam.transforms.sources.written_dates import full_names

__all__ = ["page_authors"]

# Hosts' last labels that no name ends with: "Cleveland com" is cleveland.com.
_GENERIC_DOMAINS = frozenset({"com", "org", "net", "info", "biz"})
# Where a JSON-LD document names what the page is about rather than the page itself: the
# claim a ClaimReview checks, a reviewed book, a comment, a cited work.
_FOREIGN_KEYS = frozenset({"itemReviewed", "review", "comment", "citation", "isBasedOn"})
_BIO = re.compile(r"^(.+?)\s+(?:is|was)\s+(?:a|an|the)\s", re.IGNORECASE)
_MONTHS = full_names("month", "en")
# A link after the name, its punctuation gone: "Bradley M. Kuhn (http://ebb.org/bkuhn/)" comes
# back as "Bradley M Kuhn http; Ebb Org; Bkuhn", the rest of the byline being the URL.
_URL_SCHEME = re.compile(r"(?:^|\s+)https?$", re.IGNORECASE)


@cache
def _words() -> dict[tuple[str, str], frozenset[str]]:
    """(kind, language) -> the casefolded words of `data/byline_words.tsv`."""
    path = resources.files(__package__).joinpath("data/byline_words.tsv")
    table: dict[tuple[str, str], set[str]] = {}
    for line in path.read_text("utf-8").splitlines()[1:]:
        if line.strip():
            kind, language, word = line.split("\t")
            table.setdefault((kind, language), set()).add(word.casefold())
    return {key: frozenset(words) for key, words in table.items()}


def _of(kind: str, language: str | None) -> frozenset[str]:
    """A kind's words in English and in the page's language: "Par" is a label on a French
    page only ("Par Lagerkvist" is a name)."""
    words = _words()
    return words.get((kind, "en"), frozenset()) | words.get((kind, language or "en"), frozenset())


def page_authors(
    byline: str | None,
    tree: lxml.html.HtmlElement | None = None,
    html: str | None = None,
    *,
    language: str | None = None,
    sitename: str | None = None,
    hostname: str | None = None,
) -> str | None:
    """trafilatura's byline ("A; B") with only names left, joined the same way; None when
    none is left. `tree` is the page's lxml tree and `html` its markup (None: the checks
    that read the page are skipped)."""
    if not byline:
        return byline
    page = _Page(tree, html)
    hosts = _host_names(sitename, hostname)
    kept: list[str] = []
    for name in (part.strip() for part in byline.split(";")):
        name = _without_label(name, language)
        if not name or (kept and _describes_previous(name)):
            continue
        if _is_date(name, language) or _is_interface(name) or _is_title(name):
            continue
        if _squashed(name) in hosts or _last_word(name) in _GENERIC_DOMAINS:
            continue
        if len(name) == 1 or page.reviewed(name) or page.user_name(name):
            continue
        name = _without_trailing_date_word(name, language)
        name = page.without_trailing_month(name)
        if (bio := _BIO.match(name)) is not None:
            name = bio.group(1)
        url = _URL_SCHEME.search(name)
        if url is not None:
            name = name[: url.start()]
        if name and name.casefold() not in {known.casefold() for known in kept}:
            kept.append(name)
        if url is not None:
            break
    return "; ".join(kept) or None


def _without_label(name: str, language: str | None) -> str:
    """ "Текст Венера Ерофеева" -> "Венера Ерофеева", "Analysis by Chris Cillizza" -> "Chris
    Cillizza"; a label alone ("作者") -> "", in any language when the page's is unknown."""
    folded = name.casefold()
    if language is None and any(
        folded in words for (kind, _), words in _words().items() if kind == "label"
    ):
        return ""
    for label in sorted(_of("label", language), key=len, reverse=True):
        if folded == label:
            return ""
        if folded.startswith(label) and (rest := name[len(label) :]) and not rest[0].isalnum():
            return rest.strip(" :,.-–—")
    return name


def _describes_previous(name: str) -> bool:
    """A title or letters after a name, split off as a name of their own: "AP Auto Writer",
    "CNN Editor-at-large", "Staff writer" after "Tom Krisher"; "MS", "RDN" after "Ilana
    Muhlstein"."""
    return _last_word(name) in _of("role", None) or name.casefold() in _of("credential", None)


def _is_title(name: str) -> bool:
    """A job title with no name: "Staff Writer", "Senior Editor"."""
    words = [word.casefold() for word in name.split()]
    qualifiers = _of("qualifier", None)
    return words[-1] in _of("role", None) and all(word in qualifiers for word in words[:-1])


def _is_date(name: str, language: str | None) -> bool:
    """ "Last Updated January 7": a date's label opens it."""
    folded = name.casefold()
    return any(folded == label or folded.startswith(label + " ") for label in _of("date", language))


def _without_trailing_date_word(name: str, language: str | None) -> str:
    """ "Detroit News wire services Published" -> "Detroit News wire services"."""
    words = name.split()
    if len(words) > 1 and words[-1].casefold() in _of("date", language):
        return " ".join(words[:-1])
    return name


def _is_interface(name: str) -> bool:
    """Words of the page's interface: "Account You're logged", "Username", "Follow Author"."""
    interface = _of("interface", None)
    return any(word in interface for word in re.findall(r"[\w'’]+", name.casefold()))


def _host_names(sitename: str | None, hostname: str | None) -> frozenset[str]:
    """The site's host and domain with their dots ("lefigarofr" for www.lefigaro.fr), and
    the site's name when it is a host ("elmundo.es"): a name credited as the author that
    spells a host is the site, not a person. The site's name as such ("CNN") is an
    organisation's credit and stays."""
    names = set()
    if hostname:
        host = hostname.casefold().removeprefix("www.")
        names |= {_squashed(host), _squashed(".".join(host.split(".")[-2:]))}
    if sitename and "." in sitename and " " not in sitename.strip():
        names.add(_squashed(sitename))
    names.discard("")
    return frozenset(names)


def _last_word(name: str) -> str:
    words = name.split()
    return words[-1].casefold() if words else ""


def _squashed(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


class _Page:
    """What a page says that a byline's words are checked against: its markup (`html`) and
    its lxml tree; nothing without them."""

    def __init__(self, tree, html: str | None) -> None:
        self._tree = tree
        self._html = html
        self._text: str | None = None
        self._reviewed: list[list[str]] | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = " ".join(self._tree.itertext()) if self._tree is not None else ""
        return self._text

    def user_name(self, name: str) -> bool:
        """A user name: one word the page never writes, whole and capitalised, as
        trafilatura returns it, which capitalised it and dropped its digits ("jdadmin" ->
        "Jdadmin", "rmb8090" -> "Rmb"). Names the page writes ("Regan", "PTI", "REUTERS"
        for "Reuters", in its text or its metadata) stay."""
        if " " in name or not self._html or name.lower() == name.upper():
            return False  # several words, or a script without case ("山田太郎"): a name
        written = re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", self._html, re.I)
        return not any(found.group()[0].isupper() for found in written)

    def without_trailing_month(self, name: str) -> str:
        """ "Nathan Willis March" -> "Nathan Willis" when the page writes "Willis ... March
        25": a month closing a name of two words or more, whose day follows it on the page
        ("Theresa May" is a name, and so is "Mary Ann May" where no day follows)."""
        words = name.split()
        if len(words) < 3 or words[-1].casefold() not in _MONTHS or not self.text:
            return name
        dated = rf"(?<!\w){re.escape(words[-2])}\W+{re.escape(words[-1])}\.?\s+\d"
        if re.search(dated, self.text, re.IGNORECASE):
            return " ".join(words[:-1])
        return name

    def reviewed(self, name: str) -> bool:
        """Whether the name is (part of) an author of what the page reviews or cites in its
        JSON-LD: "The Russian" and "Syrian defense ministries" from a ClaimReview's
        `itemReviewed` by "The Russian and Syrian defense ministries"."""
        if self._reviewed is None:
            self._reviewed = []
            if self._tree is not None:
                for script in self._tree.xpath('//script[@type="application/ld+json"]/text()'):
                    try:
                        data = json.loads(script)
                    except ValueError:
                        continue
                    for author in _foreign_authors(data, foreign=False):
                        self._reviewed.append(author.casefold().split())
        words = name.casefold().split()
        return any(_contains(author, words) for author in self._reviewed)


def _foreign_authors(data, *, foreign: bool):
    """Names of authors under a `_FOREIGN_KEYS` key, at any depth."""
    if isinstance(data, list):
        for item in data:
            yield from _foreign_authors(item, foreign=foreign)
    elif isinstance(data, dict):
        for key, value in data.items():
            if foreign and key in ("author", "creator"):
                yield from _names(value)
            yield from _foreign_authors(value, foreign=foreign or key in _FOREIGN_KEYS)


def _names(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _names(item)
    elif isinstance(value, dict) and isinstance(value.get("name"), str):
        yield value["name"]


def _contains(words: list[str], part: list[str]) -> bool:
    return bool(part) and any(
        words[start : start + len(part)] == part for start in range(len(words) - len(part) + 1)
    )
