"""A self-contained HTML report of an analysis: PNG figures and a map script inline, no external files."""
from __future__ import annotations

import base64
import html
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .atomic import write_text
from .io import time_zone
from .rca import Incident
from .templates import health_line, template_health
from .terms import count_codes, distinctive_values

__all__ = ["ReportContent", "analysis_report", "most_unusual", "figure_uri", "render_report", "write_report"]

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2933;background:#f5f7fa}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{margin:0 0 4px}h2{margin-top:32px;border-bottom:2px solid #d9e2ec;padding-bottom:4px}
.sub{color:#627d98;margin:0 0 16px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 3px #0002;min-width:140px}
.card b{display:block;font-size:1.5em}
table{border-collapse:collapse;background:#fff;width:100%;font-size:.9em;margin:8px 0}
th,td{border-bottom:1px solid #e4e7eb;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f4f8}
td.msg{font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-word}
summary,code{overflow-wrap:anywhere}
img{max-width:100%;background:#fff;border-radius:8px;box-shadow:0 1px 3px #0002}
details{background:#fff;border-radius:8px;padding:8px 16px;margin:8px 0;box-shadow:0 1px 3px #0002}
summary{cursor:pointer;font-weight:600}
code,pre{background:#f0f4f8;border-radius:4px;padding:2px 4px}
pre{padding:8px;white-space:pre-wrap}
#logad-map{width:100%;max-width:900px;height:auto;background:#fff;border-radius:8px;box-shadow:0 1px 3px #0002}
#logad-map circle{fill:#9fb7d9;fill-opacity:.7;cursor:pointer}
#logad-map circle.flagged{fill:#c44e52}
#logad-map circle.sel{stroke:#1f2933;stroke-width:2;fill-opacity:1}
#logad-tip{position:fixed;pointer-events:none;background:#1f2933;color:#fff;padding:4px 8px;border-radius:4px;
font:12px ui-monospace,Menlo,Consolas,monospace;max-width:520px;white-space:pre-wrap;z-index:9}
.lines-box{max-height:420px;overflow:auto}
#logad-lines tr.hl td{background:#ffe8a3}
details[data-incident]>summary:hover{text-decoration:underline}
"""

# Builds the map and the flagged-line list from the JSON block with DOM calls and textContent only,
# so no log text is ever parsed as HTML.
_MAP_SCRIPT = """
(function () {
  var data = JSON.parse(document.getElementById("logad-map-data").textContent);
  var svg = document.getElementById("logad-map"), tip = document.getElementById("logad-tip");
  var status = document.getElementById("logad-map-status"), body = document.querySelector("#logad-lines tbody");
  var NS = "http://www.w3.org/2000/svg", W = 900, H = 460, PAD = 14, circles = [], rows = [];
  data.x.forEach(function (x, i) {
    var c = document.createElementNS(NS, "circle");
    c.setAttribute("cx", (PAD + x * (W - 2 * PAD)).toFixed(1));
    c.setAttribute("cy", (PAD + (1 - data.y[i]) * (H - 2 * PAD)).toFixed(1));
    c.setAttribute("r", Math.min(3 + 1.5 * Math.log(1 + data.count[i]), 14).toFixed(1));
    c.setAttribute("data-point", String(i));
    if (data.flagged[i]) { c.setAttribute("class", "flagged"); }
    svg.appendChild(c);
    circles.push(c);
  });
  var L = data.lines;
  L.where.forEach(function (where, j) {
    var tr = document.createElement("tr");
    [L.cluster[j], where, L.time[j], L.component[j], L.text[j]].forEach(function (value, k) {
      var td = document.createElement("td");
      td.textContent = value;
      if (k === 4) { td.className = "msg"; }
      tr.appendChild(td);
    });
    body.appendChild(tr);
    rows.push({tr: tr, point: L.point[j], incident: String(L.cluster[j])});
  });
  function highlight(test, label) {
    var picked = {}, n = 0, first = null;
    rows.forEach(function (row) {
      var on = test(row);
      row.tr.classList.toggle("hl", on);
      if (on) { n += 1; picked[row.point] = true; if (!first) { first = row.tr; } }
    });
    circles.forEach(function (c, i) { c.classList.toggle("sel", !!picked[i]); });
    // The list holds the first flagged lines only: a later incident's lines may all be past it.
    var cut = L.where.length < data.n_flagged_lines ? " (the list holds the first " + L.where.length + " of "
      + data.n_flagged_lines + " flagged lines; anomalies.csv has every one)" : "";
    status.textContent = label + ": " + n + " highlighted line" + (n === 1 ? "" : "s") + cut;
    if (first) { first.scrollIntoView({block: "nearest"}); }
  }
  svg.addEventListener("mouseover", function (e) {
    var i = e.target.getAttribute && e.target.getAttribute("data-point");
    if (i === null || i === undefined) { return; }
    tip.textContent = data.message[+i] + "  (" + data.count[+i] + " lines)";
    tip.hidden = false;
  });
  svg.addEventListener("mousemove", function (e) {
    tip.style.left = (e.clientX + 12) + "px";
    tip.style.top = (e.clientY + 12) + "px";
  });
  svg.addEventListener("mouseout", function () { tip.hidden = true; });
  svg.addEventListener("click", function (e) {
    var i = e.target.getAttribute && e.target.getAttribute("data-point");
    if (i === null || i === undefined) { return; }
    highlight(function (row) { return row.point === +i; }, "message " + data.message[+i]);
  });
  // delegated: the incident list comes after this script in the page
  document.addEventListener("click", function (e) {
    var summary = e.target.closest && e.target.closest("summary");
    var id = summary && summary.parentNode.getAttribute("data-incident");
    if (id === null || id === undefined || !summary) { return; }
    highlight(function (row) { return row.incident === id; }, "incident " + id);
  });
})();
"""


@dataclass
class ReportContent:
    """What the report shows; every frame is optional except ``summary``."""

    title: str
    summary: dict
    timeline: str = ""
    wordcloud: str = ""
    incidents: Sequence[Incident] = ()
    top_templates: pd.DataFrame | None = None
    unusual_lines: pd.DataFrame | None = None  # set when nothing was flagged: the top lines below the threshold
    unusual_templates: pd.DataFrame | None = None
    comparison: pd.DataFrame | None = None
    comparison_chart: str = ""
    projector_runs: Sequence[tuple[str, str]] = ()
    notes: list[str] = field(default_factory=list)
    message_map: dict | None = None
    no_incident: str = "No incident found."  # what the incidents section says when it lists none
    trends: pd.DataFrame | None = None
    trends_chart: str = ""


def analysis_report(frame: pd.DataFrame, methods: Sequence[str], n_incidents: int, shown: Sequence[Incident],
                    comparison: pd.DataFrame, *, timeline: str = "", wordcloud: str = "", comparison_chart: str = "",
                    projector_runs: Sequence[tuple[str, str]] = (), message_map: dict | None = None,
                    outside: int = 0) -> ReportContent:
    """The report of one analysis of ``frame`` (n rows with ``is_anomaly``): summary cards, notes, top templates.

    ``shown`` are the incidents detailed (the largest of ``n_incidents``); the
    figures are data URIs (see :func:`figure_uri`); ``message_map`` is :func:`explore.map_payload`'s data;
    ``outside``: flagged events no incident holds.
    """
    flagged = frame["is_anomaly"].to_numpy(dtype=bool)
    kept = ~frame["blank"].to_numpy(dtype=bool)
    # Lines per template id (-1: none) counted in place: selections and their casts took 150 MB at 10M lines.
    ids = frame["template_id"].to_numpy()
    per_id = count_codes(ids, kept, int(ids.max(initial=-1)) + 2, low=-1)
    read = frame.attrs.get("read_report", {})
    summary = {"lines": f"{len(frame):,}", "flagged lines": f"{int(flagged.sum()):,}", "incidents": n_incidents,
               "methods": ", ".join(methods), "templates": f"{int((per_id > 0).sum()):,}",
               "unparsed lines": f"{read.get('unparsed', 0):,}"}
    health = template_health(np.arange(-1, len(per_id) - 1), per_id)
    summary["template health"] = health["status"]
    if "timestamp" in frame and frame["timestamp"].notna().any():
        summary["times"] = time_zone(read)
    notes = [f"warning: {w}" for w in read.get("warnings", [])]
    if health["reasons"]:
        notes.append(f"warning: {health_line(health)}; read the templates with care")
    if len(methods) > 1:
        notes.append("A line counts as anomalous when at least half of the methods flag it.")
    if n_incidents > len(shown):
        notes.append(f"The {len(shown)} largest of {n_incidents} incidents are detailed below "
                     f"(and shaded on the timeline); incidents.csv lists all of them.")
    no_incident = "No incident found."
    if outside:
        said = f"{outside:,} flagged event{'s' if outside > 1 else ''} " + ("are" if outside > 1 else "is")
        if n_incidents:
            notes.append(f"{said} in no incident: scattered at about the rate chance gives, or a template's steady "
                         "background (incident -1 in anomalies.csv).")
        else:
            no_incident = (f"No incident found: {said} scattered at about the rate chance gives, or a template's "
                           "steady background, so none was grouped (anomalies.csv lists them with incident -1).")
    top = unusual_lines = unusual_templates = None
    if flagged.any():
        top = distinctive_values(frame["template"].array[kept], flagged[kept], name="template")
        top = top[top["anomalous_lines"] > 0].head(12)  # a template no flagged line has is no answer
    else:
        unusual_lines, unusual_templates = most_unusual(frame)
        notes.append("No line crossed the threshold. The most unusual lines and templates are still ranked "
                     "below; every one of them is below the threshold.")
    return ReportContent(
        title="logad report", summary=summary, timeline=timeline, wordcloud=wordcloud, incidents=shown,
        top_templates=top, unusual_lines=unusual_lines, unusual_templates=unusual_templates,
        comparison=comparison.round(3) if len(methods) > 1 else None,
        comparison_chart=comparison_chart, projector_runs=projector_runs, notes=notes, message_map=message_map,
        no_incident=no_incident)


UNUSUAL_LINES = 20  # lines (and templates) ranked when nothing crosses the threshold


def most_unusual(frame: pd.DataFrame, limit: int = UNUSUAL_LINES) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The highest-scoring lines and templates of a scored frame (n rows with ``score``), whatever the threshold.

    Lines: ``where`` (``source:line_no``), ``score``, ``template``, ``line``
    (its raw text), best first (file order on ties). Templates: ``template``,
    ``max_score``, ``lines``, ``first`` (``source:line_no`` of its
    highest-scoring line). So that a run that flags nothing still says what
    is closest to anomalous.
    """
    keep = np.flatnonzero(~frame["blank"].to_numpy(dtype=bool) & frame["score"].notna().to_numpy())
    keep = keep[np.argsort(-frame["score"].to_numpy(dtype=float)[keep], kind="stable")]
    template = frame["template"].to_numpy(dtype=object)[keep]
    # Each template's highest-scoring line: its first in score order.
    _, first = np.unique(template, return_index=True)
    first = np.sort(first)
    lines_per_template = pd.Series(template).value_counts()
    top = _line_rows(frame, keep[:limit])
    tops = _line_rows(frame, keep[first[:limit]])
    templates = pd.DataFrame({"template": tops["template"], "max_score": tops["score"],
                              "lines": lines_per_template.reindex(tops["template"]).to_numpy(),
                              "first": tops["where"]})
    return top, templates


def _line_rows(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """``where``, ``score``, ``template``, ``line`` (raw text where kept, else the content) of some rows."""
    part = frame.iloc[rows]
    text = part["content"].astype(object)
    if "raw" in part:
        text = part["raw"].astype(object).where(part["raw"].notna(), text)
    return pd.DataFrame({"where": (part["source"].astype(str) + ":" + part["line_no"].astype(str)).to_numpy(),
                         "score": part["score"].to_numpy(dtype=float),
                         "template": part["template"].astype(str).to_numpy(),
                         "line": text.astype(str).str.slice(0, 200).to_numpy()})


def figure_uri(fig: plt.Figure, dpi: int = 110) -> str:
    """A matplotlib figure as a PNG data URI (the figure is closed)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


# Characters of log text a report cell shows (as the map does); the CSVs hold every one.
TEXT_CHARS = 300


def _clip(text: str, limit: int = TEXT_CHARS) -> str:
    """Log text cut to ``limit`` characters, an ellipsis saying so: a 100 KB line made the page 676,000 px wide."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _table(frame: pd.DataFrame, message_columns: Sequence[str] = ()) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row):
            text = _clip(_cell(value)) if column in message_columns else _cell(value)
            klass = ' class="msg"' if column in message_columns else ""
            cells.append(f"<td{klass}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _cell(value) -> str:
    """A table cell's text: empty for a missing value, floats to 3 places (3 significant digits under 0.001: an
    expectation of 0.0016 lines is not 0), times to the millisecond as in the CSVs."""
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ", timespec="milliseconds" if value.microsecond else "seconds")
    if isinstance(value, float):
        return f"{value:.3g}" if 0 < abs(value) < 0.001 else f"{value:.3f}"
    return str(value)


_NO_DATA = '<p class="sub">No data: no line was flagged as anomalous.</p>'
_NO_TERMS = '<p class="sub">No term is over-represented in the flagged lines: their words are as common elsewhere.</p>'


def _image(uri: str, alt: str) -> str:
    return f'<img src="{uri}" alt="{html.escape(alt)}">' if uri else ""


# Direction marks and overrides, as the escapes that show them: a file name's U+202E reversed the rest of its note.
_BIDI_SHOWN = {c: f"\\u{c:04x}" for c in (0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def _isolated(text: str) -> str:
    """Log text escaped inside a sentence of the report's, isolated: a right-to-left override in it (U+202E)
    reversed the times and counts written after it."""
    return f"<bdi>{html.escape(text)}</bdi>"


def _incident_block(incident: Incident) -> str:
    when = (f"{_cell(pd.Timestamp(incident.start))} → {_cell(pd.Timestamp(incident.end))}" if pd.notna(incident.start)
            else f"lines {incident.first_line_no}–{incident.last_line_no}")
    head = (f"Incident {incident.incident}: root cause <b>{_isolated(_clip(str(incident.root_cause)))}</b> · "
            f"{html.escape(when)} · {incident.n_lines} anomalous event(s) · {_isolated(incident.source)}")
    parts = [f'<details data-incident="{int(incident.incident)}"><summary>{head}</summary>',
             f"<p>First anomalous event (line {incident.first_line_no}): "
             f"<code>{_isolated(_clip(incident.first_event))}</code></p>",
             f"<p>Evidence: {_isolated(_clip(incident.evidence, 4 * TEXT_CHARS))}</p>"]
    # Without a component column the units are templates: name the column so, and do not repeat it.
    by_template = incident.unit == "template"
    candidates = incident.candidates[["component", "score", "first_line_no", "n_lines"]
                                     + ([] if by_template else ["top_template"])].head(5)
    # A unit only named by others, or only behind a warning sign, has no line of its own: no line -1 to read.
    own = candidates["n_lines"] > 0
    candidates = candidates.assign(first_line_no=candidates["first_line_no"].astype(object).where(own, None))
    candidates = candidates.rename(columns={"component": incident.unit})
    parts.append("<h4>Probable root causes</h4>" + _table(candidates, ["template", "top_template"]))
    unit = [] if by_template else ["unit"]
    if len(incident.templates):
        parts.append("<h4>Over-represented templates</h4>" +
                     _table(incident.templates[["template", *unit, "lines", "baseline_lines", "z"]].head(8),
                            ["template"]))
    if len(incident.changes):
        parts.append("<h4>What changed just before</h4>" +
                     _table(incident.changes[["template", *unit, "lines", "baseline_lines", "new"]].head(8),
                            ["template"]))
    parts.append("</details>")
    return "\n".join(parts)


def _json_block(element_id: str, data: dict) -> str:
    """Data in a ``<script type="application/json">`` block; ``<``, ``>`` and ``&`` escaped so no text can close it."""
    text = json.dumps(data, ensure_ascii=True, allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def _map_section(payload: dict) -> list[str]:
    """The map of unique messages and the list of flagged lines it highlights (drawn by :data:`_MAP_SCRIPT`)."""
    shown = len(payload["x"])
    listed = len(payload["lines"]["where"])
    caption = (f"{shown:,} of {payload['n_points']:,} unique messages (every flagged one first); size follows the "
               f"line count, red ones have flagged lines. Hover a point to read it; click a point or an incident "
               f"to highlight its lines below ({listed:,} of {payload['n_flagged_lines']:,} flagged lines listed).")
    head = "".join(f"<th>{name}</th>" for name in ("incident", "line", "time", "component", "message"))
    # The script fills the table, or says in its place that there is nothing to list.
    lines = (f'<div class="lines-box"><table id="logad-lines"><thead><tr>{head}</tr></thead>'
             "<tbody></tbody></table></div>") if listed else _NO_DATA
    return ["<h2>Map of messages</h2>", f'<p class="sub">{html.escape(caption)}</p>',
            '<svg id="logad-map" viewBox="0 0 900 460" role="img" aria-label="map of unique messages"></svg>',
            '<div id="logad-tip" hidden></div><p id="logad-map-status" class="sub"></p>', lines,
            _json_block("logad-map-data", payload), f"<script>{_MAP_SCRIPT}</script>"]
def _trends_section(alerts: pd.DataFrame | None, chart: str, limit: int = 15) -> list[str]:
    """Template trends: the chart of the showcased templates and the strongest alerts."""
    if alerts is None:
        return []
    if alerts.empty:
        return ["<h2>Template trends</h2>",
                "<p>No template burst, dropped, shifted, fell silent, appeared or vanished.</p>"]
    columns = ["kind", "template", "start", "end", "first_line_no", "last_line_no", "source", "score", "expected",
               "observed"]
    if alerts["start"].isna().all():  # a log without timestamps: line numbers place the alerts
        columns = [c for c in columns if c not in ("start", "end")]
    top = alerts.nlargest(limit, "score")[columns]
    return ["<h2>Template trends</h2>",
            f"<p>{len(alerts)} alert(s) on template counts over time (trends.csv lists all of them); "
            f"the strongest {len(top)}:</p>", _image(chart, "template counts with baselines and alerts"),
            _table(top, ["template"])]


def _cards(summary: Mapping) -> str:
    """The row of summary cards, one per name and value, both escaped."""
    cards = "".join(f'<div class="card">{html.escape(str(k))}<b>{html.escape(str(v))}</b></div>'
                    for k, v in summary.items())
    return f'<div class="cards">{cards}</div>'


def _page(title: str, body: Sequence[str]) -> str:
    """One self-contained HTML page in the report's style: ``title`` escaped, ``body`` (HTML parts) as it is."""
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
            f"<body><main>{''.join(body)}</main></body></html>")


def render_report(content: ReportContent) -> str:
    """The report as one HTML string."""
    body = [f"<h1>{html.escape(content.title)}</h1>",
            '<p class="sub">Generated by logad. Every row maps back to its file and line number.</p>',
            _cards(content.summary)]
    for note in content.notes:  # notes name files: a name's direction marks are shown, not obeyed
        body.append(f"<p>{_isolated(note.translate(_BIDI_SHOWN))}</p>")
    if content.timeline:
        body += ["<h2>Timeline</h2>", _image(content.timeline, "lines over time, flagged lines and incidents")]
    if content.message_map:
        body += _map_section(content.message_map)
    body += _trends_section(content.trends, content.trends_chart)
    body.append(f"<h2>Incidents ({content.summary.get('incidents', len(content.incidents))})</h2>")
    body += [_incident_block(i) for i in content.incidents] or [f"<p>{html.escape(content.no_incident)}</p>"]
    if content.unusual_lines is not None:
        body += ["<h2>Most unusual lines (below the threshold)</h2>",
                 "<p>No line crossed the threshold; these scored highest. A score here is the line's percentile "
                 "among all lines under each method, averaged over the methods (1 = the highest); lines that "
                 "share a score scored alike.</p>",
                 _table(content.unusual_lines, ["template", "line"])]
    if content.unusual_templates is not None:
        body += ["<h2>Most unusual templates (below the threshold)</h2>",
                 _table(content.unusual_templates, ["template"])]
    flagged = content.top_templates is not None  # set whenever a line was flagged
    body += ["<h2>Terms that set anomalous lines apart</h2>",
             _image(content.wordcloud, "word cloud") if content.wordcloud else _NO_TERMS if flagged else _NO_DATA]
    body.append("<h2>Top templates among anomalous lines</h2>")
    has_top = content.top_templates is not None and len(content.top_templates)
    body.append(_table(content.top_templates, ["template"]) if has_top else _NO_DATA)
    if content.comparison is not None and len(content.comparison):
        body += ["<h2>Methods compared</h2>", _table(content.comparison),
                 _image(content.comparison_chart, "method comparison chart")]
    if content.projector_runs:
        rows = "".join(f"<li><code>{html.escape(name)}</code>: <code>{html.escape(cmd)}</code></li>"
                       for name, cmd in content.projector_runs)
        body += ["<h2>Embedding Projector</h2>",
                 "<p>Each run folder holds <code>tensors.tsv</code> and <code>metadata.tsv</code>: load them at "
                 "projector.tensorflow.org (<i>Load</i>: tensors first, then metadata), or open them in "
                 "TensorBoard's Projector tab:</p>", f"<ul>{rows}</ul>"]
    return _page(content.title, body)


def write_report(path: str | Path, content: ReportContent) -> Path:
    """Write :func:`render_report` to ``path`` atomically; returns it."""
    return write_text(path, render_report(content))
