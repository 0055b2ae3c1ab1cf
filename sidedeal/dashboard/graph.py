"""A seller's network as an interactive vis-network page, coloured by role and flag status.

The page is self-contained (rendered by ``st.components.v1.html``): vis-network 9.1.2 is inlined
from the copy the ``pyvis`` package ships, so the explorer needs no CDN at run time. pyvis's own
HTML template is not used because it always links Bootstrap from a CDN. In the page, clicking a
node shows its details beside the graph and a button saves the canvas as PNG; the page marks
``data-drawn`` / ``data-stabilized`` on its body so tests and the benchmark can wait for them.
"""

from __future__ import annotations

import html
import importlib.util
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

JSON = dict[str, Any]

ROLE_COLOURS: dict[str, str] = {
    "seller": "#e67e22",
    "buyer": "#2e86de",
    "identifier": "#95a5a6",
    "cluster": "#34495e",
}
FLAG_COLOURS: dict[str, str] = {
    "open": "#e74c3c",
    "unsure": "#f1c40f",
    "confirmed": "#8e44ad",
    "dismissed": "#27ae60",
    "cleared": "#bdc3c7",
}
SHAPES: dict[str, str] = {
    "seller": "dot",
    "buyer": "dot",
    "identifier": "diamond",
    "flag": "triangle",
    "cluster": "hexagon",
}
BIG = 150
# One seed for every layout: the same network is drawn the same way on every load.
SEED = 7
EDGE_COLOURS: dict[str, str] = {
    "pair": "#c0392b",
    "holds": "#7f8c8d",
    "shares": "#d35400",
    "concerns": "#e74c3c",
    "member_of": "#34495e",
}


@lru_cache(maxsize=1)
def vis_script() -> str:
    """vis-network's minified build, read from the installed pyvis package (no import of pyvis,
    which would pull in IPython)."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the network view needs the pyvis package (pip install pyvis)")
    root = Path(next(iter(spec.submodule_search_locations)))
    return (root / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js").read_text("utf-8")


def flagged_accounts(network: JSON) -> dict[str, str]:
    """Account node id -> the most urgent status among the flags concerning it."""
    order = ["open", "unsure", "confirmed", "dismissed", "cleared"]
    status = {
        n["id"]: str(n["properties"].get("status")) for n in network["nodes"] if n["type"] == "flag"
    }
    found: dict[str, str] = {}
    for edge in network["edges"]:
        if edge["type"] != "concerns" or edge["source"] not in status:
            continue
        new = status[edge["source"]]
        old = found.get(edge["target"])
        if old is None or order.index(new) < order.index(old):
            found[edge["target"]] = new
    return found


def node_title(node: JSON) -> str:
    """A plain-text tooltip (vis-network shows strings as text, never as HTML)."""
    props = node.get("properties") or {}
    lines = [f"{node['type']}: {node['label']}"]
    lines += [
        f"{k}: {v}" for k, v in props.items() if k not in ("evidence",) and v not in (None, "")
    ]
    return "\n".join(lines[:12])


def vis_data(network: JSON) -> tuple[list[JSON], list[JSON]]:
    """Nodes and edges in vis-network's shape, styled by role, flag status and distance.

    No node names a vis ``group``: a group takes its colour from vis-network's own palette,
    which then replaces the legend's (issue 13: flags drawn green, buyers yellow)."""
    flagged = flagged_accounts(network)
    # Past BIG nodes a fitted view is zoomed far out: every label would shrink below what vis
    # draws, so only the ones that matter keep a label, drawn large enough to stay readable.
    big = len(network["nodes"]) > BIG
    nodes = []
    for node in network["nodes"]:
        kind = node["type"]
        props = node.get("properties") or {}
        if kind == "flag":
            colour = FLAG_COLOURS.get(str(props.get("status")), "#e74c3c")
        else:
            colour = ROLE_COLOURS.get(kind, "#95a5a6")
        flag_status = flagged.get(node["id"])
        border = FLAG_COLOURS[flag_status] if flag_status else "#2c3e50"
        centre = node["id"] == network.get("center")
        matters = centre or kind in ("seller", "flag", "cluster") or flag_status is not None
        nodes.append(
            {
                "id": node["id"],
                "label": str(node["label"])[:32] if matters or not big else "",
                "font": {"size": 40 if big and matters else 12},
                "title": node_title(node),
                "shape": SHAPES.get(kind, "dot"),
                "size": 26 if centre else (16 if kind in ("seller", "buyer") else 11),
                "color": {"background": colour, "border": border},
                "borderWidth": 4 if flag_status == "open" else (2 if flag_status else 1),
                "details": {"type": kind, "depth": node.get("depth"), **props},
            }
        )
    edges = [
        {
            "from": e["source"],
            "to": e["target"],
            "color": EDGE_COLOURS.get(e["type"], "#7f8c8d"),
            "dashes": e["type"] in ("holds", "member_of"),
            "title": e["type"]
            + "".join(f"\n{k}: {v}" for k, v in (e.get("properties") or {}).items()),
        }
        for e in network["edges"]
    ]
    return nodes, edges


