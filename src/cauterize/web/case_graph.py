"""The case's network as a picture: the same layout and colours as ``cauterize network``'s page,
drawn as plain SVG shapes by the template (no script, no library in the browser, nothing the
console's Content-Security-Policy has to allow)."""

from __future__ import annotations

import math
from typing import Any

from cauterize.network.page import EDGE_COLOURS, layout

WIDTH, HEIGHT, MARGIN = 760, 440, 30


def case_graph(network: list[dict[str, Any]], members: set[str], limit: int = 60) -> dict[str, Any]:
    """Nodes and edges with pixel positions for the strongest ``limit`` interactions."""
    edges = sorted(network, key=lambda e: -int(e.get("n") or 0))[:limit]
    index: dict[str, int] = {}
    nodes: list[dict[str, Any]] = []
    for e in edges:
        for key, handle in ((e["src"], e.get("src_handle")), (e["dst"], e.get("dst_handle"))):
            if key not in index:
                index[key] = len(nodes)
                nodes.append({"id": key, "label": "@" + (handle or key), "case": key in members})
    pos = layout(len(nodes), [(index[e["src"]], index[e["dst"]], float(e.get("n") or 1)) for e in edges])
    for node, (x, y) in zip(nodes, pos.tolist(), strict=True):
        node["x"] = round(MARGIN + x * (WIDTH - 2 * MARGIN - 120), 1)
        node["y"] = round(MARGIN + y * (HEIGHT - 2 * MARGIN), 1)
    drawn = []
    for e in edges:
        a, b = nodes[index[e["src"]]], nodes[index[e["dst"]]]
        drawn.append(
            {
                "x1": a["x"],
                "y1": a["y"],
                "x2": b["x"],
                "y2": b["y"],
                "kind": e["kind"],
                "colour": EDGE_COLOURS.get(e["kind"], "#999999"),
                "width": round(min(5.0, 0.8 + math.log1p(int(e.get("n") or 1))), 2),
                "title": f"{a['label']} → {b['label']}: {e['kind']} ×{e.get('n')}",
            }
        )
    kinds = sorted({e["kind"] for e in edges})
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "nodes": nodes,
        "edges": drawn,
        "legend": [(k, EDGE_COLOURS.get(k, "#999999")) for k in kinds],
    }
