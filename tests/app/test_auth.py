"""AppTest of login and roles (ui/auth.py) with AppTest's user simulation (`at.user`, `at.secrets`):
no [auth] -> one local user with full access; [auth] and nobody signed in -> the sign-in screen only;
viewer reads; editor imports and edits targets but does not undo imports or change settings; admin
does everything; a wrong roles table closes the app with a message naming the entry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import streamlit
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options

from dashboard.demo import store_is_empty
from dashboard.settings import get_setting, set_setting
from dashboard.store.db import open_store
from dashboard.targets import history, list_targets
from tests.app.conftest import make_app, texts
from tests.app.test_channels_page import with_data
from tests.conftest import ROOT, import_one, sample
from tests.unit.test_review import build

# a fake provider: AppTest never contacts it (the login redirect is not followed here)
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "apptest-cookie-secret-0123456789",
        "client_id": "dashboard", "client_secret": "not-a-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
ROLES = {"default_role": "viewer",
         "roles": {"lead@brand.example": "admin", "ops@brand.example": "editor", "@agency.example": "editor"}}
DAILY = b"platform,account,date,followers,reach\nx,a,2026-01-01,100,\nx,a,2026-01-02,110,50\n"
MORE = b"platform,account,date,followers,reach\nx,a,2026-01-03,120,60\n"

VIEWER = {"is_logged_in": True, "email": "reader@elsewhere.example", "name": "Rita Reader", "email_verified": True}
EDITOR = {"is_logged_in": True, "email": "ops@brand.example", "name": "Ola Ops", "email_verified": True}
ADMIN = {"is_logged_in": True, "email": "lead@brand.example", "name": "Lee Lead", "email_verified": True}
NOBODY = {"is_logged_in": False}


def configured(lang: str = "en", roles: dict | None = None, auth: dict | None = None, **session) -> AppTest:
    """The app with login configured (not run yet); `session`: session state to start from."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.secrets["auth"] = dict(auth or AUTH)
    at.secrets["dashboard"] = roles if roles is not None else ROLES
    for key, value in {"lang": lang, **session}.items():
        at.session_state[key] = value
    return at


def app(page: str | None = None, *, user: dict, lang: str = "en", roles: dict | None = None,
        auth: dict | None = None) -> AppTest:
    at = configured(lang, roles, auth)
    at.user = user
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def as_each(page: str, users: tuple[dict, ...], **session) -> Iterator[tuple[dict, AppTest]]:
    """One app, signed in as each user in turn, on `page`."""
    at = configured(**session)
    for user in users:
        at.user = user
        at.run()
        at.switch_page(page)
        at.run()
        assert not at.exception
        yield user, at


def keys(elements) -> set[str]:
    return {e.key for e in elements if e.key}


def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


# AppTest runs the shell (app.py) on the first run only; the following runs of the same page run the
# page file directly (AppTest reruns only the page script), so a click is only kept on a switched page.
# A real server runs the shell every time (tests/e2e).

def upload(at: AppTest, name: str, data: bytes) -> None:
    at.file_uploader(key="uploads").set_value([(name, data, "text/csv")])
    at.run()
    at.button(key="import_button").click()
    at.run()


# -- no login configured ------------------------------------------------------------------------------

def test_without_auth_the_local_user_has_full_access(empty_store):
    import_one(empty_store, "daily.csv", DAILY)
    at = make_app("views/data.py")
    assert not at.exception
    assert "uploads" in keys(at.file_uploader) and "import_button" in keys(at.button)
    assert "undo_button" in keys(at.button)
    assert ":material/lock:" not in texts(at)
    at = make_app("views/targets.py")
    assert not at.exception
    assert not at.text_input(key="targets_editor_name").disabled  # the page asks for a name
    assert not button(at, "targets_save").disabled
    at = make_app()
    assert "sign_out" not in keys(at.sidebar.button)  # nobody to sign out
    assert not at.sidebar.warning  # .streamlit/config.toml: the server listens on 127.0.0.1 only


def test_without_auth_on_an_open_address_the_sidebar_warns(empty_store):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    with patch_config_options({"server.address": "0.0.0.0"}):
        at.run()
    assert not at.exception
    assert "Login is off, yet this dashboard listens beyond this machine" in at.sidebar.warning[0].value


