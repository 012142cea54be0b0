"""The app's two languages, without Streamlit: one catalogue and messages that remember their words.

Every text is written in Polish.  ``english.toml`` beside this module holds its
English (Polish text → English text, ``{name}`` placeholders in both), for the
pages (``mapping.ui.i18n.tr``) and for the domain alike.

The domain (validation, imports, the store's conflicts) cannot know the
reader's language, so it says things with ``Message``: a ``str`` holding the
Polish text — everything that treats it as text goes on working — that also
remembers its template and values, so ``translate`` can say it again in
English.  ``count`` is the same for "5 zasobów", whose English needs the
number, not the Polish form.  A value that is itself a ``Message`` is
translated too.
"""

from __future__ import annotations

import functools
import threading
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from mapping.plural import Forms, plural_form

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Message",
    "catalogue",
    "count",
    "forget_misses",
    "joined",
    "misses",
    "named",
    "say",
    "the_label",
    "translate",
    "writing",
    "written_in",
]

#: The languages offered, as the switch names them (each in its own language).
LANGUAGES = {"pl": "Polski", "en": "English"}
DEFAULT_LANGUAGE = "pl"

_CATALOGUE = Path(__file__).with_name("english.toml")
_MISSES: set[str] = set()
_MISSES_LOCK = threading.Lock()


@functools.cache
def catalogue() -> dict[str, str]:
    """Polish text → English text, read once per process from ``english.toml``."""
    with _CATALOGUE.open("rb") as file:
        return dict(tomllib.load(file)["english"])


class Message(str):
    """Polish text that remembers its template and values (see the module's docstring).

    >>> m = Message("„{value}” nie jest liczbą", value="x")
    >>> str(m), translate(m, "en")
    ('„x” nie jest liczbą', '"x" is not a number')
    """

    template: str
    values: Mapping[str, Any]

    def __new__(cls, template: str, **values: Any) -> Message:
        self = super().__new__(cls, template.format(**values) if values else template)
        self.template = template
        self.values = values
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled (Streamlit's caches) as what it was made of, not as its text.
        return (_remade, (type(self), self.template, dict(self.values)))

    def say(self, lang: str) -> str:
        """The message in ``lang`` (its values translated where they are messages)."""
        if lang == DEFAULT_LANGUAGE:
            return str(self)
        return translate(self.template, lang, **self.values)


class _Count(Message):
    """``number`` and a noun after it: "5 zasobów", "5 resources"."""

    def say(self, lang: str) -> str:
        """The number and the noun's form in ``lang`` (English: one or many)."""
        if lang == DEFAULT_LANGUAGE:
            return str(self)
        number, forms = self.values["n"], Forms(*self.values["forms"])
        return f"{number} {_english(forms.one if abs(number) == 1 else forms.many)}"


def count(number: int, forms: Forms) -> Message:
    """``number`` followed by the right form of a noun, as a message ("5 zasobów").

    Its English takes the catalogue's English of ``forms.one`` (for 1) or
    ``forms.many`` (for any other number).
    """
    n = int(number)
    return _Count("{n} {noun}", n=n, noun=plural_form(n, forms), forms=tuple(forms))


class _Named(Message):
    """A word whose English is known where it is made (a schema label): no catalogue entry."""

    def say(self, lang: str) -> str:
        """The Polish word, or the English one given with it."""
        return str(self) if lang == DEFAULT_LANGUAGE else str(self.values["en"])


@functools.lru_cache(maxsize=4096)  # the same few labels, once per imported row and note
def named(polish: str, english: str) -> Message:
    """``polish`` as a message whose English is ``english`` (e.g. a field's ``label_en``)."""
    return _Named("{pl}", pl=polish, en=english)


class _Joined(Message):
    """Messages joined by a separator, each said in the reader's language."""

    def say(self, lang: str) -> str:
        """Each part in ``lang``, joined."""
        return str(self.values["sep"]).join(translate(p, lang) for p in self.values["parts"])


def joined(separator: str, parts: Iterable[str]) -> Message:
    """``separator.join(parts)`` as a message; its parts may be messages."""
    items = tuple(parts)
    return _Joined("{text}", text=separator.join(items), sep=separator, parts=items)


def _remade(cls: type[Message], template: str, values: dict[str, Any]) -> Message:
    return cls(template, **values)


def translate(text: str, lang: str, /, **values: Any) -> str:
    """``text`` (Polish, or a ``Message``) in ``lang``, its placeholders filled.

    In another language than Polish, a text the catalogue lacks stays Polish
    and is noted in ``misses``; values that are messages are said in ``lang`` too.
    """
    if isinstance(text, Message):
        if not values:
            return text.say(lang)
        values = {**text.values, **values}  # more values: filled into the template
        text = text.template
    if lang != DEFAULT_LANGUAGE and text:
        text = _english(str(text))
    # A message given as a value is said in the same language ("{counts} — …").
    said = {k: v.say(lang) if isinstance(v, Message) else v for k, v in values.items()}
    return text.format(**said) if values else str(text)


def _english(text: str) -> str:
    english = catalogue().get(text)
    if english is None:
        with _MISSES_LOCK:
            _MISSES.add(text)
        return text
    return english


#: The language a document is being written in (a map, an export): see ``writing``.
_WRITING: ContextVar[str] = ContextVar("mapa_writing", default=DEFAULT_LANGUAGE)


@contextmanager
def writing(lang: str) -> Iterator[None]:
    """Write in ``lang`` inside the block: ``say`` and ``the_label`` follow it.

    For the domain's documents made in one go (a map and its legend, an
    export), so their many helpers need no language parameter each.  The
    setting is the caller's thread's (a ``ContextVar``): two sessions writing
    at once do not mix.
    """
    token = _WRITING.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _WRITING.reset(token)


def written_in() -> str:
    """The language of the document being written (Polish outside ``writing``)."""
    return _WRITING.get()


def say(text: str, /, **values: Any) -> str:
    """``text`` (Polish, or a ``Message``) in the language being written."""
    return translate(text, _WRITING.get(), **values)


def the_label(item: Any) -> str:
    """A schema item's label (a layer, field or choice) in the language being written."""
    return str(item.label if _WRITING.get() == DEFAULT_LANGUAGE else item.label_en)


def misses() -> set[str]:
    """The Polish texts said in English without an English entry (this process)."""
    with _MISSES_LOCK:
        return set(_MISSES)


def forget_misses() -> None:
    """Start noting misses afresh (a test, before its walk)."""
    with _MISSES_LOCK:
        _MISSES.clear()
