"""Who may do what in a team deployment: roles, the permission table, and a signed-in user's role.

Pure (no streamlit): `dashboard.ui.auth` reads `st.user` and `st.secrets` and asks here.

Roles are ordered, each may do everything the one before may:
  viewer  reads every page and downloads lists and reports;
  editor  also imports files, maps unknown columns, edits targets, review notes, costs and the plan;
  admin   also undoes imports, removes the demo and changes workspace settings.

Roles come from `.streamlit/secrets.toml` (only read when login is configured there):

    [dashboard]
    default_role = "viewer"           # signed-in users not listed; "none" turns them away

    [dashboard.roles]
    "lead@brand.example" = "admin"
    "ops@brand.example" = "editor"
    "@agency.example" = "viewer"      # everyone with an address at this domain

An exact address beats its domain, the domain beats `default_role`. Addresses match without regard
to case. A provider that says the address is unverified (`email_verified = false`) gets the default
role only: a listed address must be proven before it grants more.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ROLES: tuple[str, ...] = ("viewer", "editor", "admin")
NO_ACCESS = "none"  # as default_role: signed-in users not listed get no access at all
DEFAULT_ROLE = "viewer"

# action -> the least role that may do it. Reading is never an action: every role reads.
PERMISSIONS: dict[str, str] = {
    "import": "editor",          # upload and import exports (Data page)
    "map_columns": "editor",     # confirm a column mapping for an unknown file (saved for next time)
    "edit_targets": "editor",    # save targets, undo a target change (Targets page)
    "edit_notes": "editor",      # weekly review notes and action items
    "edit_costs": "editor",      # manual costs (Channels page)
    "edit_plan": "editor",       # posting plan (Content page)
    "edit_settings": "admin",    # workspace settings: currency and fx rates, channel groups, revenue source,
                                 # order event types, lifecycle thresholds, negative keywords
    "undo_import": "admin",      # undo an import (Data page, history)
    "remove_demo": "admin",      # remove the demo workspace (sidebar)
}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DOMAIN = re.compile(r"^@[^@\s]+\.[^@\s]+$")


class AuthConfigError(ValueError):
    """The roles configuration is wrong; `code` is an i18n key suffix (auth.config.<code>)."""

    def __init__(self, code: str, **params: Any):
        self.code = code
        self.params = params
        super().__init__(f"{code}: {params}")


@dataclass(frozen=True)
class RoleConfig:
    users: Mapping[str, str] = field(default_factory=dict)    # lower-case address -> role
    domains: Mapping[str, str] = field(default_factory=dict)  # lower-case domain (no @) -> role
    default: str = DEFAULT_ROLE                               # a role or NO_ACCESS


@dataclass(frozen=True)
class User:
    """Who is using the app. `role` None: nobody may act (not signed in, or turned away)."""

    role: str | None
    email: str | None = None
    name: str | None = None
    signed_in: bool = False
    login_enabled: bool = False

    @property
    def label(self) -> str:
        return self.name or self.email or ""

    @property
    def editor_name(self) -> str | None:
        """The name written beside a change (targets' history): the address when there is one."""
        return self.email or self.name


# Without login configured the app is one person's, on localhost: that person may do everything.
LOCAL_USER = User(role="admin")


def rank(role: str | None) -> int:
    """viewer 1, editor 2, admin 3; no role 0."""
    return ROLES.index(role) + 1 if role in ROLES else 0


def required_role(action: str) -> str:
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action {action!r}; known: {', '.join(PERMISSIONS)}")
    return PERMISSIONS[action]


def allowed(role: str | None, action: str) -> bool:
    """May a user with this role do this action? Unknown actions raise (a typo must not open or close
    a door silently)."""
    return rank(role) >= rank(required_role(action))


def actions_for(role: str | None) -> list[str]:
    return [action for action in PERMISSIONS if allowed(role, action)]


def _role_value(value: Any, key: str, *, default: bool = False) -> str:
    text = value.strip().lower() if isinstance(value, str) else None
    choices = (*ROLES, NO_ACCESS) if default else ROLES
    if text not in choices:
        raise AuthConfigError("bad_default_role" if default else "bad_role", entry=key, value=str(value),
                              roles=", ".join(choices))
    return text


def parse_roles(section: Mapping[str, Any] | None) -> RoleConfig:
    """The `[dashboard]` section of secrets.toml -> RoleConfig. Nothing configured: every signed-in
    user is a viewer. Raises AuthConfigError naming the entry that is wrong."""
    if section is None:
        return RoleConfig()
    if not isinstance(section, Mapping):
        raise AuthConfigError("not_table", entry="dashboard")
    default = _role_value(section.get("default_role", DEFAULT_ROLE), "default_role", default=True)
    table = section.get("roles", {})
    if not isinstance(table, Mapping):
        raise AuthConfigError("not_table", entry="dashboard.roles")
    users: dict[str, str] = {}
    domains: dict[str, str] = {}
    for raw_key, value in table.items():
        key = str(raw_key).strip().lower()
        role = _role_value(value, str(raw_key))
        if _DOMAIN.match(key):
            domains[key[1:]] = role
        elif _EMAIL.match(key):
            users[key] = role
        else:
            raise AuthConfigError("bad_email", entry=str(raw_key))
    return RoleConfig(users=users, domains=domains, default=default)


def role_for(email: str | None, config: RoleConfig, *, verified: bool = True) -> str | None:
    """The role of a signed-in user: exact address, else its domain, else the default. None: no access."""
    address = (email or "").strip().lower()
    if address and verified:
        if address in config.users:
            return config.users[address]
        domain = address.rpartition("@")[2]
        if domain in config.domains:
            return config.domains[domain]
    return None if config.default == NO_ACCESS else config.default


def user_from_claims(claims: Mapping[str, Any], config: RoleConfig) -> User:
    """A signed-in user from the identity token's claims (st.user). The address is `email`, else a
    `preferred_username` that is an address (Microsoft Entra without the email claim)."""
    email = claims.get("email")
    if not (isinstance(email, str) and email.strip()):
        preferred = claims.get("preferred_username")
        email = preferred if isinstance(preferred, str) and _EMAIL.match(preferred.strip()) else None
    email = email.strip() if email else None
    name = claims.get("name")
    name = name.strip() if isinstance(name, str) and name.strip() else None
    verified = claims.get("email_verified") is not False
    return User(role=role_for(email, config, verified=verified), email=email, name=name,
                signed_in=True, login_enabled=True)


def login_providers(auth_section: Mapping[str, Any] | None) -> list[str | None]:
    """The providers the sign-in screen offers: None for the unnamed one (client_id in [auth] itself),
    then each named `[auth.<name>]` table, in file order."""
    if not auth_section:
        return []
    named = [str(name) for name, value in auth_section.items() if isinstance(value, Mapping)]
    unnamed = [None] if "client_id" in auth_section or not named else []
    return [*unnamed, *named]
