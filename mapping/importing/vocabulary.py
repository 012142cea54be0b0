"""Words in names and types that tell a resource's kind and category.

Spreadsheets rarely have the schema's kind ("organizacja", "instytucja") or
category columns, but their names and types say it: "Fundacja …" is an
organisation, "Filia nr 5 Biblioteki Publicznej" a cultural institution.
Only clear words are listed; anything else is left for the user to fill in.
Matching is on folded text and word stems ("bibliotek" matches "Biblioteka",
"Biblioteki", "biblioteczny" does not need to).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from mapping.schema import EVERYONE, Field
from mapping.text import fold

__all__ = [
    "guess_category",
    "guess_kind",
    "guess_status",
    "match_choice",
    "parse_target_groups",
]

#: (kind, stem pattern), in priority order: "Stowarzyszenie przy Szkole" is
#: an organisation, so organisations come before institutions.
_KIND_WORDS: tuple[tuple[str, str], ...] = (
    (
        "organizacja",
        r"fundacj|stowarzyszen|towarzystw|zwiazek|zwiazku|\bkgw\b|kol[oa] gospodyn"
        r"|\buks\b|klub sportow|ochotnicz\w* straz|\bosp\b|spoldzielni\w* socjaln|\bngo\b"
        r"|organizacj|caritas|harcer|\bzhp\b|\bzhr\b|grupa nieformaln|bractw",
    ),
    (
        "instytucja",
        r"szkol|przedszkol|zlobek|zlobk|bibliotek|\bmops\b|\bgops\b|\bops\b|\bpcpr\b"
        r"|\bcus\b|parafi|urzad|muzeum|muzea|teatr|dom kultury|osrod\w* kultury|\bmdk\b|\bmok\b"
        r"|przychodni|szpital|poradni|policj|komisariat|straz miejsk|\bpup\b|\bdps\b|\bzus\b"
        r"|osrod\w* pomocy|dom pomocy|filharmoni|uczelni|uniwersytet|politechnik|akademi"
        r"|instytucj|gimnazj|liceum|technikum|\bsad\b|centrum uslug spolecznych|rada dzielnicy"
        r"|galeri|instytut|opera\b|centrum kultury|centrum sztuki|wydzial|biuro rady|ratusz"
        r"|obslugi mieszkancow",
    ),
    (
        "miejsce",
        r"\bpark\b|parku|skwer|\bplac\b|boisk|plac zabaw|ogrod|\blas\b|zielenie"
        r"|kapliczk|pomnik|cmentarz|miejsce",
    ),
    ("wydarzenie", r"festyn|festiwal|piknik|jarmark|kiermasz|wydarzeni"),
    ("osoba", r"\blider\b|\bliderk|soltys|radn[ay]\b|animator|wolontariusz|osoba"),
)

#: (category, stem pattern); the pattern found earliest in the text wins, so
#: "Klub Seniora przy Parafii" is civic activity, not a parish.
_CATEGORY_WORDS: tuple[tuple[str, str], ...] = (
    (
        "pomoc_spoleczna",
        r"\bmops\b|\bgops\b|\bops\b|\bpcpr\b|\bdps\b|\bcus\b|pomocy spoleczn"
        r"|pomoc spoleczn|dom pomocy|dzienny dom|noclegowni|jadlodajni|bank zywnosci|caritas"
        r"|osrod\w* wsparcia|centrum uslug spolecznych|rodzinie|interwencji kryzysowej|social"
        r"|day (support )?cent|family|disabilit|niepelnospr|senior|opiekuncz|wsparcia dziennego",
    ),
    (
        "edukacja",
        r"szkol|przedszkol|zlobek|zlobk|liceum|technikum|gimnazj|uczelni|uniwersytet"
        r"|politechnik|akademi|poradni\w* psychologiczn|edukac|korepetycj",
    ),
    (
        "kultura",
        r"bibliotek|dom kultury|osrod\w* kultury|\bmdk\b|\bmok\b|muzeum|muzea|teatr"
        r"|galeri|\bkino\b|filharmoni|chor\b|orkiestr|kultur|librar|opera\b|sztuki|\bmuz\b",
    ),
    (
        "sport",
        r"sport|\buks\b|\bmosir\b|\bosir\b|boisk|hala sportow|basen|orlik|silowni|stadion"
        r"|skatepark|fitness",
    ),
    (
        "zdrowie",
        r"przychodni|szpital|apteka|apteki|\bnzoz\b|\bpoz\b|zdrowi|hospicj|ratownict"
        r"|lekar|health",
    ),
    ("zielen", r"\bpark\b|parku|skwer|ogrod|\blas\b|zielen|arboret|dzialk|plac\w* zabaw"),
    (
        "religia",
        r"parafi|kosciol|kosciel|cerkiew|cerkw|zbor|meczet|synagog|klasztor|kaplic"
        r"|sanktuari|religij|wyznani",
    ),
    (
        "aktywnosc",
        r"klub senior|rada osiedl|rada dzielnic|\bkgw\b|kol[oa] gospodyn|wolontari"
        r"|aktywnosc|obywatel|integracj|centrum organizacji|sasiedzk|spolecznosci lokaln|\bosl\b"
        r"|\bcal\b|community",
    ),
    (
        "praca",
        r"\bpup\b|urzad pracy|\bcis\b|\bkis\b|integracji spolecznej|aktywizacj|\bohp\b"
        r"|spoldzielni\w* socjaln|zatrudnien|employment",
    ),
    ("bezpieczenstwo", r"policj|komisariat|straz|\bosp\b|posterun|bezpieczen"),
    (
        "administracja",
        r"urzad|starostw|\bzus\b|\bsad\b|administrac|biuro obslugi|obslugi mieszkancow"
        r"|wydzial|biuro rady|prezydent|ratusz",
    ),
    (
        "miejsce_spotkan",
        r"swietlic|\bsala\b|sale |klub osiedlow|centrum lokaln|dom sasiedzki"
        r"|kawiarni|spotkan",
    ),
    ("dziedzictwo", r"zabyt|pomnik|cmentarz|miejsce pamieci|dziedzictw|histori"),
    (
        "mieszkalnictwo",
        r"spoldzielni\w* mieszkani|\btbs\b|wspolnot\w* mieszkani|mieszkaln"
        r"|zarzad budynkow|lokal\w* komunaln",
    ),
)

#: Target-group words as people write them ("dzieci i młodzież", "seniorzy 60+"),
#: and the one-letter codes of municipal lists (Gdańsk: d, m, do, s).
_GROUP_WORDS: tuple[tuple[str, str], ...] = (
    ("dzieci", r"dziec|dzieck|^d$|children|kids"),
    ("mlodziez", r"mlodziez|nastolat|^m$|youth|teen"),
    ("dorosli", r"doros|^do$|adult"),
    ("seniorzy", r"senior|starsz|^(60|65)$|^s$|elderly"),
    ("rodziny", r"rodzin|^r$|famil"),
    ("niepelnosprawni", r"niepelnospr|^n$|disab"),
    (EVERYONE, r"wszys|kazdy|ogol|mieszkan|^w$|everyone|all\b"),
)

_KIND_RULES = [(code, re.compile(p)) for code, p in _KIND_WORDS]
_CATEGORY_RULES = [(code, re.compile(p)) for code, p in _CATEGORY_WORDS]
_GROUP_RULES = [(code, re.compile(p)) for code, p in _GROUP_WORDS]


# The same few words (types, categories, groups) repeat on every row of a
# file; folding them once each keeps a 10,000-row import fast.
_fold = lru_cache(maxsize=65536)(fold)


#: Each field's folded codes and labels, by the field's identity: hashing a field
#: hashes all its choices, too slow to do for every cell of a file.
_CODES: dict[int, tuple[Field, dict[str, str]]] = {}


def _choice_codes(f: Field) -> dict[str, str]:
    known = _CODES.get(id(f))
    if known is not None and known[0] is f:
        return known[1]
    table: dict[str, str] = {}
    for choice in f.choices:
        for text in (choice.code, choice.label, choice.label_en):
            table.setdefault(fold(text), choice.code)
    if len(_CODES) > 256:  # fields made on the fly (tests): forget the old ones
        _CODES.clear()
    _CODES[id(f)] = (f, table)
    return table


def match_choice(f: Field, text: str) -> str | None:
    """The code of a choice whose code or label equals ``text`` (folded), if any."""
    return _choice_codes(f).get(_fold(text))


def guess_kind(texts: Iterable[str | None]) -> str | None:
    """The resource kind named by the first text that names one (type, then name)."""
    for text in texts:
        if text and (code := _kind_in(text)) is not None:
            return code
    return None


# A file's types repeat on every row: each text is read once.
@lru_cache(maxsize=65536)
def _kind_in(text: str) -> str | None:
    folded = _fold(text)
    for code, pattern in _KIND_RULES:
        if pattern.search(folded):
            return code
    return None


def guess_category(texts: Iterable[str | None]) -> str | None:
    """The category named earliest in the first text that names one."""
    for text in texts:
        if text and (code := _category_in(text)) is not None:
            return code
    return None


@lru_cache(maxsize=65536)
def _category_in(text: str) -> str | None:
    folded = _fold(text)
    hits = [(m.start(), code) for code, p in _CATEGORY_RULES if (m := p.search(folded))]
    return min(hits)[1] if hits else None


def parse_target_groups(text: str, f: Field) -> tuple[list[str], list[str]]:
    """Target-group codes in free text, and the parts that name none.

    "dzieci i młodzież, seniorzy" → ["dzieci", "mlodziez", "seniorzy"].
    """
    codes: list[str] = []
    unknown: list[str] = []
    for part in re.split(r"[;,/+]| i | oraz |\n", text):
        part = part.strip()
        if not part:
            continue
        code = match_choice(f, part)
        found = [code] if code else [c for c, p in _GROUP_RULES if p.search(_fold(part))]
        if found:
            codes.extend(c for c in found if c not in codes)
        else:
            unknown.append(part)
    return codes, unknown


#: Status words as lists write them (feminine forms, synonyms), per layer's codes.
_STATUS_WORDS: tuple[tuple[str, str], ...] = (
    ("nieaktywny", r"^nieaktywn|^nie dziala|^zawieszon|^inactive"),
    ("archiwalny", r"^archiw|^zamknie|^zlikwidowan|^nie istnieje"),
    ("aktywny", r"^aktywn|^dziala|^czynn|^tak$|^active"),
    ("odrzucona", r"^odrzuc"),
    ("zaspokojona", r"^zaspokojon|^zrealizowan|^wykonan|^zalatwion|^done"),
    ("w_realizacji", r"^w realizacji|^w trakcie|^realizowan|^in progress"),
    ("zgloszona", r"^zglosz|^now[ay]|^otwart|^open|^reported"),
)
_STATUS_RULES = [(code, re.compile(p)) for code, p in _STATUS_WORDS]


def guess_status(text: str, f: Field) -> str | None:
    """The status code a word names ("aktywna" → "aktywny"), if it is one of ``f``'s."""
    exact = match_choice(f, text)
    if exact:
        return exact
    folded = _fold(text)
    for code, pattern in _STATUS_RULES:
        if code in f.codes and pattern.search(folded):
            return code
    return None
