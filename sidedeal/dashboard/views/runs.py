"""Runs: the analysis history with its counts, and "run now".

A run started here executes in the API process under the analysis lock: the API answers 201 when
it finished within 2 s, 202 while it still runs (this page then says to refresh), and 409 when
another run (the worker's, a colleague's) holds the lock.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from sidedeal.dashboard import ui

api = ui.client()
st.title("Analysis runs")
writer = ui.can_write()
if "sd_runs_note" in st.session_state:
    st.success(st.session_state.pop("sd_runs_note"))

top = st.columns([1, 1, 4])
if top[0].button("Run now", icon=":material/play_arrow:", type="primary", disabled=not writer):
    run = ui.call("Running the analysis", api.start_run)
    if run is not None:
        if run["status"] == "running":
            note = f"Run {run['run_id']} started and is still running; refresh to follow it."
        else:
            note = (
                f"Run {run['run_id']} ({run.get('mode') or 'full'}) {run['status']} in "
                f"{run.get('seconds') or 0:.1f}s: "
                f"{run.get('flags_raised', 0)} flags raised."
            )
        st.session_state["sd_runs_note"] = note
        st.rerun()
top[1].button("Refresh", icon=":material/refresh:")

runs = ui.need(ui.call("Loading the runs", api.runs, 50))
if not runs["data"]:
    ui.stop("No analysis has run yet: press “Run now”, or run `sidedeal analyze`.")


def row(run: dict[str, Any]) -> dict[str, Any]:
    counts = run.get("counts") or {}
    flags = counts.get("flags") or {}
    return {
        "run": run["run_id"],
        "started": str(run["started_at"])[:19].replace("T", " "),
        "status": run["status"],
        "mode": run.get("mode") or "",
        "seconds": run.get("seconds"),
        "trigger": run.get("trigger") or "",
        "flags raised": run.get("flags_raised", 0),
        "new": flags.get("new"),
        "alerting": flags.get("alerted"),
        "cleared": flags.get("cleared"),
        "links": counts.get("links"),
        "clusters": counts.get("clusters"),
        "error": run.get("error") or "",
    }


st.caption(f"{runs['count']} runs, newest first.")
st.dataframe(pd.DataFrame([row(r) for r in runs["data"]]), hide_index=True)
