"""Cleaning rules for article text and titles, all in one place.

News text arrives with web boilerplate that is not the article: related-link lines
("Read: ...", "Also Read | ..."), agency and image credits ("(With ANI Inputs; Image
Credit - PTI)", "Inputs: ANI/ Image: AP"), stray control and zero-width characters. The
rules below remove exactly those and keep every sentence of the story.

A title is a headline: a few dozen words at most. A source that puts a whole text (or a
megabyte of anything) in the title field still has an article; its title is cut at a word
boundary and marked with "…" rather than the article lost (see `clean_title`).
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = [
    "BOILERPLATE_LINES",
    "MAX_TITLE_CHARS",
    "TITLE_CUT_MARK",
    "clean_text",
    "clean_title",
    "is_boilerplate_line",
    "word_count",
]

MAX_TITLE_CHARS = 500
"""Default bound of a title, in characters: far above any headline (most are under 150)."""
TITLE_CUT_MARK = "…"
"""What a cut title ends with."""
_TITLE_TRIM = " ,;:-–—|/"
# A character reference with its closing semicolon ("&#8217;", "&amp;"): left in a title
# by an HTML-typed feed title in CDATA or by double escaping, never meant as text.
_CHARACTER_REFERENCE = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
)

# Whole lines that are never part of the story. Each is short by nature, so a long
# paragraph that happens to start the same way is never dropped (see _MAX_BOILERPLATE_CHARS).
BOILERPLATE_LINES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # Related-link lines: "Read: ...", "Also Read | ...", "READ MORE - ...", "Related: ..."
        r"^(?:also\s+)?(?:read|watch|see)(?:\s+(?:more|also|next|this))?\s*[:|\-–—]\s*\S",
        r"^(?:related|recommended|more on this|related (?:news|stories|articles))\s*[:|\-–—]",
        # Credit lines in parentheses: "(With ANI Inputs; Image Credit - PTI)"
        r"^\(\s*(?:with\s+)?(?:inputs?\s+from\s+|[\w .&/,-]{1,40}\s+inputs?\b)[^()]*\)$",
        r"^\(\s*(?:image|photo|picture|video)\s+(?:credit|courtesy|source)s?\b[^()]*\)$",
        # Bare credit lines: "Inputs: ANI/ Image: AP", "Image Credit: PTI", "Photo: Reuters"
        r"^(?:with\s+)?inputs?\s*[:\-–—]\s*\S",
        r"^(?:image|photo|picture|video)(?:\s+(?:credit|courtesy|source)s?)?\s*[:\-–—]\s*\S",
        r"^(?:edited by|written by|reporting by|compiled by)\s*[:\-–—]?\s*[A-Z]",
        # Social and subscription prompts.
        r"^(?:click here|subscribe|follow us|sign up|download the app)\b",
    )
)
_MAX_BOILERPLATE_CHARS = 160
# A credit glued to the end of the last sentence: "...civilians.(With ANI Inputs)".
_TRAILING_CREDIT = re.compile(
    r"\s*\(\s*(?:with\s+[^()]{0,60}\binputs?\b[^()]*|(?:image|photo)\s+credits?\b[^()]*)\)\s*$",
    re.IGNORECASE,
)
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff\u180e]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def is_boilerplate_line(line: str) -> bool:
    """True for a whole line that is a related link, a credit or a social prompt."""
    stripped = line.strip()
    if not stripped or len(stripped) > _MAX_BOILERPLATE_CHARS:
        return False
    return any(pattern.search(stripped) for pattern in BOILERPLATE_LINES)


def clean_text(text: str, drop_boilerplate: bool = True) -> str:
    """Normalises Unicode (NFKC) and whitespace and drops boilerplate lines (with
    `drop_boilerplate`).

    Paragraphs stay separated by one blank line; spacing inside a line collapses to one space.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Invisible characters go before NFKC: removed after, they could leave a letter and its
    # combining mark side by side, uncomposed, and a second cleaning would compose them.
    text = unicodedata.normalize("NFKC", _CONTROL.sub(" ", _INVISIBLE.sub("", text)))
    kept: list[str] = []
    for raw_line in text.split("\n"):
        line = _SPACES.sub(" ", raw_line).strip()
        if not drop_boilerplate:
            kept.append(line)
            continue
        if is_boilerplate_line(line):
            continue
        story = _strip_trailing_credits(line)
        # A line that was only credits, or boilerplate once its credit is gone, is dropped
        # now: kept, it would be dropped by the next cleaning.
        if story != line and (not story or is_boilerplate_line(story)):
            continue
        kept.append(story)
    return _BLANK_LINES.sub("\n\n", "\n".join(kept)).strip()


def _strip_trailing_credits(line: str) -> str:
    """Removes every credit glued to a line's end: "...said.(With ANI Inputs)(Image credit: AP)"."""
    while True:
        shorter = _TRAILING_CREDIT.sub("", line)
        if shorter == line:
            return line
        line = shorter


def clean_title(title: str | None, max_chars: int = MAX_TITLE_CHARS) -> tuple[str | None, bool]:
    """The title NFKC-normalised with whitespace collapsed, at most `max_chars` long; and
    whether it was cut. Character references left in it ("UK&#8217;s") are decoded. A
    longer title is cut at the last word boundary that leaves room for `TITLE_CUT_MARK`
    (inside a word only when its first word alone is too long)."""
    if not title:
        return None, False
    # Eight times the bound is more than whitespace collapsing can take away from any
    # real title; normalising only that keeps a 20 MB "title" from costing 20 MB twice.
    raw_cut = len(title) > 8 * max_chars
    title = _CHARACTER_REFERENCE.sub(_decoded, title[: 8 * max_chars])
    title = " ".join(unicodedata.normalize("NFKC", title).split())
    if len(title) <= max_chars and not raw_cut:
        return title or None, False
    head = title[: max_chars - len(TITLE_CUT_MARK)]
    if title[len(head) : len(head) + 1] not in ("", " ") and " " in head:
        head = head.rsplit(" ", 1)[0]
    head = head.rstrip(_TITLE_TRIM) or head
    return head + TITLE_CUT_MARK, True


def _decoded(reference: re.Match[str]) -> str:
    return html.unescape(reference.group())


def word_count(text: str) -> int:
    return len(_WORD.findall(text))
