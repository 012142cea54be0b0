"""Descriptions written for a map's popups, as plain text.

Google My Maps and Google Earth keep a placemark's description as HTML
(``Czynne<br>pn–pt``, ``<b>…</b>``, ``&amp;``); uMap as its own light markup
(``**pogrubienie**``, ``[[https://…|link]]``, ``{{obrazek}}``).  Records keep
plain text: line breaks stay, entities are decoded, tags are dropped.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["html_text", "umap_text"]

#: Tags that start a new line where they stand.
_BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "hr"})
#: Tags whose end leaves an empty line after them (paragraphs, headings).
_PARAGRAPHS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6"})
#: Tags whose content is not text for people (scripts, styles).
_HIDDEN = frozenset({"script", "style", "head", "title"})
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|&[#\w]+;")


class _TextParser(HTMLParser):
    """Collects the text of an HTML fragment; block tags and ``<br>`` become line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def _break(self, lines: int = 1) -> None:
        """End the current line; ``lines=2`` leaves an empty line (a paragraph)."""
        tail = "".join(self.parts[-4:]).rstrip(" ")  # spaces between tags do not count
        have = len(tail) - len(tail.rstrip("\n"))
        self.parts.append("\n" * max(0, lines - have))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag == "br":  # each <br> is a line break, even the second of two
            self.parts.append("\n")
        elif tag in _BREAKS:
            self._break(2 if tag in _PARAGRAPHS else 1)
        elif tag == "img":  # an image says nothing in text; its alt text may
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(alt)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BREAKS and tag != "br":
            self._break(2 if tag in _PARAGRAPHS else 1)

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            # Inside HTML a newline is a space; only tags break lines.
            self.parts.append(re.sub(r"\s+", " ", data))


def _tidy_lines(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):  # at most one empty line in a row
            kept.append(line)
    return "\n".join(kept).strip()


def html_text(text: str | None) -> str:
    """An HTML description as plain text (``"a<br>b &amp; c"`` → ``"a\\nb & c"``).

    Text without tags or entities is returned with only its spaces tidied, so
    a plain description written with newlines keeps them.
    """
    if not text:
        return ""
    if not _TAG.search(text):
        return _tidy_lines(text)
    parser = _TextParser()
    parser.feed(text)
    parser.close()
    return _tidy_lines("".join(parser.parts))


_UMAP_LINK = re.compile(r"\[\[([^|\]]+)\|([^\]]+)\]\]|\[\[([^\]]+)\]\]")
_UMAP_IMAGE = re.compile(r"\{\{[^}]*\}\}")
_UMAP_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|(?<!\*)\*(?!\s)(.+?)(?<!\s)\*(?!\*)")
_UMAP_HEADING = re.compile(r"^#{1,6}\s*", re.MULTILINE)


def _umap_link(match: re.Match[str]) -> str:
    if match.group(3):
        return match.group(3)
    url, label = match.group(1).strip(), match.group(2).strip()
    return label if label == url else f"{label} ({url})"


def umap_text(text: str | None) -> str:
    """A uMap popup text as plain text: its links, images, emphasis and headings unwrapped."""
    if not text:
        return ""
    text = _UMAP_IMAGE.sub("", str(text))
    text = _UMAP_LINK.sub(_umap_link, text)
    text = _UMAP_EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)
    text = _UMAP_HEADING.sub("", text)
    return html_text(text)
