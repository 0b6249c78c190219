"""Roles and permissions (dashboard/auth.py): the permission table, roles from the [dashboard] section
of secrets.toml, unknown addresses, unverified addresses, and clear errors for a wrong configuration."""

import pytest

from dashboard.auth import (
    LOCAL_USER,
    PERMISSIONS,
    ROLES,
    AuthConfigError,
    RoleConfig,
    actions_for,
    allowed,
    login_providers,
    parse_roles,
    rank,
    required_role,
    role_for,
    user_from_claims,
)
from dashboard.i18n import t

CONFIG = {
    "default_role": "viewer",
    "roles": {"Lead@Brand.example": "admin", "ops@brand.example": "editor", "@agency.example": "editor",
              "intern@agency.example": "viewer"},
}


# -- the permission table -------------------------------------------------------------------------

def test_roles_are_ordered_viewer_editor_admin():
    assert ROLES == ("viewer", "editor", "admin")
    assert [rank(r) for r in (None, "viewer", "editor", "admin", "owner")] == [0, 1, 2, 3, 0]


def test_the_permission_table():
    assert PERMISSIONS == {
        "import": "editor", "map_columns": "editor", "edit_targets": "editor", "edit_notes": "editor",
        "edit_costs": "editor", "edit_plan": "editor",
        "edit_settings": "admin", "undo_import": "admin", "remove_demo": "admin",
    }


def test_viewers_read_editors_import_and_edit_admins_undo_and_change_settings():
    assert actions_for("viewer") == []
    assert actions_for("editor") == ["import", "map_columns", "edit_targets", "edit_notes", "edit_costs",
                                     "edit_plan"]
    assert actions_for("admin") == list(PERMISSIONS)
    assert actions_for(None) == []
    assert allowed("editor", "import") and not allowed("viewer", "import")
    assert allowed("admin", "undo_import") and not allowed("editor", "undo_import")
    assert allowed("admin", "edit_settings") and not allowed("editor", "edit_settings")
    assert not allowed(None, "edit_notes")


def test_an_unknown_action_is_an_error_not_a_silent_yes_or_no():
    with pytest.raises(KeyError, match="'export_everything'"):
        allowed("admin", "export_everything")
    with pytest.raises(KeyError):
        required_role("imports")


def test_every_action_and_role_has_a_name_in_both_languages():
    for action in PERMISSIONS:
        assert t(f"auth.action.{action}", "en") != f"auth.action.{action}"
        assert t(f"auth.action.{action}", "zh") != t(f"auth.action.{action}", "en")
    for role in (*ROLES, "none"):
        assert t(f"auth.role.{role}", "zh") != f"auth.role.{role}"


def test_without_login_the_local_user_is_an_admin():
    assert LOCAL_USER.role == "admin"
    assert not LOCAL_USER.signed_in and not LOCAL_USER.login_enabled
    assert actions_for(LOCAL_USER.role) == list(PERMISSIONS)


# -- roles from configuration ----------------------------------------------------------------------

def test_roles_from_config_exact_address_then_domain_then_default():
    config = parse_roles(CONFIG)
    assert config.users == {"lead@brand.example": "admin", "ops@brand.example": "editor",
                            "intern@agency.example": "viewer"}
    assert config.domains == {"agency.example": "editor"}
    assert role_for("lead@brand.example", config) == "admin"
    assert role_for("  LEAD@brand.EXAMPLE ", config) == "admin"  # addresses match without regard to case
    assert role_for("ops@brand.example", config) == "editor"
    assert role_for("anyone@agency.example", config) == "editor"  # the domain
    assert role_for("intern@agency.example", config) == "viewer"  # the exact address beats its domain
    assert role_for("x@sub.agency.example", config) == "viewer"  # a subdomain is another domain


def test_an_unknown_address_gets_the_default_role():
    assert role_for("stranger@elsewhere.example", parse_roles(CONFIG)) == "viewer"
    assert role_for("stranger@elsewhere.example", parse_roles({"default_role": "editor"})) == "editor"
    assert role_for(None, parse_roles(CONFIG)) == "viewer"


def test_nothing_configured_means_every_signed_in_user_is_a_viewer():
    assert parse_roles(None) == RoleConfig(users={}, domains={}, default="viewer")
    assert parse_roles({}) == RoleConfig(users={}, domains={}, default="viewer")
    assert role_for("lead@brand.example", parse_roles(None)) == "viewer"