# -- login configured, nobody signed in ----------------------------------------------------------------

def test_a_visitor_sees_the_sign_in_screen_and_nothing_else(db_path):
    at = app(user=NOBODY)
    assert not at.exception
    assert [t.value for t in at.title] == ["Social Ops Dashboard"]
    assert "Please sign in" in texts(at)
    assert keys(at.button) == {"sign_in_default"}
    assert button(at, "sign_in_default").label == "Sign in"
    assert not at.dataframe and not at.metric and not at.file_uploader and not at.tabs
    assert keys(at.sidebar.selectbox) == {"lang_picker"}  # the language, no filters, no pages
    # a page Streamlit runs directly (before the shell's navigation) is closed as well
    at.switch_page("views/data.py")
    at.run()
    assert not at.exception
    assert "Please sign in" in texts(at) and not at.file_uploader and not at.dataframe
    # a visitor writes nothing: the demo workspace was not loaded for them
    assert store_is_empty(open_store(db_path))


def test_the_sign_in_screen_in_chinese(empty_store):
    at = app(user=NOBODY, lang="zh")
    assert not at.exception
    assert "请登录" in texts(at) and "这个看板只对团队成员开放" in texts(at)
    assert button(at, "sign_in_default").label == "登录"


def test_sign_in_calls_st_login_with_the_chosen_provider(empty_store, monkeypatch):
    calls = []
    monkeypatch.setattr(streamlit, "login", lambda provider=None: calls.append(provider))
    at = app("views/overview.py", user=NOBODY)
    button(at, "sign_in_default").click()
    at.run()
    assert calls == [None]
    named = {k: v for k, v in AUTH.items() if k in ("redirect_uri", "cookie_secret")} | {
        "google": {"client_id": "g", "client_secret": "x", "server_metadata_url": AUTH["server_metadata_url"]},
        "microsoft": {"client_id": "m", "client_secret": "x", "server_metadata_url": AUTH["server_metadata_url"]}}
    at = app("views/overview.py", user=NOBODY, auth=named)
    assert [b.label for b in at.button] == ["Sign in with Google", "Sign in with Microsoft"]
    button(at, "sign_in_microsoft").click()
    at.run()
    assert calls == [None, "microsoft"]


def test_a_login_that_cannot_start_is_a_message_not_a_traceback(empty_store):
    at = app("views/overview.py", user=NOBODY)  # the real st.login: no [auth] in the process's own secrets
    button(at, "sign_in_default").click()
    at.run()
    assert not at.exception
    assert "Sign-in could not start" in at.error[0].value


# -- viewer -----------------------------------------------------------------------------------------------

def test_a_viewer_reads_every_page_but_changes_nothing(empty_store):
    result = import_one(empty_store, "daily.csv", DAILY)
    at = app(user=VIEWER)
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert ":material/account_circle: **Rita Reader**" in texts(at)
    assert "reader@elsewhere\\.example" in texts(at)  # markdown-escaped: shown as written
    assert "Role: Viewer" in texts(at)
    assert "sign_out" in keys(at.sidebar.button)

    at.switch_page("views/data.py")
    at.run()
    assert not at.exception
    assert not at.file_uploader and "import_button" not in keys(at.button)
    assert "Importing files needs the Editor role or higher; you are signed in as Viewer." in texts(at)
    assert list(at.dataframe[0].value["File"]) == ["daily.csv"]  # the history is there to read
    assert "undo_button" not in keys(at.button)
    assert "Undoing an import needs the Admin role or higher; you are signed in as Viewer." in texts(at)

    at.switch_page("views/targets.py")
    at.run()
    assert not at.exception
    assert at.data_editor[0].value["metric"].to_list()  # the targets are shown
    assert button(at, "targets_save").disabled and button(at, "targets_undo").disabled
    assert "Changing targets needs the Editor role or higher" in texts(at)

    at.switch_page("views/alerts.py")
    at.run()
    assert not at.exception
    assert button(at, "negative_keywords_save").disabled
    assert get_setting(empty_store, "demo") == {"import_ids": [], "dismissed": True}
    assert empty_store.scalar("SELECT status FROM imports WHERE import_id = ?", [result.import_id]) == "imported"


