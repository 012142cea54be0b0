"""Who may do what: the roles of team mode and one named rule per action.

Every screen and command asks one of these functions; none decides by itself.
The rules, in short:

========================  =====  ==============  ========  =======  =======
action                    LOCAL  administrator   animator  partner  visitor
========================  =====  ==============  ========  =======  =======
fields seen (audience)    all    all             all       team     public
edit layers               all    all             all       needs,   —
                                                           actions
add a need                yes    yes             yes       yes      —
mark an action            yes    yes             yes       yes      —
import                    yes    yes             yes       —        —
export                    team   team            team      team     public
archive                   yes    yes             yes       —        —
restore a version         yes    yes             —         —        —
manage accounts           yes    yes             —         —        —
back up the whole map     yes    yes             —         —        —
========================  =====  ==============  ========  =======  =======

``LOCAL`` is one person's laptop without team mode: no login, full rights, as
the app always was.  Private fields never leave the app in an export, whoever
asks (``mapping.export.request.EXPORT_AUDIENCES``).
"""

from __future__ import annotations

from enum import StrEnum

from mapping.schema import LAYERS, Audience, Field

__all__ = [
    "PAGES",
    "ROLE_LABELS",
    "Role",
    "audience_for",
    "can_add_need",
    "can_archive",
    "can_back_up",
    "can_edit",
    "can_export",
    "can_import",
    "can_manage_accounts",
    "can_mark_action",
    "can_restore",
    "can_see_page",
    "can_view_field",
]


class Role(StrEnum):
    """Who is using the app."""

    ADMINISTRATOR = "administrator"
    ANIMATOR = "animator"
    PARTNER = "partner"
    VISITOR = "visitor"
    LOCAL = "local"


#: Roles an account can have (``LOCAL`` and ``VISITOR`` are nobody's account).
ACCOUNT_ROLES: tuple[Role, ...] = (Role.ADMINISTRATOR, Role.ANIMATOR, Role.PARTNER)

ROLE_LABELS: dict[Role, str] = {
    Role.ADMINISTRATOR: "administrator",
    Role.ANIMATOR: "animator",
    Role.PARTNER: "partner",
    Role.VISITOR: "gość (widok publiczny)",
    Role.LOCAL: "ten komputer (bez logowania)",
}

#: The app's pages by file name (``pages/<name>.py``), in menu order.
PAGES: tuple[str, ...] = (
    "mapa",
    "spotkanie",
    "partnerstwa",
    "edycja",
    "import_danych",
    "eksport",
    "analiza",
    "dane",
)

_FULL = frozenset({Role.LOCAL, Role.ADMINISTRATOR, Role.ANIMATOR})
_CONTRIBUTORS = _FULL | {Role.PARTNER}
# How much of a record an audience sees (each sees all that the one before does).
_BREADTH = {Audience.PUBLIC: 0, Audience.TEAM: 1, Audience.EDITOR: 2}
_PARTNER_LAYERS = frozenset({"needs", "actions"})
_VISITOR_PAGES = frozenset({"mapa", "eksport"})
# The projector page starts and closes meeting records; importing writes whole layers.
_PARTNER_PAGES = frozenset(PAGES) - {"spotkanie", "import_danych"}


def audience_for(role: Role) -> Audience:
    """The audience whose fields ``role`` sees everywhere (tables, maps, popups).

    Administrators, animators and the local user see every field, private
    included; partners see public and team fields; visitors only public ones.
    """
    if role in _FULL:
        return Audience.EDITOR
    if role == Role.PARTNER:
        return Audience.TEAM
    return Audience.PUBLIC


def can_view_field(role: Role, field: Field) -> bool:
    """Whether ``role`` may see ``field``: exactly what its audience may see."""
    return audience_for(role).can_view(field.visibility)


def can_edit(role: Role, layer: str) -> bool:
    """Whether ``role`` may create and change records of ``layer``.

    Full-rights roles edit every layer; partners only needs and actions (they
    add residents' needs and mark what was done); visitors nothing.
    """
    if layer not in LAYERS:
        raise ValueError(f"Nieznana warstwa {layer!r}; dostępne: {', '.join(LAYERS)}")
    if role in _FULL:
        return True
    return role == Role.PARTNER and layer in _PARTNER_LAYERS


def can_add_need(role: Role) -> bool:
    """Whether ``role`` may add a resident's need (everyone but the visitor)."""
    return role in _CONTRIBUTORS


def can_mark_action(role: Role) -> bool:
    """Whether ``role`` may record an action done (everyone but the visitor)."""
    return role in _CONTRIBUTORS


def can_import(role: Role) -> bool:
    """Whether ``role`` may import files (and undo its own import right after).

    An import writes many records at once: full-rights roles only.
    """
    return role in _FULL


def can_export(role: Role, audience: Audience) -> bool:
    """Whether ``role`` may export a file for ``audience``.

    Everyone may export the public version; the team version needs a role that
    sees team fields; the editor audience (private fields) is never exported.
    """
    if audience == Audience.EDITOR:
        return False
    return _BREADTH[audience] <= _BREADTH[audience_for(role)]


def can_archive(role: Role) -> bool:
    """Whether ``role`` may archive records and bring them back (full-rights roles)."""
    return role in _FULL


def can_restore(role: Role) -> bool:
    """Whether ``role`` may make an earlier version from history current again.

    Restoring can bring back anyone's old state over anyone's newer one:
    administrators and the local user only.
    """
    return role in {Role.LOCAL, Role.ADMINISTRATOR}


def can_back_up(role: Role) -> bool:
    """Whether ``role`` may download the backup: the whole map, private data and accounts
    included (administrators, local user)."""
    return role in {Role.LOCAL, Role.ADMINISTRATOR}


def can_manage_accounts(role: Role) -> bool:
    """Whether ``role`` may add, disable and change accounts (administrators, local user)."""
    return role in {Role.LOCAL, Role.ADMINISTRATOR}


def can_see_page(role: Role, page: str) -> bool:
    """Whether the page ``page`` (a name of ``PAGES``) is in ``role``'s menu.

    Visitors get the public map and the public exports; partners everything but
    the projector page and the import; full-rights roles every page.
    """
    if page not in PAGES:
        raise ValueError(f"Nieznana strona {page!r}; dostępne: {', '.join(PAGES)}")
    if role in _FULL:
        return True
    if role == Role.PARTNER:
        return page in _PARTNER_PAGES
    return page in _VISITOR_PAGES
