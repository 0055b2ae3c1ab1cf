"""A seller's neighbourhood as nodes and edges, for the explorer's graph view and exports.

``depth`` counts steps from account to account: a step is a pair (``DEALT_WITH``), a shared
identifier (both accounts hold it; the identifier is a node in between) or an analysis link
(``SHARES_IDENTIFIERS``). Flags on the accounts reached, and their active clusters, come along.
Identifiers held by more than ``MAX_HOLDERS`` accounts (a courier's phone) are shown but not
crossed: they link strangers. Expansion goes level by level, strongest pairs first, and stops at
``limit`` nodes with ``truncated: true``.

Identifier node ids are digests of their keys (``ident:3f2a...``), so a masked view never
reveals a value through an id, and two values that mask alike stay two nodes.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal, LiteralString

from pydantic import BaseModel

from sidedeal.casework.common import natives
from sidedeal.casework.masking import known_values, mask_key, mask_text, mask_value
from sidedeal.errors import NotFound
from sidedeal.graph.store import Store
from sidedeal.ids import parse_account, seller_key

MAX_HOLDERS = 25

LEVEL: LiteralString = """
UNWIND $keys AS key
MATCH (a:Account {account_key: key})
CALL (a) {
  OPTIONAL MATCH (a)-[d:DEALT_WITH]-(o:Account)
  WITH d, o WHERE o IS NOT NULL
  ORDER BY coalesce(d.score, 0.0) DESC, d.findings DESC, o.account_key LIMIT $limit
  RETURN collect({other: o {.account_key, .name, .country, .status},
                  buyer: startNode(d).account_key, seller: endNode(d).account_key,
                  score: d.score, conversations: d.conversations, orders: d.orders,
                  findings: d.findings}) AS pairs
}
CALL (a) {
  OPTIONAL MATCH (a)-[h:HAS_IDENTIFIER]->(i:Identifier)
  WITH DISTINCT i WHERE i IS NOT NULL
  WITH i, COUNT { MATCH (x:Account)-[:HAS_IDENTIFIER]->(i) RETURN DISTINCT x } AS holders
  WHERE holders > 1 OR a.account_key = $center
  CALL (i, holders) {
    OPTIONAL MATCH (x:Account)-[:HAS_IDENTIFIER]->(i)
    WITH DISTINCT x WHERE x IS NOT NULL AND holders <= $max_holders
    RETURN collect(x {.account_key, .name, .country, .status})[..$limit] AS others
  }
  RETURN collect({key: i.key, kind: i.kind, value: i.value, valid: i.valid, holders: holders,
                  others: others}) AS identifiers
}
CALL (a) {
  OPTIONAL MATCH (a)-[l:SHARES_IDENTIFIERS]-(o:Account)
  WITH l, o WHERE o IS NOT NULL ORDER BY l.weight DESC LIMIT $limit
  RETURN collect({other: o {.account_key, .name, .country, .status}, weight: l.weight,
                  shared: l.shared, keys: l.keys}) AS links
}
RETURN a.account_key AS key, pairs, identifiers, links
"""

EXTRAS: LiteralString = """
UNWIND $keys AS key
MATCH (a:Account {account_key: key})
RETURN key,
       [(f:Flag)-[:CONCERNS]->(a) WHERE f.status <> 'cleared' |
          f {.flag_id, .kind, .status, .score, .top_reason,
             evidence: [e IN f.evidence WHERE e CONTAINS ':' AND NOT e STARTS WITH 'buyer:'
                        AND NOT e STARTS WITH 'seller:']}] AS flags,
       [(a)-[:MEMBER_OF]->(c:Cluster) WHERE c.status = 'active' |
          c {.cluster_id, .size, .score}] AS clusters
