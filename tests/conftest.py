"""Shared test helpers: where the optional Loghub samples are, and a marker that skips without them."""
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

ROOT = Path(__file__).resolve().parents[1]
LOGHUB = Path(os.environ.get("LOGAD_LOGHUB", ROOT.parent / "shared" / "data" / "loghub"))
# Header layouts as given in the Loghub README (Zhu et al., ISSRE 2023).
LOGHUB_SYSTEMS = {
    "HDFS": r"<Date> <Time> <Pid> <Level> <Component>: <Content>",
    "Hadoop": r"<Date> <Time> <Level> \[<Process>\] <Component>: <Content>",
    "Spark": r"<Date> <Time> <Level> <Component>: <Content>",
    "Zookeeper": r"<Date> <Time> - <Level>  \[<Node>:<Component>@<Id>\] - <Content>",
    "BGL": r"<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>",
    "Linux": r"<Month> <Date> <Time> <Level> <Component>(\[<PID>\])?: <Content>",
    "Apache": r"\[<Time>\] \[<Level>\] <Content>",
    "OpenSSH": r"<Date> <Day> <Time> <Component> sshd\[<Pid>\]: <Content>",
}
needs_loghub = pytest.mark.skipif(not (LOGHUB / "HDFS").is_dir(), reason="Loghub samples not present")