def test_a_viewer_sees_the_posting_plan_but_cannot_save_it(empty_store):
    import_one(empty_store, sample("twitter/tweet_activity_metrics_rOpenSci_20190501_20190601_en.csv"))
    for user, at in as_each("views/content.py", (VIEWER, EDITOR), f_preset="custom", f_start=date(2019, 5, 1),
                            f_end=date(2019, 6, 1)):
        disabled = user is VIEWER
        assert next(b for b in at.button if b.label == "Save plan").disabled is disabled
        assert ("Changing the posting plan needs the Editor role or higher" in texts(at)) is disabled


def test_the_weekly_review_notes_are_for_editors(empty_store):
    build(empty_store)
    for user, at in as_each("views/review.py", (VIEWER, EDITOR), review_week="2026-W10"):
        editable = user is EDITOR
        assert ("review_save" in keys(at.button)) is editable
        assert ("Editing review notes and action items needs the Editor role or higher" in texts(at)) is not editable


def test_lifecycle_thresholds_are_admin_settings(empty_store):
    build(empty_store)  # events in March 2026
    for user, at in as_each("views/lifecycle.py", (VIEWER, EDITOR, ADMIN), f_preset="custom",
                            f_start=date(2026, 3, 1), f_end=date(2026, 3, 8)):
        editable = user is ADMIN
        assert next(b for b in at.button if b.label == "Save thresholds").disabled is not editable
        assert ("Changing workspace settings needs the Admin role or higher" in texts(at)) is not editable


def test_a_viewer_cannot_remove_the_demo(empty_store):
    result = import_one(empty_store, "daily.csv", DAILY)
    set_setting(empty_store, "demo", {"import_ids": [result.import_id], "dismissed": False})
    at = app(user=VIEWER)
    assert not at.exception
    assert "remove_demo" not in keys(at.sidebar.button)
    assert "Removing the demo workspace needs the Admin role or higher" in texts(at)
    at = app(user=ADMIN)
    assert "remove_demo" in keys(at.sidebar.button)


def test_a_viewer_in_chinese(empty_store):
    at = app("views/data.py", user=VIEWER, lang="zh")
    assert not at.exception
    assert "导入文件需要「编辑者」或更高角色；你当前的角色是「查看者」。" in texts(at)


# -- editor ---------------------------------------------------------------------------------------------------

def test_an_editor_imports_and_edits_targets_but_does_not_undo_or_change_settings(empty_store):
    at = app("views/data.py", user=EDITOR)
    assert not at.exception
    upload(at, "daily.csv", DAILY)
    assert not at.exception
    assert empty_store.scalar("SELECT count(*) FROM account_daily") == 2
    assert "undo_button" not in keys(at.button)
    assert "Undoing an import needs the Admin role or higher; you are signed in as Editor." in texts(at)

    at.switch_page("views/targets.py")
    at.run()
    name = at.text_input(key="targets_editor_signed_in")
    assert name.disabled and name.value == "ops@brand.example"
    assert not button(at, "targets_save").disabled
    change = f"targets_editor_{int(history(empty_store)['change_id'].max())}"
    at.session_state[change] = {"edited_rows": {1: {"value": 6.5}}, "added_rows": [], "deleted_rows": []}
    button(at, "targets_save").click()
    at.run()
    assert not at.exception
    frame = list_targets(empty_store)
    row = frame.filter(frame["metric"] == "engagement_rate").to_dicts()[0]
    assert (row["value"], row["updated_by"]) == (0.065, "ops@brand.example")
    assert history(empty_store)["changed_by"][0] == "ops@brand.example"
    assert not button(at, "targets_undo").disabled  # an editor may undo a target change

    at.switch_page("views/alerts.py")
    at.run()
    assert button(at, "negative_keywords_save").disabled
    assert "Changing workspace settings needs the Admin role or higher; you are signed in as Editor." in texts(at)


