"""What every page shares: the session's API client, calls behind a spinner that turn API errors
into a message instead of a traceback, linkable query parameters, and the sidebar.

A page calls ``ui.call("Loading the queue", client.flags, ...)``: it gets the JSON, or ``None``
after an error was shown; ``ui.need(...)`` stops the page there, as nothing below can be drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import streamlit as st

from sidedeal.client import ApiClient, ApiError
from sidedeal.settings import Settings, get_settings

T = TypeVar("T")
JSON = dict[str, Any]

# Page files, relative to app.py (st.switch_page and st.page_link take these).
QUEUE = "views/queue.py"
FLAG = "views/flag.py"
NETWORK = "views/network.py"
SEARCH = "views/search.py"
RUNS = "views/runs.py"
SIGNALS = "views/signals.py"
CASES = "views/cases.py"
CASE = "views/case.py"
AUDIT = "views/audit.py"
ALLOW_LIST = "views/allow_list.py"
NOTICES = "views/notices.py"


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


def identity() -> JSON | None:
    """This session's key as the API knows it (``GET /me``: name, role, rights), asked once per
    session; ``None`` while the API cannot say (the page's own call shows why)."""
    found = st.session_state.get("_sidedeal_me")
    if isinstance(found, dict):
        return found
    try:
        me_ = client().me()
    except ApiError:
        return None
    st.session_state["_sidedeal_me"] = me_
    st.session_state["_sidedeal_can_write"] = bool(me_.get("can_write"))
    return me_


def can_write() -> bool:
    """Whether this session's key may decide and enforce."""
    found = identity()
    return bool(found and found.get("can_write"))


def me() -> str | None:
    """Who "claim" assigns to: the name of this session's key (decisions are recorded as the key
    by the API itself). ``None`` when the API did not say, and then nothing is claimed."""
    found = identity()
    return str(found["name"]) if found else None


def key_name(key_id: str | None) -> str:
    """A key id as its owner's name, read from the key's latest audit event (investigators and
    admins may read the trail) and kept for the session; the id itself when the name cannot be
    read (a viewer's key, a key that never acted)."""
    if not key_id:
        return ""
    names: dict[str, str] = st.session_state.setdefault("_sd_key_names", {})
    if key_id not in names:
        try:
            events = client().audit(actor=key_id, limit=1)["data"]
        except ApiError:
            events = []  # a viewer's key (403): not asked again in this session
        names[key_id] = str(events[0]["actor_name"]) if events else key_id
    return names[key_id]


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 case``, ``2 cases``."""
    return f"{count} {one if count == 1 else many or one + 's'}"


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
        if value:
            # A page link to the page it is on changes the query but not the address bar:
            # writing the parameter again sends the address to the browser.
            st.query_params[name] = value


def to_url(key: str, name: str, value: str | None, default: str | None = None) -> None:
    """Put a widget's value in the URL (``None`` or the default: left out) and remember it, so
    :func:`from_url` does not take it for a followed link on the next run."""
    shown = None if value == default else value
    set_param(name, shown)
    st.session_state[f"_sd_url_{key}"] = shown if shown is not None else (default or "")


def sign_in(key: str) -> None:
    """Use ``key`` for this browser tab once the API accepts it; else say why and keep the old."""
    made = ApiClient(
        settings().dashboard_api_url,
        key.strip(),
        timeout=settings().dashboard_timeout_s,
        key_source="signed in in this tab",
    )
    try:
        found = made.me()
    except ApiError as error:
        made.close()
        st.session_state["_sd_signin_error"] = error.message
        return
    st.session_state["_sidedeal_client"] = made
    st.session_state.pop("_sd_key_names", None)  # names the old key could not read
    st.session_state["_sidedeal_me"] = found
    st.session_state["_sidedeal_can_write"] = bool(found.get("can_write"))
    st.session_state["sd_signin_key"] = ""


def sign_in_typed() -> None:
    typed = st.session_state.get("sd_signin_key")
    if isinstance(typed, str) and typed.strip():
        sign_in(typed)


def sidebar() -> None:
    """Who the explorer acts as (the key's name and role from the API), where it points, and a way
    to sign in with one's own key."""
    api = client()
    found = identity()
    with st.sidebar:
        if found is not None:
            st.markdown(f"Signed in as **{found['name']}** · {found['role']}")
        st.caption(f"API: {api.base_url}  \nkey: {api.key_source}")
        if found is not None and not found.get("can_write"):
            st.warning("Viewer key: contact details are masked and decisions are disabled.")
        with st.expander("Use my own key"):
            st.text_input("Your API key", type="password", key="sd_signin_key")
            st.button(
                "Sign in",
                key="sd_signin",
                on_click=sign_in_typed,
                help="Claims and decisions are then made as your key, in this browser tab.",
            )
            if "_sd_signin_error" in st.session_state:
                st.error(st.session_state.pop("_sd_signin_error"))


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
