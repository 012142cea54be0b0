"""What in a markdown source Streamlit would render as live markup (a link, an image, HTML).

Streamlit renders text with react-markdown and remark-gfm.  Two mechanisms
matter: the markdown syntax itself (``[x](url)``, ``![x](url)``, ``<url>``,
``<tag>``, reference definitions), where a backslash escape makes a
character inert; and remark-gfm's literal autolinks, found with the regular
expressions below on the text *after* escapes and character references are
resolved (copied from Streamlit's bundled ``StreamlitMarkdown`` script).
"""

from __future__ import annotations

import html
import re
import string

__all__ = ["live_markup"]

# remark-gfm (mdast-util-gfm-autolink-literal): URLs and e-mail addresses in text.
_AUTOLINK_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)", re.IGNORECASE | re.ASCII)
_AUTOLINK_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.ASCII)
_INERT = "\x00"  # stands for an escaped character in the syntax view
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")
_SYNTAX = {
    "link or image": re.compile(r"\]\(|\]\["),
    "image": re.compile(r"!\["),
    "reference definition": re.compile(r"^\s*\[[^\]]*\]:", re.MULTILINE),
    "HTML or autolink": re.compile(r"<[A-Za-z/!?]"),
    "directive": re.compile(r":[A-Za-z_-]+\["),
    "math": re.compile(r"\$[^$\s][^$]*\$"),
}
#: The tags the app's own HTML uses (``unsafe_allow_html``); none can fetch anything.
_OWN_TAGS = re.compile(r"</?(h1|h2|h3|div|span|b|i|br|p|small)(\s+class='[\w -]+')?\s*/?>")


def _split(source: str) -> tuple[str, str]:
    """The source as markdown syntax sees it (escaped characters inert) and as text."""
    syntax, text, i = [], [], 0
    while i < len(source):
        char = source[i]
        if char == "\\" and i + 1 < len(source) and source[i + 1] in string.punctuation:
            syntax.append(_INERT)
            text.append(source[i + 1])
            i += 2
            continue
        syntax.append(char)
        text.append(char)
        i += 1
    return "".join(syntax), "".join(text)


def live_markup(source: str, *, allow_html: bool = False) -> list[str]:
    """What in ``source`` would render as markup: an empty list when it is all plain text.

    ``allow_html`` is for ``st.markdown(..., unsafe_allow_html=True)``: the
    app's own tags (``_OWN_TAGS``) are then allowed, any other tag is not.
    """
    if allow_html:
        source = _OWN_TAGS.sub(" ", source)
    syntax, text = _split(source)
    found = [f"{what}: {m.group(0)!r}" for what, rx in _SYNTAX.items() for m in rx.finditer(syntax)]
    # Character references decode to text that autolinks (and to "[", "<" …).
    decoded = html.unescape(text) if _ENTITY.search(syntax) else text
    for rx in (_AUTOLINK_URL, _AUTOLINK_EMAIL):
        found += [f"bare link: {m.group(0)!r}" for m in rx.finditer(decoded)]
    return found