def test_default_role_none_turns_unlisted_users_away():
    config = parse_roles({"default_role": "None", "roles": {"ops@brand.example": "editor"}})
    assert config.default == "none"
    assert role_for("stranger@elsewhere.example", config) is None
    assert role_for("ops@brand.example", config) == "editor"


def test_roles_are_read_without_regard_to_case_or_spaces():
    assert parse_roles({"roles": {"a@b.example": " Admin "}}).users == {"a@b.example": "admin"}


# -- a wrong configuration ---------------------------------------------------------------------------

@pytest.mark.parametrize(("section", "code", "params"), [
    ({"roles": {"ops@brand.example": "owner"}}, "bad_role",
     {"entry": "ops@brand.example", "value": "owner", "roles": "viewer, editor, admin"}),
    ({"roles": {"ops@brand.example": 3}}, "bad_role",
     {"entry": "ops@brand.example", "value": "3", "roles": "viewer, editor, admin"}),
    ({"default_role": "everyone"}, "bad_default_role",
     {"entry": "default_role", "value": "everyone", "roles": "viewer, editor, admin, none"}),
    ({"roles": {"ops": "editor"}}, "bad_email", {"entry": "ops"}),
    ({"roles": {"@brand": "editor"}}, "bad_email", {"entry": "@brand"}),
    ({"roles": ["ops@brand.example"]}, "not_table", {"entry": "dashboard.roles"}),
    ("admin", "not_table", {"entry": "dashboard"}),
])
def test_a_wrong_configuration_is_a_clear_error(section, code, params):
    with pytest.raises(AuthConfigError) as caught:
        parse_roles(section)
    assert caught.value.code == code
    assert caught.value.params == params


def test_the_error_message_names_the_entry_and_the_choices():
    with pytest.raises(AuthConfigError) as caught:
        parse_roles({"roles": {"ops@brand.example": "owner"}})
    error = caught.value
    assert t(f"auth.config.{error.code}", "en", **error.params) == (
        "in [dashboard.roles], 'ops@brand.example' has the role 'owner', which does not exist; "
        "use one of viewer, editor, admin")
    assert t(f"auth.config.{error.code}", "zh", **error.params) == (
        "[dashboard.roles] 中「ops@brand.example」的角色「owner」无效，可用：viewer, editor, admin")


# -- the signed-in user from the identity token ------------------------------------------------------

def test_user_from_claims_takes_address_and_name():
    user = user_from_claims({"is_logged_in": True, "email": "ops@brand.example", "name": "Ops Person",
                             "email_verified": True}, parse_roles(CONFIG))
    assert (user.role, user.email, user.name, user.signed_in, user.login_enabled) == (
        "editor", "ops@brand.example", "Ops Person", True, True)
    assert user.label == "Ops Person"
    assert user.editor_name == "ops@brand.example"  # what the targets' history records


def test_user_without_email_claim_uses_an_address_like_preferred_username():
    config = parse_roles(CONFIG)
    entra = user_from_claims({"is_logged_in": True, "preferred_username": "lead@brand.example"}, config)
    assert (entra.email, entra.role) == ("lead@brand.example", "admin")
    handle = user_from_claims({"is_logged_in": True, "preferred_username": "lead", "name": "Lead"}, config)
    assert (handle.email, handle.role, handle.editor_name, handle.label) == (None, "viewer", "Lead", "Lead")


def test_an_unverified_address_gets_only_the_default_role():
    config = parse_roles(CONFIG)
    claims = {"is_logged_in": True, "email": "lead@brand.example", "email_verified": False}
    assert user_from_claims(claims, config).role == "viewer"
    assert role_for("lead@brand.example", config, verified=False) == "viewer"
    closed = parse_roles({**CONFIG, "default_role": "none"})
    assert user_from_claims(claims, closed).role is None


# -- sign-in providers -----------------------------------------------------------------------------

def test_login_providers_unnamed_and_named():
    shared = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s"}
    assert login_providers(None) == []
    assert login_providers({**shared, "client_id": "c", "client_secret": "x",
                            "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}) == [None]
    assert login_providers({**shared, "google": {"client_id": "g"}, "microsoft": {"client_id": "m"}}) == [
        "google", "microsoft"]
    assert login_providers({**shared, "client_id": "c", "okta": {"client_id": "o"}}) == [None, "okta"]
