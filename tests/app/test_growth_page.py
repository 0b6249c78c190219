"""AppTest of the Growth page: empty state, real samples in English and Chinese, a custom period."""

from streamlit.testing.v1 import AppTest

from tests.app.conftest import make_app, texts
from tests.conftest import ROOT, import_one, sample


def test_probe(empty_store):
    import_one(empty_store, sample("tiktok/haileytupy_FollowerHistory.csv"))
    import_one(empty_store, sample("twitter/koe_account_overview_analytics.csv"))
    at = make_app("pages/growth.py")
    print(at.exception)
    print([ (m.label, m.value, m.delta) for m in at.metric])
    print(texts(at))
    for df in at.dataframe:
        print(df.value)