def only_kinds(network: JSON, kinds: set[str]) -> JSON:
    """The network with only nodes of ``kinds`` (the centre always) and the edges between them."""
    nodes = [n for n in network["nodes"] if n["type"] in kinds or n["id"] == network.get("center")]
    kept = {n["id"] for n in nodes}
    edges = [e for e in network["edges"] if e["source"] in kept and e["target"] in kept]
    return {**network, "nodes": nodes, "edges": edges}


def _embed(value: Any) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value, default=str).replace("</", "<\\/")


def network_html(network: JSON, *, height: int = 620, name: str = "network") -> str:
    """The whole interactive page for ``st.components.v1.html``."""
    nodes, edges = vis_data(network)
    many = len(nodes) > 400
    return TEMPLATE.format(
        height=height,
        vis=vis_script(),
        nodes=_embed(nodes),
        edges=_embed(edges),
        iterations=120 if many else 250,
        seed=SEED,
        filename=html.escape(name, quote=True),
    )


TEMPLATE = """<!doctype html>
<html><head><meta charset="utf-8">
<style>
 body {{ margin: 0; font-family: sans-serif; font-size: 13px; }}
 #wrap {{ display: flex; gap: 8px; }}
 #graph {{ flex: 1; height: {height}px; border: 1px solid #ddd; border-radius: 6px; }}
 #side {{ width: 260px; height: {height}px; overflow: auto; }}
 #details {{ white-space: pre-wrap; word-break: break-all; background: #f7f7f7; padding: 6px;
            border-radius: 6px; min-height: 60px; }}
 button {{ margin-bottom: 6px; }}
 div.vis-tooltip {{ position: absolute; visibility: hidden; padding: 5px; white-space: pre-wrap;
                   background: #fffbe6; border: 1px solid #ccc; border-radius: 4px;
                   box-shadow: 2px 2px 6px rgba(0,0,0,.2); pointer-events: none; z-index: 5; }}
</style>
<script>{vis}</script>
</head><body>
<div id="wrap"><div id="graph"></div>
<div id="side"><button id="png">Save as PNG</button>
<div><b>Selected node</b> (click one)</div><div id="details">nothing selected</div></div></div>
<script>
const nodes = new vis.DataSet({nodes});
const edges = new vis.DataSet({edges});
const network = new vis.Network(document.getElementById("graph"), {{nodes, edges}}, {{
  layout: {{ randomSeed: {seed} }},
  interaction: {{ hover: true, tooltipDelay: 150, navigationButtons: false }},
  physics: {{ solver: "barnesHut", stabilization: {{ iterations: {iterations}, fit: true }},
             barnesHut: {{ gravitationalConstant: -6000, springLength: 120 }} }},
  edges: {{ smooth: false, width: 1.2 }},
  nodes: {{ font: {{ size: 12 }} }}
}});
network.on("beforeDrawing", (ctx) => {{
  ctx.save(); ctx.setTransform(1, 0, 0, 1, 0, 0); ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height); ctx.restore();
}});
network.once("afterDrawing", () => {{ document.body.dataset.drawn = "1"; }});
network.once("stabilizationIterationsDone", () => {{
  network.setOptions({{ physics: false }});
  document.body.dataset.stabilized = "1";
}});
network.on("click", (params) => {{
  const box = document.getElementById("details");
  if (!params.nodes.length) {{ box.textContent = "nothing selected"; return; }}
  const node = nodes.get(params.nodes[0]);
  box.textContent = JSON.stringify(node.details, null, 1);
}});
document.getElementById("png").addEventListener("click", () => {{
  const link = document.createElement("a");
  link.href = network.canvas.frame.canvas.toDataURL("image/png");
  link.download = "{filename}.png";
  document.body.appendChild(link); link.click(); link.remove();
}});
</script></body></html>
"""
