"""User text made inert wherever Streamlit renders markdown or HTML — the one escaping path.

Streamlit renders as markdown nearly every string it shows: titles, captions,
``st.write``, messages (``st.error`` …), widget labels, expander and tab
labels, button labels, and the options of radios, pills and segmented
controls.  Markdown would turn ``![](http://…)`` into an image fetched from
the internet (leaking the viewer's address and breaking offline use), and a
bare ``http://…`` or ``www.…`` into a link.  Every piece of user text (a
name, a city, a message that quotes a value) goes through ``md`` there, or
through ``escape`` inside HTML; ``tests/test_ui_text.py`` lints ``pages/`` and
``mapping/ui/`` so that no call forgets it.
"""

from __future__ import annotations

import re
import string
from typing import Any

__all__ = [
    "CHOOSE",
    "WORD_JOINER",
    "escape",
    "md",
]

#: Placeholder of an empty choice (Streamlit's own reads "Choose options").
CHOOSE = "Wybierz…"

#: An invisible character that joins words: placed inside "http://", "www." and
#: "@", it stops the link detection without changing what the reader sees.
WORD_JOINER = "\u2060"

#: CommonMark lets a backslash escape any ASCII punctuation: escaping all of it
#: leaves no markdown, directive (":red[…]"), math ("$…$") or entity ("&amp;").
_MARKDOWN_SPECIALS = re.compile("([" + re.escape(string.punctuation) + "])")
# Streamlit's markdown (remark-gfm) turns these into links *after* escapes are
# resolved, so escaping cannot stop them: the pattern itself has to be broken.
_LINK_STARTS = re.compile(r"(?i)(https?|ftp|mailto|www)(?=[:.])|(@)")
#: Inside HTML every ASCII punctuation becomes a character reference (``&#91;``).
_HTML_MARKDOWN = str.maketrans({c: f"&#{ord(c)};" for c in string.punctuation})


def _unlink(text: str) -> str:
    return _LINK_STARTS.sub(lambda m: m.group(0) + WORD_JOINER, text)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def md(text: Any) -> str:
    """User text made inert inside Streamlit markdown (labels, titles, messages, st.write).

    Every markdown character is escaped, so names show exactly as typed, and
    bare addresses are kept from becoming links.  ``None`` is shown as "".
    """
    return _MARKDOWN_SPECIALS.sub(r"\\\1", _unlink(_text(text)))


def escape(text: Any) -> str:
    """User text made inert inside HTML that Streamlit shows (``unsafe_allow_html``).

    Every ASCII punctuation character (``& < > " '`` and the markdown ones)
    becomes a character reference: HTML passed to ``st.markdown`` is still
    read as markdown around the tags.
    """
    return _unlink(_text(text)).translate(_HTML_MARKDOWN)