def test_a_domain_entry_makes_everyone_there_an_editor(empty_store):
    at = app("views/data.py", user={**VIEWER, "email": "pat@agency.example"})
    assert "uploads" in keys(at.file_uploader)


def test_an_unverified_address_does_not_get_its_listed_role(empty_store):
    at = app("views/data.py", user={**ADMIN, "email_verified": False})
    assert not at.file_uploader
    assert "you are signed in as Viewer" in texts(at)


def test_the_channels_page_lets_an_editor_enter_costs_but_not_rates(empty_store):
    at = app("views/channels.py", user=VIEWER)  # no data yet: only the cost editor
    assert button(at, "cost_editor_save").disabled
    assert "Editing manual costs needs the Editor role or higher" in texts(at)
    with_data(empty_store)
    settings = ("fx_editor_save", "groups_editor_save", "channels_orders_save")
    for user, at in as_each("views/channels.py", (EDITOR, ADMIN), f_preset="custom", f_start=date(2026, 3, 2),
                            f_end=date(2026, 3, 8)):
        is_admin = user is ADMIN
        assert not button(at, "cost_editor_save").disabled
        assert [button(at, key).disabled for key in settings] == [not is_admin] * 3
        assert at.radio(key="channels_source").disabled is not is_admin
        assert at.text_input(key="channels_currency").disabled is not is_admin


# -- admin ------------------------------------------------------------------------------------------------

def test_an_admin_does_everything(empty_store):
    import_one(empty_store, "daily.csv", DAILY)
    at = app(user=ADMIN)
    assert "Role: Admin" in texts(at)
    at.switch_page("views/data.py")
    at.run()
    upload(at, "more.csv", MORE)
    assert empty_store.scalar("SELECT count(*) FROM account_daily") == 3
    at.button(key="undo_button").click()  # the newest import is preselected
    at.run()
    assert not at.exception
    assert empty_store.scalar("SELECT count(*) FROM account_daily") == 2
    assert "Undid more.csv" in texts(at)
    assert ":material/lock:" not in texts(at)

    at.switch_page("views/alerts.py")
    at.run()
    area = next(a for a in at.text_area if a.key.startswith("negative_keywords_"))
    area.set_value("退款\nscam")
    at.button(key="negative_keywords_save").click()
    at.run()
    assert not at.exception
    assert get_setting(empty_store, "negative_keywords") == ["退款", "scam"]


# -- turned away, signed out, wrong configuration ---------------------------------------------------------

def test_default_role_none_turns_an_unlisted_user_away_until_signed_out(empty_store):
    at = app("views/overview.py", user=VIEWER, roles={**ROLES, "default_role": "none"})
    assert not at.exception
    assert "No access" in texts(at) and "reader@elsewhere.example" in [t.value for t in at.text]
    assert not at.dataframe and not at.metric
    assert keys(at.button) == {"sign_out_no_access"}
    at.button(key="sign_out_no_access").click()
    at.run()
    assert at.user == {"is_logged_in": False}  # st.logout() cleared the identity
    at.run()
    assert "Please sign in" in texts(at)


def test_the_sidebar_names_the_user_and_offers_sign_out_in_chinese(empty_store):
    at = app(user=EDITOR, lang="zh")
    assert not at.exception
    assert ":material/account_circle: **Ola Ops**" in texts(at) and "角色：编辑者" in texts(at)
    assert at.sidebar.button(key="sign_out").label == "退出登录"


@pytest.mark.parametrize("lang, expected", [
    ("en", "in [dashboard.roles], 'ops@brand.example' has the role 'owner', which does not exist; "
           "use one of viewer, editor, admin"),
    ("zh", "[dashboard.roles] 中「ops@brand.example」的角色「owner」无效，可用：viewer, editor, admin"),
])
def test_a_wrong_roles_table_closes_the_app_with_a_clear_message(empty_store, lang, expected):
    roles = {"roles": {"ops@brand.example": "owner"}}
    at = app(user=ADMIN, roles=roles, lang=lang)
    assert not at.exception
    assert expected in at.error[0].value
    assert not at.dataframe and not at.button
    at = app("views/data.py", user=ADMIN, roles=roles, lang=lang)
    assert expected in at.error[0].value and not at.file_uploader
