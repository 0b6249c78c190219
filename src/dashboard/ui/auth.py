"""Login and roles in the app: who is signed in (st.user), what they may do, the sign-in screen.

Login is on when `.streamlit/secrets.toml` has an `[auth]` section (st.login's OIDC settings; see the
README). Without it the app is one person's, listening on localhost only (`server.address` in
.streamlit/config.toml), and that person may do everything: nothing here shows or hides anything.

With login on, a visitor who is not signed in sees the sign-in screen and nothing else (`gate`, called
by the shell and by every page through `guarded`); the sidebar shows who is signed in with a sign-out
button (`user_box`); a control the role may not use is hidden or disabled with a short reason
(`permitted`, `why_not`), and every write is checked again where it happens (`require`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit import config as st_config
from streamlit.errors import StreamlitAuthError

from dashboard.auth import (
    LOCAL_USER,
    AuthConfigError,
    User,
    allowed,
    login_providers,
    parse_roles,
    required_role,
    user_from_claims,
)
from dashboard.ui.context import tr

log = logging.getLogger("dashboard")

_LOOPBACK = ("127.", "localhost", "::1", "[::1]")


def _secrets() -> dict[str, Any]:
    """secrets.toml as a dict; {} when there is none. A file that exists but cannot be read is an
    error, never 'no login configured' (that would open a team's dashboard to everyone)."""
    try:
        if st.secrets.load_if_toml_exists():
            return st.secrets.to_dict()
    except Exception as exc:  # noqa: BLE001 - any failure to read is the same failure for the user
        log.error("secrets.toml could not be read: %s", exc)
        raise AuthConfigError("unreadable_secrets") from exc
    if any(Path(p).exists() for p in st_config.get_option("secrets.files") or []):
        raise AuthConfigError("unreadable_secrets")
    return {}


def _auth_section(secrets: Mapping[str, Any]) -> Mapping[str, Any] | None:
    section = secrets.get("auth")
    return section if isinstance(section, Mapping) and section else None


def login_enabled() -> bool:
    try:
        return _auth_section(_secrets()) is not None
    except AuthConfigError:
        return True  # a broken secrets file: act as if login were on (and nobody signed in)


def current_user() -> User:
    """The user of this session. Without login configured: the local user, an admin. Raises
    AuthConfigError when the secrets or the roles are wrong (gate shows it)."""
    secrets = _secrets()
    if _auth_section(secrets) is None:
        return LOCAL_USER
    roles = parse_roles(secrets.get("dashboard"))
    claims = st.user.to_dict()
    if not claims.get("is_logged_in"):
        return User(role=None, login_enabled=True)
    return user_from_claims(claims, roles)


def _user_or_nobody() -> User:
    try:
        return current_user()
    except AuthConfigError:
        return User(role=None, login_enabled=True)


def signed_in_editor() -> str | None:
    """The name recorded beside a change (targets' history): the signed-in user's address (else their
    name); None without login, where the page asks for a name."""
    user = _user_or_nobody()
    return user.editor_name if user.signed_in else None


def can(action: str) -> bool:
    """May the current user do this action (dashboard.auth.PERMISSIONS)?"""
    return allowed(_user_or_nobody().role, action)


def why_not(action: str) -> str | None:
    """None when the user may do the action, else a short sentence saying which role it needs."""
    user = _user_or_nobody()
    if allowed(user.role, action):
        return None
    return tr("auth.denied", action=tr(f"auth.action.{action}"), role=tr(f"auth.role.{required_role(action)}"),
              current=tr(f"auth.role.{user.role}") if user.role else tr("auth.role.none"))


def permitted(action: str) -> bool:
    """can(action); when not, a short caption with the reason where the controls would be."""
    reason = why_not(action)
    if reason:
        st.caption(f":material/lock: {reason}")
    return reason is None


def require(action: str) -> bool:
    """The check right before a write: True, or an error message and False (nothing written)."""
    reason = why_not(action)
    if reason:
        st.error(reason)
    return reason is None


# -- what a visitor without access sees -------------------------------------------------------------

def has_access() -> bool:
    """May this visitor see the app at all (draws nothing)?"""
    return _user_or_nobody().role is not None


def gate() -> bool:
    """May this visitor see the app? When not, draw what they see instead (the sign-in screen, a
    'no access' note, or the configuration mistake) and return False."""
    try:
        user = current_user()
    except AuthConfigError as exc:
        st.error(tr("auth.config_error", detail=tr(f"auth.config.{exc.code}", **exc.params)))
        return False
    if user.role is not None:
        return True
    if user.signed_in:
        _no_access_screen(user)
    else:
        _sign_in_screen()
    return False


def _centre():
    return st.columns([1, 2, 1])[1]


def _sign_in_screen() -> None:
    try:
        providers = login_providers(_auth_section(_secrets()))
    except AuthConfigError:
        providers = []
    with _centre():
        st.title(tr("app.title"))
        with st.container(border=True):
            st.subheader(f":material/lock: {tr('auth.sign_in_title')}")
            st.markdown(tr("auth.sign_in_body"))
            for provider in providers or [None]:
                label = (tr("auth.sign_in_with", provider=provider.replace("-", " ").title()) if provider
                         else tr("auth.sign_in"))
                if st.button(label, type="primary", icon=":material/login:", width="stretch",
                             key=f"sign_in_{provider or 'default'}"):
                    _login(provider)
            st.caption(tr("auth.sign_in_note"))


def _login(provider: str | None) -> None:
    try:
        st.login(provider)
    except StreamlitAuthError as exc:
        log.error("st.login failed: %s", exc)
        st.error(tr("auth.login_failed"))


def _no_access_screen(user: User) -> None:
    with _centre():
        st.title(tr("app.title"))
        with st.container(border=True):
            st.subheader(f":material/block: {tr('auth.no_access_title')}")
            st.markdown(tr("auth.no_access_body"))
            st.text(user.email or user.label or "—")
            _sign_out_button("sign_out_no_access")


def _sign_out_button(key: str) -> None:
    if st.button(tr("auth.sign_out"), icon=":material/logout:", key=key, width="stretch"):
        st.logout()


# -- the sidebar ---------------------------------------------------------------------------------

def _listening_beyond_localhost() -> bool:
    address = str(st_config.get_option("server.address") or "")
    return not address.startswith(_LOOPBACK)


def user_box() -> None:
    """Sidebar: who is signed in, their role, sign out. Without login: a warning only when the
    server listens beyond localhost (anyone who reaches it may change everything)."""
    user = _user_or_nobody()
    if not user.login_enabled:
        if _listening_beyond_localhost():
            st.sidebar.warning(tr("auth.open_warning"), icon=":material/lock_open:")
        return
    if not user.signed_in:
        return
    with st.sidebar.container(border=True):
        st.markdown(f":material/account_circle: **{_escape(user.label)}**")
        if user.name and user.email:
            st.caption(_escape(user.email))
        st.caption(tr("auth.role_line", role=tr(f"auth.role.{user.role}") if user.role else tr("auth.role.none")))
        _sign_out_button("sign_out")


def _escape(text: str) -> str:
    from dashboard.ui.target_badges import escape_markdown  # late: that module draws charts too

    return escape_markdown(text)
