"""The permission rules as one table per action: who may do what in team mode."""

from __future__ import annotations

import pytest

from mapping import permissions as p
from mapping.permissions import PAGES, Role
from mapping.schema import LAYERS, RESOURCES, Audience

A, N, PA, V, L = Role.ADMINISTRATOR, Role.ANIMATOR, Role.PARTNER, Role.VISITOR, Role.LOCAL


@pytest.mark.parametrize(
    ("role", "audience"),
    [(L, Audience.EDITOR), (A, Audience.EDITOR), (N, Audience.EDITOR),
     (PA, Audience.TEAM), (V, Audience.PUBLIC)],
)  # fmt: skip
def test_audience_comes_from_the_role(role: Role, audience: Audience) -> None:
    assert p.audience_for(role) == audience


@pytest.mark.parametrize(
    ("role", "public", "team", "private"),
    [(L, True, True, True), (A, True, True, True), (N, True, True, True),
     (PA, True, True, False), (V, True, False, False)],
)  # fmt: skip
def test_who_sees_which_field(role: Role, public: bool, team: bool, private: bool) -> None:
    assert p.can_view_field(role, RESOURCES.field("name")) is public
    assert p.can_view_field(role, RESOURCES.field("phone")) is team
    assert p.can_view_field(role, RESOURCES.field("contact_person")) is private


def test_partner_edits_only_needs_and_actions_and_visitor_nothing() -> None:
    table = {role: {name for name in LAYERS if p.can_edit(role, name)} for role in Role}
    assert table == {
        L: set(LAYERS),
        A: set(LAYERS),
        N: set(LAYERS),
        PA: {"needs", "actions"},
        V: set(),
    }


def test_unknown_layer_or_page_is_an_error_not_a_silent_no() -> None:
    with pytest.raises(ValueError, match="Nieznana warstwa"):
        p.can_edit(A, "accounts")
    with pytest.raises(ValueError, match="Nieznana strona"):
        p.can_see_page(A, "konta")


@pytest.mark.parametrize(
    ("rule", "allowed"),
    [
        (p.can_add_need, {L, A, N, PA}),
        (p.can_mark_action, {L, A, N, PA}),
        (p.can_import, {L, A, N}),
        (p.can_archive, {L, A, N}),
        (p.can_restore, {L, A}),
        (p.can_manage_accounts, {L, A}),
    ],
)
def test_actions_by_role(rule, allowed: set[Role]) -> None:
    assert {role for role in Role if rule(role)} == allowed


@pytest.mark.parametrize(
    ("role", "public", "team"),
    [(L, True, True), (A, True, True), (N, True, True), (PA, True, True), (V, True, False)],
)
def test_exports_by_role_and_private_fields_never(role: Role, public: bool, team: bool) -> None:
    assert p.can_export(role, Audience.PUBLIC) is public
    assert p.can_export(role, Audience.TEAM) is team
    assert p.can_export(role, Audience.EDITOR) is False


def test_pages_by_role() -> None:
    table = {role: [page for page in PAGES if p.can_see_page(role, page)] for role in Role}
    assert table[V] == ["mapa", "eksport"]
    assert table[PA] == ["mapa", "partnerstwa", "edycja", "eksport", "analiza", "dane"]
    for role in (L, A, N):
        assert table[role] == list(PAGES)
