"""What every page shares: the session's API client, calls behind a spinner that turn API errors
into a message instead of a traceback, linkable query parameters, and the sidebar.

A page calls ``ui.call("Loading the queue", client.flags, ...)``: it gets the JSON, or ``None``
after an error was shown; ``ui.need(...)`` stops the page there, as nothing below can be drawn.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import streamlit as st

from sidedeal.client import ApiClient, ApiError
from sidedeal.settings import Settings, get_settings

T = TypeVar("T")

# Page files, relative to app.py (st.switch_page and st.page_link take these).
QUEUE = "views/queue.py"
FLAG = "views/flag.py"
NETWORK = "views/network.py"
SEARCH = "views/search.py"
RUNS = "views/runs.py"


def settings() -> Settings:
    """The settings; a bad value stops the page with pydantic's message naming the variable."""
    try:
        return get_settings()
    except ValueError as error:
        st.error(f"Bad setting (fix it and restart the explorer): {error}")
        st.stop()


def client() -> ApiClient:
    """One client per browser session (its connection pool survives reruns)."""
    found = st.session_state.get("_sidedeal_client")
    if isinstance(found, ApiClient):
        return found
    made = ApiClient.from_settings(settings())
    st.session_state["_sidedeal_client"] = made
    return made


def call(label: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """``fn(*args, **kwargs)`` behind a spinner; on an API error, show it and return ``None``."""
    try:
        with st.spinner(label + "..."):
            return fn(*args, **kwargs)
    except ApiError as error:
        show_error(error)
        return None


def show_error(error: ApiError) -> None:
    if error.status in (404, 409, 422):
        st.warning(error.message, icon=":material/warning:")
    else:
        st.error(error.message, icon=":material/error:")


def need(value: T | None) -> T:
    """The value, or stop the page (an error was already shown)."""
    if value is None:
        st.stop()
    return value


def stop(message: str) -> NoReturn:
    st.info(message)
    st.stop()


def can_write() -> bool:
    """Whether this session's key may decide and enforce; asked once per session."""
    if "_sidedeal_can_write" not in st.session_state:
        try:
            st.session_state["_sidedeal_can_write"] = client().can_write()
        except ApiError:
            return False  # the page's own call shows why; ask again on the next run
    return bool(st.session_state["_sidedeal_can_write"])


def me() -> str:
    """Who "claim" assigns to: the sidebar's name, else the setting, else the OS user."""
    name = st.session_state.get("sd_me")
    if isinstance(name, str) and name.strip():
        return name.strip()
    return settings().dashboard_user or getpass.getuser()


def param(name: str) -> str | None:
    value = st.query_params.get(name)
    return value.strip() or None if isinstance(value, str) else None


def set_param(name: str, value: str | None) -> None:
    """Keep the page's subject in the URL, so the page can be linked and reloaded."""
    if value is None:
        st.query_params.pop(name, None)
    elif st.query_params.get(name) != value:
        st.query_params[name] = value


def from_url(key: str, name: str, default: str = "") -> None:
    """Seed the widget ``key`` from the URL parameter ``name`` when the URL changed (a link was
    followed, the page reloaded), and only then.

    A widget's ``value=`` taken from the URL changes the widget's identity whenever the URL does,
    so Streamlit drops what was typed into it (issue 13: every second search showed the old one).
    Keyed widgets keep their state; this only writes it when the URL says something new.
    """
    value = param(name) or default
    seen = f"_sd_url_{key}"
    if st.session_state.get(seen) != value or key not in st.session_state:
        st.session_state[key] = value
        st.session_state[seen] = value


def to_url(key: str, name: str, value: str | None, default: str | None = None) -> None:
    """Put a widget's value in the URL (``None`` or the default: left out) and remember it, so
    :func:`from_url` does not take it for a followed link on the next run."""
    shown = None if value == default else value
    set_param(name, shown)
    st.session_state[f"_sd_url_{key}"] = shown if shown is not None else (default or "")


def sidebar() -> None:
    """Where the explorer points, with which key, and as whom."""
    api = client()
    with st.sidebar:
        st.caption(f"API: {api.base_url}  \nkey: {api.key_source}")
        if "sd_me" not in st.session_state:
            st.session_state["sd_me"] = settings().dashboard_user or getpass.getuser()
        st.text_input("You are", key="sd_me", help="Claiming assigns flags to this name.")
        if (
            "_sidedeal_can_write" in st.session_state
            and not st.session_state["_sidedeal_can_write"]
        ):
            st.warning("Viewer key: contact details are masked and decisions are disabled.")


def masked_notice() -> None:
    """Say so when this key reads masked data (a viewer key; not when the API did not answer)."""
    can_write()
    if st.session_state.get("_sidedeal_can_write") is False:
        st.info(
            "You are reading with a viewer key: phones, emails, handles and bank details are "
            "masked, and decisions need an investigator key.",
            icon=":material/lock:",
        )


def open_flag(flag_id: str) -> NoReturn:
    st.switch_page(FLAG, query_params={"flag_id": flag_id})


def open_network(seller_id: str) -> NoReturn:
    st.switch_page(NETWORK, query_params={"seller": seller_id})
