"""The app's pages as ``app.py`` declares them: tests derive the list instead of re-typing it."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

__all__ = ["APP", "app_pages", "page_title"]

APP = Path(__file__).resolve().parents[1] / "app.py"


@cache
def app_pages() -> dict[str, str]:
    """Page file → its title in the navigation, in menu order (``st.Page(path, title=…)``)."""
    pages: dict[str, str] = {}
    for node in ast.walk(ast.parse(APP.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page":
            path = ast.literal_eval(node.args[0])
            title = next(k.value for k in node.keywords if k.arg == "title")
            pages[path] = ast.literal_eval(_untranslated(title))
    return pages


def _untranslated(node: ast.expr) -> ast.expr:
    """The Polish text of ``ui.tr("…")`` (titles are shown in the run's language)."""
    if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "tr":
        return node.args[0]
    return node


def page_title(path: str) -> str:
    """The navigation title of ``path`` ("pages/edycja.py" → "Aktualizacja")."""
    return app_pages()[path]
