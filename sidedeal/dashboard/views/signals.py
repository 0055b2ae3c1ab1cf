"""Signals: how often each factor of the analysis is right, from investigators' decisions.

Per weights version and factor: flags carrying it, as the top factor, decided, confirmed,
dismissed, unsure, precision with its 95% Wilson interval, median hours to a decision
(``GET /signals``), beside the weights versions (``GET /weights``). Changing the weights goes
through the command line or the API: propose, backtest, activate (README, "The learning loop").
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from sidedeal.dashboard import ui

api = ui.client()
st.title("Signals")

versions = ui.need(ui.call("Loading the weights versions", api.weights_versions))
active = next((v for v in versions if v.get("active")), None)
if active is not None:
    st.caption(
        f"Active weights: {active['version']} ({active.get('note') or active['author']}); "
        f"{len(versions)} versions stored."
    )
rows = ui.need(ui.call("Loading the signals", api.signals))
if not rows:
    ui.stop("No flag carries a factor yet: run the analysis first.")


def row(signal: dict[str, Any]) -> dict[str, Any]:
    interval = ""
    if signal.get("precision") is not None:
        interval = f"{signal['precision_low']:.2f}-{signal['precision_high']:.2f}"
    return {
        "weights": signal.get("weights_version") or "",
        "signal": signal["signal"],
        "flags": signal["flags"],
        "top factor": signal["top"],
        "decided": signal["decided"],
        "confirmed": signal["confirmed"],
        "dismissed": signal["dismissed"],
        "unsure": signal["unsure"],
        "precision": signal.get("precision"),
        "95% interval": interval,
        "median hours to decision": signal.get("median_hours_to_decision"),
    }


st.dataframe(
    pd.DataFrame([row(s) for s in rows]),
    hide_index=True,
    column_config={
        "precision": st.column_config.ProgressColumn(
            "precision", min_value=0.0, max_value=1.0, format="%.2f"
        ),
    },
)
