"""Every notebook runs top to bottom on the bundled sample without an error and reaches its result."""
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
# Each notebook ends its story with a projector export, printed by ProjectorExport.summary(),
# except the trends notebook, which ends with a comparison of two days.
EXPORTED = re.compile(r"projector: ([\d,]+) points × (\d+) dims")
COMPARED = re.compile(r"symmetric KL divergence (\d+\.\d+); new (\d+), gone (\d+)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path):
    notebook = nbformat.read(path, as_version=4)
    # Executes a copy in memory: the committed outputs are left as they are.
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    # LOGAD_STATIC (conftest) reaches the kernel: explorers draw pictures, no per-point widget state is stored
    assert "widgets" not in notebook.metadata and len(nbformat.writes(notebook)) < 2_000_000
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    if path.stem == "04_template_trends":
        assert "alerts overlap no incident" in printed
        (divergence, new, gone), = COMPARED.findall(printed)
        assert float(divergence) > 0 and int(new) + int(gone) > 0
        return
    exports = EXPORTED.findall(printed)
    assert exports, "the notebook printed no projector export"
    for points, dims in exports:
        assert int(points.replace(",", "")) > 100 and int(dims) >= 2
