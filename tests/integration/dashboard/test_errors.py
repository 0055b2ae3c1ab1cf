"""What a person sees when something is wrong: the API down, no key, a wrong key, a viewer key,
an unknown id. Always a message saying what to do, never a traceback."""

from __future__ import annotations

from sidedeal.client import ApiClient, ApiError
from tests.integration.dashboard.conftest import Explorer, free_port, texts


def test_api_down_says_how_to_start_it(explorer: Explorer) -> None:
    app = explorer("queue", url=f"http://127.0.0.1:{free_port()}")
    assert not app.exception
    message = " ".join(e.value for e in app.error)
    assert "Cannot reach the sidedeal API" in message and "sidedeal serve" in message
    assert not app.dataframe
    assert "viewer key" not in texts(app)


def test_no_key_says_how_to_make_one(explorer: Explorer) -> None:
    app = explorer("queue", role=None)
    assert not app.exception
    message = " ".join(e.value for e in app.error)
    assert "No API key" in message and "sidedeal keys ensure" in message


def test_a_wrong_key_is_a_401_message(explorer: Explorer) -> None:
    app = explorer("flag", role="sdk_not_a_real_key", flag_id="pair:b2:s2")
    assert not app.exception
    message = " ".join(e.value for e in app.error)
    assert "refused the key" in message and "401" in message


def test_an_unknown_flag_is_not_found(explorer: Explorer) -> None:
    app = explorer("flag", flag_id="pair:nobody:s2")
    assert not app.exception
    assert "Not found: no flag 'pair:nobody:s2'" in " ".join(w.value for w in app.warning)


def test_a_viewer_reads_masked_values_and_cannot_decide(explorer: Explorer) -> None:
    app = explorer("flag", role="viewer", flag_id="pair:b2:s2")
    assert not app.exception
    assert "viewer key" in texts(app)
    bodies = " ".join(m.value for m in app.markdown if "sd-message" in m.value)
    assert 'data-kind="phone"' in bodies
    assert "07911 234567" not in bodies and "*" in bodies
    assert all(b.disabled for b in app.button if b.label == "Record decision")
    assert app.radio[0].disabled

    app = explorer("search", role="viewer", q="+44 7911 123456")
    said = texts(app)
    assert "+447911123456" not in said and "phone:" in said


def test_a_viewer_is_told_when_the_api_forbids_a_write(explorer: Explorer) -> None:
    app = explorer("runs", role="viewer")
    assert app.button[0].disabled
    client = app.session_state["_sidedeal_client"]
    assert isinstance(client, ApiClient)
    try:
        client.start_run()
    except ApiError as error:
        assert error.status == 403 and "investigator key" in error.message
    else:
        raise AssertionError("a viewer started a run")


def test_a_bad_setting_names_the_variable(explorer: Explorer) -> None:
    app = explorer("queue", url="localhost:8000")
    assert not app.exception
    assert "SIDEDEAL_DASHBOARD_API_URL must start with http" in " ".join(e.value for e in app.error)
