"""Every page in Chromium reads in Polish: none of Streamlit's own English texts shows.

Streamlit draws some texts itself (the uploader's "Upload" and size hint, "Press
Enter to apply", "Choose options", "Skip to main content", the Deploy button).
The app translates them (``static/app/polish.css``, placeholders) or hides them;
this walk fails when one comes back, e.g. after a Streamlit upgrade.
"""

from __future__ import annotations

import pytest

from tests.e2e.appdriver import TIMEOUT_MS, wait_for_idle

pytestmark = pytest.mark.browser

PAGES = ("", "spotkanie", "partnerstwa", "edycja", "import_danych", "eksport", "analiza", "dane")
#: Streamlit 1.67's own English texts (case-sensitive: icon names are lower-case words).
ENGLISH = (
    "Drag and drop",
    "per file",
    "Browse files",
    "Upload",
    "Press Enter",
    "Choose an option",
    "Choose options",
    "No results",
    "Deploy",
    "Skip to main content",
    "Running...",
)


#: True once static/app/polish.css is in force (the skip link drawn at size zero).
POLISH_STYLES_APPLIED = """() => {
    const link = document.querySelector("[data-testid='stSkipToContent']");
    return link !== null && getComputedStyle(link).fontSize === "0px";
}"""


def _shown_texts(page) -> str:
    """What a reader sees: text drawn at a size above zero, and empty fields' placeholders.

    Text hidden by ``polish.css`` (zero size, ``display: none``) is not shown,
    even when ``innerText`` would still list it.
    """
    return page.evaluate(
        """() => {
            const texts = [];
            const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            while (walk.nextNode()) {
                const parent = walk.currentNode.parentElement;
                if (!parent || !parent.checkVisibility({visibilityProperty: true})) continue;
                if (parseFloat(getComputedStyle(parent).fontSize) === 0) continue;
                texts.push(walk.currentNode.textContent);
            }
            const fields = document.querySelectorAll('input[placeholder], textarea[placeholder]');
            for (const e of fields) {
                if (e.value === '') texts.push(e.getAttribute('placeholder'));
            }
            return texts.join("\\n");
        }"""
    )


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "mapa")
def test_page_shows_no_english_text_of_streamlit(page, server, path):
    page.goto(f"{server.url}/{path}")
    page.wait_for_selector("[data-testid='stMain']", timeout=TIMEOUT_MS)
    wait_for_idle(page)
    # The page's styles arrive with its first elements: wait until they apply.
    page.wait_for_function(POLISH_STYLES_APPLIED, timeout=TIMEOUT_MS)
    shown = _shown_texts(page)
    assert [text for text in ENGLISH if text in shown] == []
