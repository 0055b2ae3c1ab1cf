"""Who am I: the explorer acts as its API key. The sidebar names the key and its role (``GET /me``),
claims go to that name, and there is no free-text name to get wrong; a person can sign in with
their own key for the browser tab."""

from __future__ import annotations

import httpx
from streamlit.testing.v1 import AppTest

from sidedeal.casework.keys import create_key
from sidedeal.graph.store import Store
from tests.integration.api.conftest import SETUP
from tests.integration.dashboard.conftest import Explorer


def sidebar_text(app: AppTest) -> str:
    parts = [m.value for m in app.sidebar.markdown] + [c.value for c in app.sidebar.caption]
    return "\n".join(str(p) for p in parts)


def test_the_sidebar_names_the_key_and_its_role_and_asks_no_name(explorer: Explorer) -> None:
    app = explorer("queue")
    said = sidebar_text(app)
    assert "test investigator" in said and "investigator" in said
    assert not [t for t in app.sidebar.text_input if t.label == "You are"]

    viewer = explorer("queue", role="viewer")
    assert "test viewer" in sidebar_text(viewer) and "viewer" in sidebar_text(viewer)


def test_claiming_a_flag_assigns_it_to_the_keys_name(
    explorer: Explorer, api_url: str, keys: dict[str, str]
) -> None:
    app = explorer("flag", flag_id="pair:b3:s2")
    next(b for b in app.button if b.label == "Claim").click().run()
    assert not app.exception
    headers = {"X-API-Key": keys["viewer"]}
    flag = httpx.get(f"{api_url}/flags/pair:b3:s2", headers=headers).json()
    assert flag["assignee"] == "test investigator"


def test_signing_in_with_your_own_key_acts_as_you(
    explorer: Explorer, market: Store, api_url: str, keys: dict[str, str]
) -> None:
    own = create_key(market, "investigator", "bruno", SETUP).key
    app = explorer("flag", flag_id="seller:s2")
    app.sidebar.text_input(key="sd_signin_key").input(own)
    app.sidebar.button(key="sd_signin").click().run()
    assert not app.exception
    assert "bruno" in sidebar_text(app)
    next(b for b in app.button if b.label == "Claim").click().run()
    headers = {"X-API-Key": keys["viewer"]}
    flag = httpx.get(f"{api_url}/flags/seller:s2", headers=headers).json()
    assert flag["assignee"] == "bruno"

    app.sidebar.text_input(key="sd_signin_key").input("sdk_not_a_key")
    app.sidebar.button(key="sd_signin").click().run()
    assert "bruno" in sidebar_text(app)
    assert any("refused" in e.value for e in app.sidebar.error)
