"""Signing in to team mode in the sidebar: the login form, the session, single sign-on.

The signed-in state is kept in ``st.session_state`` (a ``mapping.accounts.Session``
with the time it was last used) and checked against the account on every
screen, so an idle session expires and a disabled account is signed out.  The
password is handed to ``mapping.accounts.authenticate`` and nowhere else.

Organisations with an identity provider may configure Streamlit's OIDC login
(``[auth]`` in ``.streamlit/secrets.toml``); the provider's e-mail is then
matched to an account's ``email`` for its role, and anyone else is a visitor.
"""

from __future__ import annotations

import streamlit as st

from mapping.accounts import (
    LoginError,
    Session,
    account_for_email,
    authenticate,
    refresh_session,
    start_session,
)
from mapping.permissions import ROLE_LABELS
from mapping.store import Store
from mapping.ui.i18n import tr
from mapping.ui.text import md

__all__ = ["login_panel"]

_SESSION = "_signed_in"


def _oidc_configured() -> bool:
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def _oidc_logged_in() -> bool:
    return bool(st.user.get("is_logged_in"))


def _oidc_session(store: Store) -> Session | None:
    """The session of a person signed in through the identity provider, if any."""
    if not _oidc_logged_in():
        return None
    account = account_for_email(store, str(st.user.get("email") or ""))
    return start_session(account) if account else None


def _signed_in(store: Store) -> Session | None:
    session = st.session_state.get(_SESSION)
    if session is None:
        return None
    alive = refresh_session(store, session)
    if alive is None:
        st.session_state.pop(_SESSION)
        st.info(tr("Sesja wygasła albo konto wyłączono — zaloguj się ponownie."))
    else:
        st.session_state[_SESSION] = alive
    return alive


def _login_form(store: Store) -> None:
    with st.form("login", clear_on_submit=True):
        st.markdown(tr("**Logowanie zespołu**"))
        login = st.text_input(tr("Login"), key="login_name")
        password = st.text_input(tr("Hasło"), type="password", key="login_password")
        submitted = st.form_submit_button(tr("Zaloguj"), type="primary")
    if not submitted:
        return
    try:
        account = authenticate(store, login, password)
    except LoginError as exc:
        st.error(md(tr(exc.message)))
        return
    st.session_state[_SESSION] = start_session(account)
    st.rerun()


def login_panel(store: Store) -> Session | None:
    """Draw the sign-in part of the sidebar; return who is signed in, or None (a visitor)."""
    oidc = _oidc_configured()
    session = _signed_in(store) or (_oidc_session(store) if oidc else None)
    if session is None:
        st.caption(tr("Bez logowania widać tylko mapę publiczną i eksport publiczny."))
        _login_form(store)
        if oidc and not _oidc_logged_in():
            st.button(tr("Zaloguj przez konto organizacji"), on_click=st.login)
        elif oidc:
            st.warning(
                tr("Twoje konto organizacji nie ma przypisanej roli — poproś administratora.")
            )
        return None
    st.markdown(
        tr(
            "Zalogowano: **{who}** · {role}",
            who=md(session.author),
            role=tr(ROLE_LABELS[session.role]),
        )
    )
    if st.button(tr("Wyloguj"), key="logout"):
        st.session_state.pop(_SESSION, None)
        if oidc and _oidc_logged_in():
            st.logout()
        st.rerun()
    return session