"""

CENTER: LiteralString = """
MATCH (a:Account {account_key: $key})
RETURN a {.account_key, .name, .country, .status} AS account
"""


class Node(BaseModel):
    id: str
    type: Literal["seller", "buyer", "identifier", "flag", "cluster"]
    label: str
    depth: int
    properties: dict[str, Any] = {}


EdgeType = Literal["pair", "holds", "shares", "concerns", "member_of"]


class Edge(BaseModel):
    source: str
    target: str
    type: EdgeType
    properties: dict[str, Any] = {}


class Network(BaseModel):
    center: str
    depth: int
    limit: int
    truncated: bool
    nodes: list[Node]
    edges: list[Edge]

    def masked(self) -> Network:
        nodes = []
        for node in self.nodes:
            props = dict(node.properties)
            if node.type == "identifier":
                kind = str(props.get("kind"))
                props["value"] = mask_value(kind, str(props.get("value")))
                props["key"] = mask_key(str(props.get("key")))
                nodes.append(node.model_copy(update={"label": props["key"], "properties": props}))
                continue
            if node.type == "flag":
                evidence = [str(e) for e in props.get("evidence") or []]
                if props.get("top_reason"):
                    props["top_reason"] = mask_text(
                        str(props["top_reason"]), known_values(evidence)
                    )
                props["evidence"] = [mask_key(e) for e in evidence]
            nodes.append(node.model_copy(update={"properties": props}))
        edges = []
        for edge in self.edges:
            if edge.type == "shares" and "keys" in edge.properties:
                props = {**edge.properties, "keys": [mask_key(k) for k in edge.properties["keys"]]}
                edges.append(edge.model_copy(update={"properties": props}))
            else:
                edges.append(edge)
        return self.model_copy(update={"nodes": nodes, "edges": edges})


def identifier_node_id(key: str) -> str:
    return "ident:" + hashlib.sha1(key.encode()).hexdigest()[:16]


class _Builder:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.nodes: dict[str, Node] = {}
        self.edges: dict[tuple[str, str, str], Edge] = {}
        self.truncated = False

    def account(self, raw: dict[str, Any], depth: int) -> bool:
        """Add an account node; ``True`` when it is new (so it may be expanded next)."""
        key = str(raw["account_key"])
        if key in self.nodes:
            return False
        kind, account = parse_account(key)
        props = {k: v for k, v in raw.items() if k != "account_key" and v is not None}
        return self.add(
            Node(
                id=key,
                type=kind,
                label=str(raw.get("name") or key),
                depth=depth,
                properties={"id": account, **props},
            )
        )

    def add(self, node: Node, *, over: bool = False) -> bool:
        """Add a node while there is room (``over``: past the cap, to be trimmed later)."""
        if node.id in self.nodes:
            return False
        if len(self.nodes) >= self.limit and not over:
            self.truncated = True
            return False
        self.nodes[node.id] = node
        return True

    def trim(self, keep: set[str]) -> None:
        """Back under the cap by dropping the nodes added last (the farthest and weakest, as
        expansion goes level by level, strongest first), never those in ``keep``."""
        if len(self.nodes) <= self.limit:
            return
        self.truncated = True
        for node_id in reversed(list(self.nodes)):
            if len(self.nodes) <= self.limit:
                break
            if node_id not in keep:
                del self.nodes[node_id]
        self.edges = {
            k: e for k, e in self.edges.items() if e.source in self.nodes and e.target in self.nodes
        }

    def edge(self, source: str, target: str, kind: EdgeType, props: dict[str, Any]) -> None:
        if source in self.nodes and target in self.nodes:
            self.edges.setdefault(
                (source, target, kind),
                Edge(source=source, target=target, type=kind, properties=props),
            )


def network(store: Store, seller_id: str, *, depth: int = 1, limit: int = 200) -> Network:
    """The seller's neighbourhood (see the module docstring); NotFound for an unknown seller."""
    center = seller_key(seller_id)
    rows = store.read(CENTER, {"key": center})
    if not rows:
        raise NotFound(f"no seller {seller_id!r}")
    graph = _Builder(limit)
    graph.account(rows[0]["account"], 0)
    frontier, expanded = [center], []
    for level in range(1, depth + 1):
        if not frontier or graph.truncated:
            break
        # No account can bring more than the room left: fewer rows to read and throw away.
        room = limit - len(graph.nodes)
        params = {"keys": frontier, "center": center, "limit": room, "max_holders": MAX_HOLDERS}
        found: list[str] = []
        for row in store.read(LEVEL, params):
            found += _expand(graph, row, level)
        expanded += frontier
        frontier = found
    _extras(store, graph, expanded + frontier)
    return Network(
        center=center,
        depth=depth,
        limit=limit,
        truncated=graph.truncated,
        nodes=list(graph.nodes.values()),
        edges=list(graph.edges.values()),
    )


def _expand(graph: _Builder, row: dict[str, Any], level: int) -> list[str]:
    me, found = row["key"], []
    for pair in row["pairs"]:
        if graph.account(pair["other"], level):
            found.append(pair["other"]["account_key"])
        props = {k: pair[k] for k in ("score", "conversations", "orders", "findings")}
        graph.edge(pair["buyer"], pair["seller"], "pair", props)
    for ident in row["identifiers"]:
        node_id = identifier_node_id(ident["key"])
        props = {k: ident[k] for k in ("key", "kind", "value", "valid", "holders")}
        props["crossed"] = ident["holders"] <= MAX_HOLDERS
        graph.add(
            Node(id=node_id, type="identifier", label=ident["key"], depth=level, properties=props)
        )
        graph.edge(me, node_id, "holds", {})
        for other in ident["others"]:
            if graph.account(other, level):
                found.append(other["account_key"])
            graph.edge(other["account_key"], node_id, "holds", {})
    for link in row["links"]:
        if graph.account(link["other"], level):
            found.append(link["other"]["account_key"])
        source, target = sorted((me, link["other"]["account_key"]))
        props = {"weight": link["weight"], "shared": link["shared"], "keys": link["keys"]}
        graph.edge(source, target, "shares", props)
    return found


def _extras(store: Store, graph: _Builder, keys: list[str]) -> None:
    """Flags and clusters of the accounts in the network. Flags come first under the cap: they
    are added past it, with the accounts they concern and the centre kept, and the nodes added
    last make room (issue 13: at depth 3 the cap used to drop every flag)."""
    if not keys:
        return
    keep = {keys[0]}
    rows = store.read(EXTRAS, {"keys": keys})
    for row in rows:
        depth = graph.nodes[row["key"]].depth if row["key"] in graph.nodes else 0
        for flag in row["flags"]:
            node_id = f"flag:{flag['flag_id']}"
            if node_id not in graph.nodes and len(keep) + 2 > graph.limit:
                graph.truncated = True
                continue
            props = natives(flag)
            props["evidence"] = list(props.get("evidence") or [])
            graph.add(
                Node(id=node_id, type="flag", label=flag["flag_id"], depth=depth, properties=props),
                over=True,
            )
            graph.edge(node_id, row["key"], "concerns", {})
            keep.update((node_id, row["key"]))
    graph.trim(keep)
    for row in rows:
        depth = graph.nodes[row["key"]].depth if row["key"] in graph.nodes else 0
        for cluster in row["clusters"]:
            node_id = f"cluster:{cluster['cluster_id']}"
            graph.add(
                Node(
                    id=node_id,
                    type="cluster",
                    label=cluster["cluster_id"],
                    depth=depth,
                    properties=dict(cluster),
                )
            )
            graph.edge(row["key"], node_id, "member_of", {})
