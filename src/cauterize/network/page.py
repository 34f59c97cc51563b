"""A self-contained interactive HTML page of an account's neighbourhood.

No network access: the page carries its data as JSON and ~100 lines of its own JavaScript that
draw on a canvas (drag to pan, wheel to zoom, hover for an account's evidence, click to pin).
Positions come from igraph's Fruchterman-Reingold layout, computed here, so the page does not
need a physics library. :func:`render_png` draws the same layout with matplotlib, for docs and
for reports where a browser is not at hand.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

COLOURS = {
    "center": "#1f2937",
    "seed": "#b91c1c",
    "member": "#f97316",
    "protected": "#16a34a",
    "observer": "#22c55e",
    "other": "#94a3b8",
}
EDGE_COLOURS = {
    "repost": "#dc2626",
    "shoutout": "#ea580c",
    "mention": "#f59e0b",
    "follow": "#64748b",
    "quote": "#2563eb",
    "reply": "#0891b2",
}


def layout(n: int, edges: Sequence[tuple[int, int, float]], seed: int = 1) -> np.ndarray:
    import igraph as ig

    if n == 0:
        return np.zeros((0, 2))
    g = ig.Graph(n=n, edges=[(a, b) for a, b, _ in edges], directed=False)
    import random

    ig.set_random_number_generator(random.Random(seed))
    pos = np.asarray(g.layout_fruchterman_reingold(weights=[max(w, 0.05) for _, _, w in edges] or None).coords)
    pos -= pos.min(axis=0)
    span = pos.max(axis=0)
    span[span == 0] = 1
    return pos / span


def page_data(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> dict[str, Any]:
    pos = layout(len(nodes), [(e["s"], e["t"], e["w"]) for e in edges])
    for node, (x, y) in zip(nodes, pos.tolist(), strict=True):
        node["x"], node["y"] = round(x, 4), round(y, 4)
    return {"nodes": nodes, "edges": edges, "colours": COLOURS, "edge_colours": EDGE_COLOURS}


_JS = r"""
const D = JSON.parse(document.getElementById('data').textContent);
const cv = document.getElementById('cv'), ctx = cv.getContext('2d'), tip = document.getElementById('tip');
let W, H, scale = 1, ox = 0, oy = 0, drag = null, hover = null, pinned = null;
function resize() { W = cv.width = cv.clientWidth; H = cv.height = cv.clientHeight; draw(); }
function px(n) { return [(40 + n.x * (W - 180)) * scale + ox, (40 + n.y * (H - 80)) * scale + oy]; }  // room for labels on the right
function radius(n) { return (4 + 2.2 * Math.log10(1 + (n.followers || 0))) * Math.sqrt(scale) * (n.kind === 'center' ? 1.6 : 1); }
function draw() {
  ctx.clearRect(0, 0, W, H);
  const focus = pinned ?? hover;
  for (const e of D.edges) {
    const a = px(D.nodes[e.s]), b = px(D.nodes[e.t]);
    const on = focus === null || e.s === focus || e.t === focus;
    ctx.strokeStyle = D.edge_colours[e.kind] || '#999';
    ctx.globalAlpha = on ? 0.75 : 0.08;
    ctx.lineWidth = Math.min(6, 0.6 + e.w);
    ctx.beginPath(); ctx.moveTo(a[0], a[1]); ctx.lineTo(b[0], b[1]); ctx.stroke();
    const dx = b[0] - a[0], dy = b[1] - a[1], L = Math.hypot(dx, dy) || 1, r = radius(D.nodes[e.t]) + 2;
    const hx = b[0] - dx / L * r, hy = b[1] - dy / L * r;
    ctx.beginPath(); ctx.moveTo(hx, hy);
    ctx.lineTo(hx - (dx * 7 - dy * 3.5) / L, hy - (dy * 7 + dx * 3.5) / L);
    ctx.lineTo(hx - (dx * 7 + dy * 3.5) / L, hy - (dy * 7 - dx * 3.5) / L);
    ctx.closePath(); ctx.fillStyle = ctx.strokeStyle; ctx.fill();
  }
  ctx.globalAlpha = 1;
  D.nodes.forEach((n, i) => {
    const [x, y] = px(n), r = radius(n);
    ctx.fillStyle = D.colours[n.kind] || '#999';
    ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.fill();
    if (i === focus) { ctx.strokeStyle = '#000'; ctx.lineWidth = 2; ctx.stroke(); }
    if (n.kind === 'center' || scale > 1.4 || i === focus || (D.nodes.length <= 60 && n.kind !== 'other')) {
      ctx.fillStyle = '#111'; ctx.font = (n.kind === 'center' ? 'bold 12px' : '10px') + ' sans-serif'; ctx.fillText(n.label, x + r + 2, y + 3);
    }
  });
}
function at(mx, my) {
  let best = null, bd = 1e9;
  D.nodes.forEach((n, i) => { const [x, y] = px(n), d = Math.hypot(x - mx, y - my); if (d < radius(n) + 4 && d < bd) { best = i; bd = d; } });
  return best;
}
function show(i, mx, my) {
  if (i === null) { tip.style.display = 'none'; return; }
  const n = D.nodes[i];
  const esc = s => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  tip.innerHTML = '<b>' + esc(n.label) + '</b> <small>' + esc(n.id) + '</small><br>' + n.info.map(esc).join('<br>');
  tip.style.left = (mx + 14) + 'px'; tip.style.top = (my + 14) + 'px'; tip.style.display = 'block';
}
cv.addEventListener('mousedown', e => { drag = [e.offsetX - ox, e.offsetY - oy, e.offsetX, e.offsetY]; });
cv.addEventListener('mouseup', e => {
  if (drag && Math.hypot(e.offsetX - drag[2], e.offsetY - drag[3]) < 3) { pinned = at(e.offsetX, e.offsetY); show(pinned, e.offsetX, e.offsetY); }
  drag = null; draw();
});
cv.addEventListener('mousemove', e => {
  if (drag) { ox = e.offsetX - drag[0]; oy = e.offsetY - drag[1]; draw(); return; }
  const h = at(e.offsetX, e.offsetY);
  if (h !== hover) { hover = h; if (pinned === null) show(h, e.offsetX, e.offsetY); draw(); }
});
cv.addEventListener('wheel', e => {
  e.preventDefault(); const f = e.deltaY < 0 ? 1.15 : 1 / 1.15;
  ox = e.offsetX - (e.offsetX - ox) * f; oy = e.offsetY - (e.offsetY - oy) * f; scale *= f; draw();
}, {passive: false});
window.addEventListener('resize', resize); resize();
"""

_CSS = """
body { font: 14px system-ui, sans-serif; margin: 0; color: #111; }
header { padding: 10px 16px; border-bottom: 1px solid #ddd; }
#wrap { position: relative; height: 68vh; }
#cv { width: 100%; height: 100%; display: block; background: #fafafa; cursor: grab; }
#tip { position: absolute; display: none; background: #fff; border: 1px solid #bbb; padding: 6px 8px;
       font-size: 12px; max-width: 380px; box-shadow: 0 2px 6px rgba(0,0,0,.15); pointer-events: none; }
.legend span { display: inline-block; margin-right: 14px; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 4px; vertical-align: middle; }
table { border-collapse: collapse; margin: 12px 16px; font-size: 13px; }
td, th { border-bottom: 1px solid #eee; padding: 3px 10px; text-align: left; }
"""


def render_html(title: str, subtitle: str, data: dict[str, Any], table: list[dict[str, str]]) -> str:
    legend = "".join(
        f'<span><i class="dot" style="background:{c}"></i>{html.escape(k)}</span>' for k, c in COLOURS.items()
    ) + "".join(
        f'<span><i class="dot" style="background:{c};border-radius:0"></i>{html.escape(k)}</span>'
        for k, c in EDGE_COLOURS.items()
    )
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    head = list(table[0]) if table else []
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(r[h]))}</td>" for h in head) + "</tr>" for r in table)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<style>{_CSS}</style></head>
<body><header><b>{html.escape(title)}</b> — {html.escape(subtitle)}<div class="legend">{legend}</div>
<small>Drag to pan, wheel to zoom, hover for evidence, click to pin. Proximity is a lead for review, never a verdict.</small></header>
<div id="wrap"><canvas id="cv"></canvas><div id="tip"></div></div>
<table><tr>{"".join(f"<th>{html.escape(h)}</th>" for h in head)}</tr>{rows}</table>
<script id="data" type="application/json">{payload}</script>
<script>{_JS}</script></body></html>
"""


def render_png(data: dict[str, Any], path: str | Path, title: str) -> None:
    """The page's graph drawn with matplotlib (same layout, colours and sizes)."""
    from cauterize.network.plot import require_matplotlib

    require_matplotlib()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nodes, edges = data["nodes"], data["edges"]
    fig, ax = plt.subplots(figsize=(10, 7.5))
    for e in edges:
        a, b = nodes[e["s"]], nodes[e["t"]]
        ax.annotate(
            "",
            xy=(b["x"], b["y"]),
            xytext=(a["x"], a["y"]),
            arrowprops={
                "arrowstyle": "-|>",
                "color": EDGE_COLOURS.get(e["kind"], "#999"),
                "lw": min(4, 0.5 + e["w"]),
                "alpha": 0.6,
                "shrinkA": 4,
                "shrinkB": 6,
            },
        )
    for n in nodes:
        size = (4 + 2.2 * np.log10(1 + (n.get("followers") or 0))) ** 2 * (2.5 if n["kind"] == "center" else 1)
        ax.scatter([n["x"]], [n["y"]], s=size, color=COLOURS.get(n["kind"], "#999"), zorder=3, edgecolors="white")
        if n["kind"] in ("center", "seed") or n.get("role"):
            ax.text(n["x"] + 0.01, n["y"] + 0.01, n["label"], fontsize=7, zorder=4)
    handles = [plt.Line2D([], [], marker="o", ls="", color=c, label=k) for k, c in COLOURS.items()]
    handles += [plt.Line2D([], [], color=c, label=k) for k, c in EDGE_COLOURS.items()]
    ax.legend(handles=handles, loc="lower left", fontsize=7, ncol=2)
    ax.invert_yaxis()  # canvas y grows downwards
    ax.set_axis_off()
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
