"""The journal being generated: its state, its events, and the day-by-day schedule of incidents."""

from __future__ import annotations

import bisect
import heapq
import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd

from ._draws import Draws
from ._incidents import AGENTS, CASSETTE_FULL, SCENARIOS, Window, run_incident
from ._traffic import DAY_S, SESSIONS_PER_HOUR, Traffic

INCIDENT_GAP_S = 900.0  # quiet time between two incidents, so each line has one incident


class Journal(Traffic):
    """Unsorted events (time, component, message, incident number or -1) added day by day."""

    def __init__(self, seed: int, start: str) -> None:
        self.rng = np.random.default_rng(seed)
        self.draws = draws = Draws(self.rng)
        self.start_date = date.fromisoformat(start)
        self.times: list[float] = []
        self.components: list[str] = []
        self.messages: list[str] = []
        self.incident_of: list[int] = []
        self.scenarios: list[str] = []  # scenario name by incident number
        self.windows: list[Window] = []  # sorted by start
        self._window_starts: list[float] = []
        self._state: list[tuple] = []  # heap of (time, order, action, arg) for cassette state
        self._state_order = itertools.count()
        integer, choice = draws.integer, draws.choice
        self.session_id = integer(1000, 60000)
        self.stan = integer(1, 900000)
        self.alert = integer(100, 9000)
        self.batch = integer(100, 900)
        self.pid = integer(900, 4000)
        self.host_ip = f"10.{integer(0, 255)}.{integer(0, 255)}.{integer(1, 254)}"
        self.host_port = choice((5000, 6001, 7001, 9100))
        self.host_name = choice(("authsrv1", "switch-a", "hostgw02", "posthost"))
        self.constants = {"host_ip": self.host_ip, "host_port": self.host_port, "host_name": self.host_name,
                          "terminal_id": f"ATM{integer(100000, 999999)}"}
        self.versions = {name: f"{integer(2, 5)}.{integer(0, 9)}.{integer(0, 20)}" for name in AGENTS}
        self.cassettes = list(CASSETTE_FULL)
        self.reject = integer(0, 30)
        self.retained = integer(0, 3)
        self.disk = integer(30, 55)
        self.boots = [-integer(3600, 20 * 3600)]
        self.free_at = 0.0  # when the customer in front leaves
        self.last_incident_end = -1e9
        self.next_replenish = integer(0, 2)
        self.day_transactions = integer(120, 220)  # the day before the log started
        self.day_amount = 110 * self.day_transactions

    # ------------------------------------------------------------------ state
    def emit(self, t: float, component: str, message: str, incident: int = -1) -> None:
        """Add one line; incident -1 is normal traffic."""
        self.times.append(t)
        self.components.append(component)
        self.messages.append(message)
        self.incident_of.append(incident)

    def next_stan(self) -> str:
        self.stan = self.stan % 999999 + 1
        return f"{self.stan:06d}"

    def next_alert(self) -> str:
        self.alert += 1
        return f"A{self.alert:05d}"

    def add_boot(self, t: float) -> None:
        bisect.insort(self.boots, t)

    def uptime_hours(self, t: float) -> int:
        i = bisect.bisect_right(self.boots, t) - 1
        return int((t - self.boots[max(i, 0)]) // 3600)

    def active(self, t: float) -> Window | None:
        """The incident or maintenance window holding time t, if any."""
        i = bisect.bisect_right(self._window_starts, t) - 1
        if i >= 0:
            w = self.windows[i]
            if t < w.end:
                return w
        return None

    def add_window(self, w: Window) -> None:
        i = bisect.bisect_right(self._window_starts, w.start)
        self._window_starts.insert(i, w.start)
        self.windows.insert(i, w)

    def busy(self, a: float, b: float) -> bool:
        """True when [a, b] overlaps the span of any incident or maintenance."""
        i = bisect.bisect_right(self._window_starts, b)
        return any(w.first < b and w.last > a for w in self.windows[max(0, i - 4):i])

    def push_state(self, t: float, action: str, arg=None) -> None:
        """Schedule a cassette-state change ('set', 'replenish') or a counts line ('counts', incident or None)."""
        heapq.heappush(self._state, (t, next(self._state_order), action, arg))

    def flush_state(self, until: float) -> None:
        """Apply cassette-state events before `until`; 'counts' events write a counts line."""
        heap = self._state
        while heap and heap[0][0] < until:
            t, _, action, arg = heapq.heappop(heap)
            if action == "set":
                self.cassettes[arg[0]] = arg[1]
            elif action == "replenish":
                self.cassettes = list(CASSETTE_FULL)
                self.reject = 0
            else:  # counts
                w = self.active(t)
                if w is not None and w.traffic == "off" and arg is None:
                    continue
                incident = arg if arg is not None else (w.incident if w is not None and w.traffic == "cassette" else -1)
                c1, c2, c3 = self.cassettes
                self.emit(t, "DISPENSER", f"Cassette counts: C1={c1} C2={c2} C3={c3} REJ={self.reject}", incident)

    # ------------------------------------------------------------------ one day
    def day(self, d: int) -> None:
        """Add every event of day d (incidents first, so traffic can react to them)."""
        base = float(d * DAY_S)
        day_date = self.start_date + timedelta(days=d)
        self.emit(base, "JOURNAL", f"Day start {day_date.isoformat()}")
        self._incidents(base)
        self._maintenance(d, base)
        self._routine(base, day_date)
        self._periodic(base)
        self._sessions(base, day_date)
        self.flush_state(base + DAY_S)

    def _incidents(self, base: float) -> None:
        """Draw the day's incident candidates and run those that do not overlap the previous one."""
        uniform = self.draws.uniform
        names = list(SCENARIOS)
        rate_cum = list(itertools.accumulate(s.per_day for s in SCENARIOS.values()))
        hour_cum = list(itertools.accumulate(SESSIONS_PER_HOUR))
        candidates = []
        for _ in range(int(self.rng.poisson(rate_cum[-1]))):
            name = names[min(bisect.bisect_right(rate_cum, uniform() * rate_cum[-1]), len(names) - 1)]
            timing = SCENARIOS[name].timing
            if timing == "usage" and uniform() < 0.8:  # worn parts fail when customers use them
                hour = bisect.bisect_right(hour_cum, uniform() * hour_cum[-1])
                t = base + (hour + uniform()) * 3600
            elif timing == "daytime":
                t = base + (8 + 7 * uniform()) * 3600
            else:
                t = base + uniform() * DAY_S
            candidates.append((max(t, base + 900 + 60 * uniform()), name))
        for t, name in sorted(candidates):
            if t < self.last_incident_end + INCIDENT_GAP_S or t > base + DAY_S - 60:
                continue
            self.scenarios.append(name)
            w = run_incident(self, SCENARIOS[name], t, len(self.scenarios) - 1)
            self.add_window(w)
            self.last_incident_end = w.last


@dataclass
class SyntheticLog:
    """A generated journal: its lines, per-line labels and one row per incident."""

    lines: list[str]
    labels: pd.DataFrame  # LABEL_COLUMNS, one row per line
    incidents: pd.DataFrame  # INCIDENT_COLUMNS, one row per incident


LABEL_COLUMNS = ["line_no", "is_anomaly", "incident_id", "root_cause_component", "incident_kind"]
INCIDENT_COLUMNS = ["incident_id", "incident_kind", "root_cause_component", "start", "end"]


def generate(n_lines: int = 20000, seed: int = 0, start: str = "2026-03-02") -> SyntheticLog:
    """Synthetic ATM journal of exactly n_lines lines with its labels and incidents. Same seed, same output.

    Labels (n_lines rows): line_no (1-based), is_anomaly (0/1), incident_id ('INC0001'..., '' for normal
    lines), root_cause_component and incident_kind ('' for normal lines). ``labels.attrs["scenarios"]``
    maps each incident id to its scenario (a key of SCENARIOS). Incidents: one row per incident that began
    before the last line, with start and end as 'YYYY-MM-DD HH:MM:SS' (end cut at the last line).
    """
    n_lines = int(n_lines)
    if n_lines < 0:
        raise ValueError("n_lines must be >= 0")
    journal = Journal(int(seed), start)
    # A day's lines are final once the next day starts: later days only add later times.
    final, spill, d = 0, [], 0
    while final < n_lines:
        n_before = len(journal.times)
        journal.day(d)
        d += 1
        boundary = float(d * DAY_S)
        pending = spill + journal.times[n_before:]
        final += sum(1 for t in pending if t < boundary)
        spill = [t for t in pending if t >= boundary]
    times = np.asarray(journal.times, dtype=np.float64)
    order = np.argsort(times, kind="stable")[:n_lines]
    secs = (np.floor(times[order]).astype(np.int64) % DAY_S).tolist()
    clock, seqs = _time_strings(), _seq_strings()
    components, messages = journal.components, journal.messages
    lines = [f"{clock[s]}  {seqs[i % 10000]} {components[j]} {messages[j]}"
             for i, s, j in zip(range(1, n_lines + 1), secs, order.tolist())]
    incident = np.asarray(journal.incident_of, dtype=np.int64)[order]
    scenarios = [SCENARIOS[name] for name in journal.scenarios]
    ids = np.array([""] + [f"INC{i + 1:04d}" for i in range(len(scenarios))], dtype=object)
    roots = np.array([""] + [s.component for s in scenarios], dtype=object)
    kinds = np.array([""] + [s.kind for s in scenarios], dtype=object)
    labels = pd.DataFrame({
        "line_no": np.arange(1, n_lines + 1, dtype=np.int64),
        "is_anomaly": (incident >= 0).astype(np.int64),
        "incident_id": pd.Series(ids[incident + 1], dtype=object),
        "root_cause_component": pd.Series(roots[incident + 1], dtype=object),
        "incident_kind": pd.Series(kinds[incident + 1], dtype=object),
    })
    labelled = set(np.unique(incident[incident >= 0]).tolist())
    labels.attrs["scenarios"] = {ids[i + 1]: journal.scenarios[i] for i in sorted(labelled)}
    t_last = float(times[order[-1]]) if n_lines else -1.0
    return SyntheticLog(lines, labels, _incident_table(journal, labelled, t_last))


def _incident_table(journal: Journal, labelled: set[int], t_last: float) -> pd.DataFrame:
    """One row per incident with lines in the log, or (silence, drop) begun before its last line."""
    rows = []
    for w in sorted((w for w in journal.windows if w.incident >= 0), key=lambda w: w.incident):
        scenario = SCENARIOS[journal.scenarios[w.incident]]
        if w.incident in labelled or (not scenario.steps and w.first <= t_last):
            rows.append((f"INC{w.incident + 1:04d}", scenario.kind, scenario.component,
                         _stamp(journal.start_date, w.first), _stamp(journal.start_date, min(w.last, t_last))))
    return pd.DataFrame(rows, columns=INCIDENT_COLUMNS, dtype=object)


def _stamp(day0: date, t: float) -> str:
    """'YYYY-MM-DD HH:MM:SS' of a time in seconds since the first day's midnight."""
    return (datetime(day0.year, day0.month, day0.day) + timedelta(seconds=int(t))).isoformat(sep=" ")


@lru_cache(maxsize=1)
def _time_strings() -> list[str]:
    """'HH:MM:SS' for every second of a day (a lookup beats formatting 1M times)."""
    return [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]


@lru_cache(maxsize=1)
def _seq_strings() -> list[str]:
    """'0000'..'9999'."""
    return [f"{i:04d}" for i in range(10000)]
