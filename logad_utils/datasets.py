"""Seeded synthetic ATM electronic journals (``.jrn``) with labelled incidents.

Line format (one event per line)::

    HH:MM:SS  NNNN COMPONENT message

* ``HH:MM:SS`` -- time of day; lines are in time order and the clock wraps at midnight.
* two spaces, then ``NNNN`` -- a per-line sequence number, zero padded, equal to
  ``line_no % 10000`` (0001 ... 9999, 0000, 0001 ...).
* ``COMPONENT`` -- upper-case subsystem name: CARDREADER, DISPENSER, PINPAD, PRINTER, HOST,
  NETWORK, SESSION, DEVICE, AGENT, POWER, JOURNAL, SECURITY.
* the rest of the line is free text.

Dates: line 1 and the first line of every later day is a marker
``00:00:00  NNNN JOURNAL Day start YYYY-MM-DD``; the date of any line is that of the most
recent marker. Markers are always written, even while the terminal is powered off.

Normal traffic follows a daily rhythm: customer sessions (withdrawal, fast cash, balance
enquiry, mini statement, PIN change, cancelled, customer timeout; declines for insufficient
funds, wrong PIN, limits, expired cards are normal), host heartbeats every 10 minutes,
device status polls every 30 minutes, hourly link checks, UPS and agent status, cassette
counts, morning agent start-ups, nightly journal rotation, totals and upload, and cash
replenishment every few days. Sessions follow an hourly profile with a midday and an
evening peak and little traffic at night; about 3,500 lines make one day. A few benign
warnings (card read retries, rejected notes, TCP retransmissions, retained forgotten cards)
are normal too.

Incidents (``INCIDENT_KINDS``) each have one root-cause component that writes the first
line of the incident, often a mild precursor and then an error; other components show
symptoms later (alerts, device state changes, reversals, declined or aborted sessions,
failed heartbeats, status polls showing the fault) and the incident ends with recovery
lines. There are about five incidents a day (far more than a real terminal has, so that
short logs hold many) and 2-4 % of lines are anomalous. Incidents never overlap.

Labels: a line is anomalous when it belongs to an incident; normal traffic that goes on
during an incident stays normal. The first line of an incident is always written by its
root-cause component (which a detector may still miss: precursors are mild and some reuse
normal wording, e.g. ``Journal disk usage 93%``).

Generation is day by day from one ``numpy.random.default_rng(seed)``, so a shorter log
of the same seed is a prefix of a longer one.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from os import PathLike
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

__all__ = [
    "COMPONENTS",
    "INCIDENT_KINDS",
    "LABEL_COLUMNS",
    "generate_log",
    "write_log",
    "read_labels",
    "labels_path_for",
]

COMPONENTS: tuple[str, ...] = (
    "CARDREADER", "DISPENSER", "PINPAD", "PRINTER", "HOST", "NETWORK",
    "SESSION", "DEVICE", "AGENT", "POWER", "JOURNAL", "SECURITY",
)
# incident kind -> root-cause component
INCIDENT_KINDS: dict[str, str] = {
    "dispenser_jam": "DISPENSER",
    "cassette_empty": "DISPENSER",
    "network_loss": "NETWORK",
    "host_failure": "HOST",
    "card_reader_fault": "CARDREADER",
    "pinpad_key_error": "PINPAD",
    "printer_paper_out": "PRINTER",
    "power_interruption": "POWER",
    "disk_full": "JOURNAL",
}
# relative frequency of each kind
KIND_WEIGHTS: dict[str, float] = {
    "dispenser_jam": 0.15, "cassette_empty": 0.10, "network_loss": 0.15, "host_failure": 0.10,
    "card_reader_fault": 0.13, "pinpad_key_error": 0.09, "printer_paper_out": 0.12,
    "power_interruption": 0.08, "disk_full": 0.08,
}
# faults of worn or used parts happen when customers use the machine: timed like traffic
_USAGE_KINDS = {"dispenser_jam", "cassette_empty", "card_reader_fault", "pinpad_key_error",
                "printer_paper_out", "host_failure"}
LABEL_COLUMNS = ["line_no", "is_anomaly", "incident_id", "root_cause_component"]

INCIDENTS_PER_DAY = 7.0  # mean candidates per day; overlapping ones are dropped (~5 kept)
INCIDENT_GAP_S = 900.0  # quiet time between two incidents, so each line has one incident
# customer sessions per hour of day on a Monday-Thursday
SESSIONS_PER_HOUR: tuple[float, ...] = (
    1.5, 1.0, 0.7, 0.5, 0.6, 1.2, 4.0, 9.0, 14.0, 15.0, 16.0, 19.0,
    24.0, 22.0, 17.0, 17.0, 19.0, 24.0, 23.0, 17.0, 12.0, 9.0, 6.0, 3.5,
)
_WEEKDAY_FACTOR = (0.95, 0.95, 1.0, 1.05, 1.25, 1.2, 0.8)  # Mon..Sun
HEARTBEAT_S = 600
POLL_S = 1800
DAY_S = 86400
CASSETTE_DENOMS = (10, 20, 50)  # EUR notes in C1, C2, C3
CASSETTE_FULL = (2500, 2500, 2000)
_BLOCK = 1 << 15  # random numbers drawn per refill of the scalar streams

_AMOUNTS = (20, 30, 40, 50, 60, 70, 80, 100, 120, 150, 200, 250, 300, 400, 500)
_AMOUNT_CUM = tuple(itertools.accumulate(
    (0.07, 0.03, 0.10, 0.10, 0.06, 0.03, 0.07, 0.17, 0.05, 0.07, 0.12, 0.04, 0.05, 0.02, 0.02)))
_FAST_CASH = (20, 50, 100, 200)
_LANGS = ("EN", "EN", "EN", "DE", "FR", "NL", "ES", "IT", "PL")
_AIDS = ("A0000000041010", "A0000000031010", "A0000000043060", "A0000000032010")
_AGENTS = ("remote-monitor", "xfs-manager", "sw-distribution", "security-agent")
_OPERATORS = ("OP114", "OP207", "OP311", "OP452", "ENG07", "ENG19")
_POLL_BASE = {"CARDREADER": "OK", "DISPENSER": "OK", "PINPAD": "OK", "PRINTER": "OK",
              "HOST": "ONLINE", "MODE": "IN_SERVICE"}
# (response code, host wording, session wording), with cumulative probability for withdrawals
_DECLINES = (
    (0.055, "51", "insufficient funds", "insufficient funds"),
    (0.090, "55", "incorrect PIN", "incorrect PIN"),
    (0.105, "61", "exceeds withdrawal limit", "daily limit exceeded"),
    (0.111, "54", "expired card", "card expired"),
    (0.118, "05", "do not honour", "refused by card issuer"),
)
# enquiries (balance, statement, PIN change) are only refused for PIN or card problems
_ENQUIRY_DECLINES = (
    (0.035, "55", "incorrect PIN", "incorrect PIN"),
    (0.042, "54", "expired card", "card expired"),
    (0.046, "05", "do not honour", "refused by card issuer"),
)
_NO_SESSION_MODES = {"off", "no_sessions", "maint"}


def _poll_text(fault: dict[str, str] | None) -> str:
    """Status-poll message with the given device states replacing the healthy ones."""
    states = dict(_POLL_BASE, **fault) if fault else _POLL_BASE
    return "Status poll: " + " ".join(f"{k}={v}" for k, v in states.items())


_POLL_OK = _poll_text(None)


@lru_cache(maxsize=None)
def _note_mix(amount: int) -> tuple[tuple[int, int, int], str]:
    """Notes per cassette (C1, C2, C3) for an amount and its journal wording."""
    n50 = amount // 50 if amount >= 100 else 0
    rest = amount - 50 * n50
    n20, n10 = rest // 20, (rest % 20) // 10
    counts = (n10, n20, n50)
    words = " ".join(f"{n}x{d}" for n, d in zip(counts, CASSETTE_DENOMS) if n)
    return counts, words


@lru_cache(maxsize=1)
def _time_strings() -> list[str]:
    """'HH:MM:SS' for every second of a day (a lookup beats formatting 1M times)."""
    return [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]


@lru_cache(maxsize=1)
def _seq_strings() -> list[str]:
    """'0000'..'9999'."""
    return [f"{i:04d}" for i in range(10000)]


class _Rand:
    """Scalar draws served from buffered numpy blocks; one rng.random() call per value costs ~1 us."""

    def __init__(self, rng: np.random.Generator) -> None:
        def blocks(draw: Callable[[int], np.ndarray]):
            while True:
                yield draw(_BLOCK).tolist()

        self.u: Callable[[], float] = itertools.chain.from_iterable(blocks(rng.random)).__next__
        self.z: Callable[[], float] = itertools.chain.from_iterable(blocks(rng.standard_normal)).__next__

    def ri(self, lo: int, hi: int) -> int:
        """Integer uniform in [lo, hi]."""
        return lo + int(self.u() * (hi - lo + 1))

    def ch(self, seq):
        """Uniform choice from a sequence."""
        return seq[int(self.u() * len(seq))]

    def logn(self, median: float, sigma: float, lo: float, hi: float) -> float:
        """Log-normal value around median, clipped to [lo, hi] (durations, latencies)."""
        return min(hi, max(lo, median * math.exp(sigma * self.z())))


@dataclass
class _Window:
    """Time span in which an incident (idx >= 0) or maintenance (idx -1) changes behaviour."""

    start: float
    end: float
    mode: str  # cash_fail cassette host_down host_err no_sessions pin_fail no_receipt off maint
    idx: int
    fault: dict[str, str]
    first: float  # first line of the incident (may precede start)
    last: float  # last line of the incident
    extra: dict = field(default_factory=dict)


class _Journal:
    """Accumulates unsorted events (time, component, message, incident index) day by day."""

    def __init__(self, seed: int, start: str) -> None:
        self.rng = np.random.default_rng(seed)
        self.r = _Rand(self.rng)
        self.start_date = date.fromisoformat(start)
        self.T: list[float] = []
        self.C: list[str] = []
        self.M: list[str] = []
        self.L: list[int] = []
        self.incidents: list[str] = []  # kind by incident index
        self._wstarts: list[float] = []
        self._wins: list[_Window] = []
        self._state: list[tuple] = []  # heap of (time, order, action, arg) for cassette state
        self._state_n = 0
        r = self.r
        self.sid = r.ri(1000, 60000)
        self.stan = r.ri(1, 900000)
        self.alert = r.ri(100, 9000)
        self.batch = r.ri(100, 900)
        self.pid = r.ri(900, 4000)
        self.host_ip = f"10.{r.ri(0, 255)}.{r.ri(0, 255)}.{r.ri(1, 254)}"
        self.host_port = r.ch((5000, 6001, 7001, 9100))
        self.host_name = r.ch(("authsrv1", "switch-a", "hostgw02", "posthost"))
        self.tid = f"ATM{r.ri(100000, 999999)}"
        self.versions = {name: f"{r.ri(2, 5)}.{r.ri(0, 9)}.{r.ri(0, 20)}" for name in _AGENTS}
        self.cass = list(CASSETTE_FULL)
        self.reject = r.ri(0, 30)
        self.retained = r.ri(0, 3)
        self.disk = r.ri(30, 55)
        self.boots = [-r.ri(3600, 20 * 3600)]
        self.t_free = 0.0
        self.last_inc_end = -1e9
        self.next_replenish = r.ri(0, 2)
        self.day_txn = r.ri(120, 220)  # the day before the log started
        self.day_amount = 110 * self.day_txn

    # ------------------------------------------------------------------ helpers
    def _e(self, t: float, comp: str, msg: str, lab: int = -1) -> None:
        self.T.append(t)
        self.C.append(comp)
        self.M.append(msg)
        self.L.append(lab)

    def _next_stan(self) -> str:
        self.stan = self.stan % 999999 + 1
        return f"{self.stan:06d}"

    def _next_alert(self) -> str:
        self.alert += 1
        return f"A{self.alert:05d}"

    def _active(self, t: float) -> _Window | None:
        i = bisect.bisect_right(self._wstarts, t) - 1
        if i >= 0:
            w = self._wins[i]
            if t < w.end:
                return w
        return None

    def _add_window(self, w: _Window) -> None:
        i = bisect.bisect_right(self._wstarts, w.start)
        self._wstarts.insert(i, w.start)
        self._wins.insert(i, w)

    def _busy(self, a: float, b: float) -> bool:
        """True when [a, b] overlaps the lines of any incident or maintenance."""
        i = bisect.bisect_right(self._wstarts, b)
        return any(w.first < b and w.last > a for w in self._wins[max(0, i - 4):i])

    def _push_state(self, t: float, action: str, arg=None) -> None:
        self._state_n += 1
        heapq.heappush(self._state, (t, self._state_n, action, arg))

    def _flush_state(self, until: float) -> None:
        """Apply cassette-state events before `until`; 'counts' events write a counts line."""
        heap = self._state
        while heap and heap[0][0] < until:
            t, _, action, arg = heapq.heappop(heap)
            if action == "set":
                self.cass[arg[0]] = arg[1]
            elif action == "replenish":
                self.cass = list(CASSETTE_FULL)
                self.reject = 0
            else:  # counts
                w = self._active(t)
                if w is not None and w.mode == "off" and arg is None:
                    continue
                lab = arg if arg is not None else (w.idx if w is not None and w.mode == "cassette" else -1)
                c1, c2, c3 = self.cass
                self._e(t, "DISPENSER", f"Cassette counts: C1={c1} C2={c2} C3={c3} REJ={self.reject}", lab)

    def _alert(self, t: float, lab: int, texts: tuple[str, ...]) -> str:
        aid = self._next_alert()
        self._e(t, "AGENT", f"Alert {aid} raised: {self.r.ch(texts)}", lab)
        return aid

    def _clear(self, t: float, lab: int, aid: str, t_raised: float) -> None:
        self._e(t, "AGENT", f"Alert {aid} cleared after {max(1, int((t - t_raised) / 60))} min", lab)

    def _escalate(self, t0: float, end: float, lab: int, aid: str, ta: float, device: str, state: str) -> float:
        """Common follow-ons of a device fault: status to host, service ticket, alert reminders.

        Returns the time of the last line written at recovery (or end)."""
        r, e = self.r, self._e
        u = r.u
        told = u() < 0.7
        if told:
            e(t0 + 1 + 15 * u(), "HOST", f"Unsolicited status sent to host: {device} {state}", lab)
        if u() < 0.5 and t0 + 600 < end:
            e(t0 + 60 + 540 * u(), "AGENT", f"Service ticket {r.ri(10000, 99999)} opened for {device}", lab)
        if aid:
            tr = ta
            while True:
                tr += 1800 + 1200 * u()
                if tr >= end:
                    break
                e(tr, "AGENT", f"Alert {aid} still open after {int((tr - ta) / 60)} min", lab)
        last = end
        if told:
            last = end + 1 + 5 * u()
            e(last, "HOST", f"Unsolicited status sent to host: {device} OK", lab)
        return last

    def _auto_resets(self, t0: float, lab: int, comp: str, code: str) -> None:
        """0-2 failed automatic recovery attempts by the faulty device itself."""
        r = self.r
        t = t0
        for k in range(1, r.ri(0, 2) + 1):
            t += 15 + 60 * r.u()
            self._e(t, comp, r.ch((f"Automatic reset attempt {k} failed, error {code}",
                                   f"Reset {k} unsuccessful ({code}), device stays inoperative")), lab)

    def _uptime_h(self, t: float) -> int:
        i = bisect.bisect_right(self.boots, t) - 1
        return int((t - self.boots[max(i, 0)]) // 3600)

    # ------------------------------------------------------------------ one day
    def day(self, d: int) -> None:
        """Add every event of day d (incidents first, so traffic can react to them)."""
        base = float(d * DAY_S)
        day_date = self.start_date + timedelta(days=d)
        self._e(base, "JOURNAL", f"Day start {day_date.isoformat()}")
        self._incidents(base)
        self._maintenance(d, base)
        self._routine(base, day_date)
        self._periodic(base)
        self._sessions(base, day_date)
        self._flush_state(base + DAY_S)

    def _incidents(self, base: float) -> None:
        r = self.r
        kinds = list(KIND_WEIGHTS)
        cum = list(itertools.accumulate(KIND_WEIGHTS.values()))
        hour_cum = list(itertools.accumulate(SESSIONS_PER_HOUR))
        cands = []
        for _ in range(int(self.rng.poisson(INCIDENTS_PER_DAY))):
            kind = kinds[min(bisect.bisect_right(cum, r.u() * cum[-1]), len(kinds) - 1)]
            if kind in _USAGE_KINDS and r.u() < 0.8:
                hour = bisect.bisect_right(hour_cum, r.u() * hour_cum[-1])
                t = base + (hour + r.u()) * 3600
            else:
                t = base + r.u() * DAY_S
            cands.append((max(t, base + 900 + 60 * r.u()), kind))
        for t, kind in sorted(cands):
            if t < self.last_inc_end + INCIDENT_GAP_S or t > base + DAY_S - 60:
                continue
            idx = len(self.incidents)
            self.incidents.append(kind)
            w = getattr(self, "_k_" + kind)(t, idx)
            self._add_window(w)
            self.last_inc_end = w.last

    # ------------------------------------------------------------------ incident kinds
    # Each writes its own lines (root first) and returns the window in which traffic reacts.
    def _k_dispenser_jam(self, t: float, lab: int) -> _Window:
        r, e = self.r, self._e
        u, ri, ch = r.u, r.ri, r.ch
        c = ri(1, 3)
        code = ch(("0x2A03", "0x2A11", "E-4107", "E-4113", "0x3C02", "E-4190"))
        if u() < 0.4:
            e(t, "DISPENSER", ch((f"Pick retry on cassette C{c}, attempt {ri(2, 3)}",
                                  f"Note transport slow on cassette C{c}, timing {ri(180, 420)} ms",
                                  f"Presenter sensor S{ri(1, 8)} dirty, recalibrated")), lab)
            t += 5 + 300 * u()
        e(t, "DISPENSER", ch((f"ERROR {code}: note jam in transport near cassette C{c}",
                              f"Dispense failed: notes jammed at presenter, error {code}",
                              f"Fatal error {code}: transport path blocked",
                              f"Jam detected in stacker, error {code}, {ri(1, 9)} notes held")), lab)
        t0 = t
        amt = ch(_AMOUNTS)
        tt = t0 + 1 + 3 * u()
        if u() < 0.8:
            e(tt, "SESSION", ch(("Transaction aborted: cash could not be dispensed",
                                 f"Withdrawal of {amt} EUR not completed, customer informed",
                                 "Dispense failure reported to customer, card returned")), lab)
            if u() < 0.8:
                stan = self._next_stan()
                tt += 1 + 2 * u()
                e(tt, "HOST", f"Reversal STAN {stan} sent for {amt} EUR, reason dispense failure", lab)
                ms = int(r.logn(350, 0.35, 80, 4000))
                e(tt + ms / 1000, "HOST", f"Reversal STAN {stan} acknowledged, {ms} ms", lab)
        if u() < 0.5:
            e(t0 + 3 + 20 * u(), "DISPENSER", f"Retract attempted, {ri(1, 12)} notes moved to reject bin", lab)
        if u() < 0.9:
            e(t0 + 1 + 30 * u(), "DEVICE", ch(("Dispenser state changed OK -> FATAL",
                                               "Device DISPENSER reported FATAL, terminal in reduced mode")), lab)
        ta = t0 + 5 + 60 * u()
        aid = self._alert(ta, lab, ("cash dispenser out of service", "dispenser fatal error",
                                    "cash withdrawal unavailable")) if u() < 0.85 else ""
        if u() < 0.6:
            e(t0 + 2 + 40 * u(), "SESSION", "Cash withdrawal disabled, other services still available", lab)
        end = t0 + r.logn(2700, 0.6, 600, 4 * 3600)
        self._auto_resets(t0, lab, "DISPENSER", code)
        esc = self._escalate(t0, end, lab, aid, ta, "DISPENSER", "FATAL")
        if u() < 0.5:
            e(end - 300 - 200 * u(), "SECURITY", f"Safe door opened by operator {ch(_OPERATORS)}", lab)
            e(end - 60 * u(), "SECURITY", "Safe door closed", lab)
        e(end, "DISPENSER", ch((f"Dispenser reset by engineer, {ri(2, 25)} notes purged",
                                "Jam cleared, dispenser re-initialised OK",
                                "Dispenser transport module replaced and tested OK")), lab)
        last = end + 1 + 5 * u()
        e(last, "DEVICE", "Dispenser state changed FATAL -> OK", lab)
        if aid and u() < 0.85:
            last += 2 + 20 * u()
            self._clear(last, lab, aid, ta)
        if u() < 0.5:
            last += 1 + 5 * u()
            e(last, "SESSION", "Cash withdrawal service restored", lab)
        return _Window(t0 + 1, end, "cash_fail", lab, {"DISPENSER": "FATAL", "MODE": "REDUCED"}, t, max(last, esc))

    def _k_cassette_empty(self, t: float, lab: int) -> _Window:
        r, e = self.r, self._e
        u, ri, ch = r.u, r.ri, r.ch
        c = ch((0, 1, 1, 2, 2))
        name = f"C{c + 1}"
        if u() < 0.6:
            e(t, "DISPENSER", ch((f"Cassette {name} low: {ri(15, 120)} notes remaining",
                                  f"Low-level sensor on cassette {name} active")), lab)
            t += 60 + 1800 * u()
        e(t, "DISPENSER", ch((f"Cassette {name} empty",
                              f"Cassette {name} exhausted, pick failed: no notes",
                              f"ERROR cassette {name} empty, {CASSETTE_DENOMS[c]} EUR notes unavailable")), lab)
        t0 = t
        self._push_state(t0 + 0.5, "set", (c, 0))
        if u() < 0.7:
            e(t0 + 1 + 10 * u(), "HOST", f"Supply status sent to host: cassette {name} empty", lab)
        if u() < 0.9:
            e(t0 + 1 + 20 * u(), "DEVICE", f"Cassette {name} state changed LOW -> EMPTY", lab)
        ta = t0 + 5 + 60 * u()
        aid = self._alert(ta, lab, ("cash replenishment required", f"cassette {name} empty",
                                    "low cash, replenishment needed")) if u() < 0.85 else ""
        end = t0 + r.logn(5400, 0.5, 1200, 5 * 3600)
        esc = self._escalate(t0, end, lab, aid, ta, f"DISPENSER cassette {name}", "EMPTY")
        op = ch(_OPERATORS)
        e(end - 400 - 200 * u(), "SECURITY", f"Safe door opened by operator {op}", lab)
        e(end, "DISPENSER", f"Cassette {name} replenished, {CASSETTE_FULL[c]} notes loaded", lab)
        self._push_state(end, "set", (c, CASSETTE_FULL[c]))
        last = end + 30 + 60 * u()
        e(last, "SECURITY", "Safe door closed", lab)
        e(last + 1 + 3 * u(), "DEVICE", f"Cassette {name} state changed EMPTY -> OK", lab)
        last += 5
        if aid:
            last += 5 + 30 * u()
            self._clear(last, lab, aid, ta)
        return _Window(t0 + 1, end, "cassette", lab, {"DISPENSER": "CASSETTE_EMPTY"}, t, max(last, esc),
                       {"cass": c})

    def _k_network_loss(self, t: float, lab: int) -> _Window:
        r, e = self.r, self._e
        u, ri, ch = r.u, r.ri, r.ch
        ip, port = self.host_ip, self.host_port
        if u() < 0.5:
            e(t, "NETWORK", ch((f"High latency to host {ip}: {ri(600, 2500)} ms",
                                f"Packet loss {ri(5, 40)}% on link to {ip}",
                                f"TCP retransmissions rising on link to {ip}: {ri(8, 60)} in last minute")), lab)
            t += 10 + 240 * u()
        e(t, "NETWORK", ch((f"Connection to host {ip}:{port} lost: connection reset by peer",
                            f"Link down on eth0, host {ip} unreachable",
                            f"ERROR socket to {ip}:{port} closed: keep-alive timeout",
                            f"No route to host {ip}, network unreachable")), lab)
        t0 = t
        end = t0 + r.logn(480, 0.7, 90, 3600)
        oos = t0 + 60 + 240 * u()
        if oos < end:
            e(oos, "DEVICE", ch(("Terminal switched to offline mode, customer service suspended",
                                 "Host link down, terminal out of service")), lab)
        ta = t0 + 20 + 90 * u()
        aid = self._alert(ta, lab, ("host link down", "network connection lost",
                                    "terminal offline")) if u() < 0.8 and ta < end else ""
        k, tk = 0, t0
        while k < 12:
            tk += 30 + 60 * u() * (1 + k)  # back-off between reconnect attempts
            if tk >= end:
                break
            k += 1
            e(tk, "NETWORK", f"Reconnect attempt {k} to {ip}:{port} failed", lab)
        e(end, "NETWORK", f"Connection to host {ip}:{port} re-established after {int(end - t0)} s", lab)
        last = end + 1 + 3 * u()
        e(last, "HOST", ch((f"Signed on to host {self.host_name}, {ri(0, 4)} stored reversals forwarded",
                            "Host session re-synchronised")), lab)
        last += 1 + 3 * u()
        e(last, "DEVICE", "Terminal back online, in service", lab)
        if aid:
            last += 2 + 30 * u()
            self._clear(last, lab, aid, ta)
        return _Window(t0 + 1, end, "host_down", lab, {"HOST": "OFFLINE", "MODE": "OFFLINE"}, t, last,
                       {"oos": oos})

    def _k_host_failure(self, t: float, lab: int) -> _Window:
        r, e = self.r, self._e
        u, ri, ch = r.u, r.ri, r.ch
        if u() < 0.5:
            e(t, "HOST", f"Host response time {ri(2500, 7000)} ms above threshold", lab)
            t += 20 + 300 * u()
        e(t, "HOST", ch((f"ERROR host {self.host_name} reports system malfunction (96)",
                         "Issuer switch inoperative (91) reported by host",
                         f"Host {self.host_name} rejected message: format error (30)",
                         f"ERROR authorisation service on {self.host_name} not responding correctly")), lab)
        t0 = t
        end = t0 + r.logn(600, 0.6, 120, 3600)
        ta = t0 + 30 + 120 * u()
        aid = self._alert(ta, lab, ("host authorisation failures", "transactions declined by host",
                                    "host errors above threshold")) if u() < 0.75 and ta < end else ""
        if u() < 0.4:
            e(t0 + 10 + 60 * u(), "DEVICE", "Terminal in degraded mode: host errors", lab)
        e(end, "HOST", ch(("Host responses back to normal",
                           f"Host authorisations recovered, response time {ri(200, 600)} ms")), lab)
        last = end
        if aid:
            last += 5 + 60 * u()
            self._clear(last, lab, aid, ta)
        return _Window(t0 + 1, end, "host_err", lab, {"HOST": "DEGRADED"}, t, last)

    def _k_card_reader_fault(self, t: float, lab: int) -> _Window:
        r, e = self.r, self._e
        u, ri, ch = r.u, r.ri, r.ch
        code = ch(("0x1F02", "0x1F07", "E-2031", "E-2045", "0x1A10"))
        if u() < 0.35:
            e(t, "CARDREADER", ch(("Card read retry, track 2 checksum error",
                                   f"Card transport motor current high: {ri(410, 690)} mA",
                                   "Shutter response slow, retry OK")), lab)
            t += 5 + 600 * u()
        e(t, "CARDREADER", ch((f"Hardware error {code}: card transport motor stalled",
                               f"Card reader failure {code}: shutter not responding",
                               f"ERROR {code}: card jammed in reader",
                               f"Card reader sensor fault {code}, device unusable")), lab)
        t0 = t
        if u() < 0.6:  # a customer's card was inside
            pan = f"**** **** **** {ri(0, 9999):04d}"
            self.retained += 1
            e(t0 + 1 + 2 * u(), "CARDREADER", f"Card retained after fault, retain bin count {self.retained}", lab)
            e(t0 + 3 + 5 * u(), "SESSION", ch(("Session aborted: card reader failure",
                                               "Customer session terminated, card could not be returned")), lab)
            e(t0 + 4 + 10 * u(), "SECURITY", f"Card retained due to device fault, PAN {pan}", lab)
            if u() < 0.5:
                e(t0 + 5 + 20 * u(), "HOST", f"Card retention advice sent for PAN {pan}", lab)
        e(t0 + 2 + 30 * u(), "DEVICE", ch(("Card reader state changed OK -> FATAL, terminal out of service",
                                           "Device CARDREADER reported FATAL")), lab)
        ta = t0 + 5 + 60 * u()
        aid = self._alert(ta, lab, ("card reader out of service", "card reader hardware fault",
                                    "terminal out of service")) if u() < 0.85 else ""
        end = t0 + r.logn(2100, 0.6, 480, 3 * 3600)
        self._auto_resets(t0, lab, "CARDREADER", code)
        esc = self._escalate(t0, end, lab, aid, ta, "CARDREADER", "FATAL")
        e(end, "CARDREADER", ch(("Card reader reset completed, device OK",
                                 "Card reader replaced and self-test passed",
                                 "Jammed card removed, reader operational")), lab)
        last = end + 1 + 3 * u()
        e(last, "DEVICE", "Terminal back in service", lab)
        if u() < 0.5 and self.retained:
            last += 10 + 60 * u()
            e(last, "SECURITY", f"{self.retained} retained cards removed by operator {ch(_OPERATORS)}", lab)
            self.retained = 0
        if aid:
            last += 2 + 30 * u()
            self._clear(last, lab, aid, ta)
        return _Window(t0 + 1, end, "no_sessions", lab, {"CARDREADER": "FATAL", "MODE": "OUT_OF_SERVICE"}, t,
                       max(last, esc))

    def _k_pinpad_key_error(self, t: float, lab: int) -> _Window:
        r, e = self.r, self._e
        u, ri, ch = r.u, r.ri, r.ch
        k = ri(1, 8)
        code = ch(("0x0B21", "0x0B34", "E-7012", "E-7020"))
        if u() < 0.3:
            e(t, "PINPAD", ch((f"EPP self-check warning: key slot {k} checksum",
                               "Keypad tamper sensor self-test retry")), lab)
            t += 30 + 900 * u()
        e(t, "PINPAD", ch((f"EPP error {code}: PIN key verification failed, key index {k}",
                           "Encryption error: working key invalid",
                           f"PIN block encryption failed, EPP returned {code}",
                           f"ERROR secure keypad: key check value mismatch for key {k}")), lab)
        t0 = t
        if u() < 0.7:
            tk = t0 + 2 + 10 * u()
            e(tk, "HOST", "Key exchange request sent to host", lab)
            if u() < 0.8:
                e(tk + 1 + 2 * u(), "HOST", ch(("Key exchange failed: MAC verification error",
                                                "Key exchange rejected by host (code 88)")), lab)
        if u() < 0.6:
            e(t0 + 5 + 30 * u(), "SECURITY", ch(("EPP tamper status checked: no tamper, key reload required",
                                                 "Security alarm: EPP key error reported")), lab)
        e(t0 + 1 + 40 * u(), "DEVICE", "PIN pad state changed OK -> FATAL", lab)
        ta = t0 + 5 + 60 * u()
        aid = self._alert(ta, lab, ("PIN pad key error", "encrypting PIN pad unavailable",
                                    "PIN entry not possible")) if u() < 0.85 else ""
        end = t0 + r.logn(1800, 0.6, 300, 3 * 3600)
        self._auto_resets(t0, lab, "PINPAD", code)
        esc = self._escalate(t0, end, lab, aid, ta, "PINPAD", "FATAL")
        if u() < 0.5:
            e(end - 30 * u() - 1, "SECURITY", f"Keys reloaded by operator {ch(_OPERATORS)}", lab)
        else:
            e(end - 3 * u() - 1, "HOST", "Key exchange completed, new working key active", lab)
        e(end, "PINPAD", "EPP ready, key check OK", lab)
        last = end + 1 + 3 * u()
        e(last, "DEVICE", "PIN pad state changed FATAL -> OK", lab)
        if aid:
            last += 2 + 30 * u()
            self._clear(last, lab, aid, ta)
        return _Window(t0 + 1, end, "pin_fail", lab, {"PINPAD": "FATAL"}, t, max(last, esc))

    def _k_printer_paper_out(self, t: float, lab: int) -> _Window:
        r, e = self.r, self._e
        u, ri, ch = r.u, r.ri, r.ch
        if u() < 0.7:
            e(t, "PRINTER", ch(("Receipt paper low", "Receipt paper near-end sensor active",
                                f"Paper low warning, about {ri(5, 40)} receipts left")), lab)
            t += r.logn(2400, 0.6, 120, 3 * 3600)
        e(t, "PRINTER", ch(("Receipt printer out of paper", "ERROR receipt printer: paper empty",
                            f"Print failed, paper out (status {ch(('0x04', '0x0C', '0x24'))})")), lab)
        t0 = t
        if u() < 0.85:
            e(t0 + 1 + 20 * u(), "DEVICE", "Receipt printer state changed OK -> FATAL", lab)
        ta = t0 + 5 + 60 * u()
        aid = self._alert(ta, lab, ("receipt printer out of paper", "receipt printer fatal",
                                    "printer needs service")) if u() < 0.8 else ""
        if u() < 0.5:
            e(t0 + 2 + 30 * u(), "SESSION", "Receipt option disabled on customer screens", lab)
        end = t0 + r.logn(4200, 0.6, 900, 5 * 3600)
        esc = self._escalate(t0, end, lab, aid, ta, "PRINTER", "PAPER_OUT")
        e(end, "PRINTER", ch(("Paper roll replaced, printer OK", "Receipt printer reloaded, test page printed")), lab)
        last = end + 1 + 3 * u()
        e(last, "DEVICE", "Receipt printer state changed FATAL -> OK", lab)
        if aid:
            last += 2 + 30 * u()
            self._clear(last, lab, aid, ta)
        return _Window(t0 + 1, end, "no_receipt", lab, {"PRINTER": "PAPER_OUT"}, t, max(last, esc))

    def _k_disk_full(self, t: float, lab: int) -> _Window:
        r, e = self.r, self._e
        u, ri, ch = r.u, r.ri, r.ch
        if u() < 0.7:  # same wording as the nightly usage line, only the number is alarming
            e(t, "JOURNAL", f"Journal disk usage {ri(91, 98)}%", lab)
            t += 30 + 1800 * u()
        e(t, "JOURNAL", ch(("Write to journal failed: no space left on device",
                            f"ERROR journal volume full, {ri(3, 80)} records buffered in memory",
                            "Electronic journal write error (disk full)")), lab)
        t0 = t
        if u() < 0.7:
            e(t0 + 2 + 30 * u(), "AGENT", ch(("Log upload failed: no space for archive",
                                              "Trace file rotation failed")), lab)
        e(t0 + 1 + 10 * u(), "DEVICE", "Terminal out of service: electronic journal unavailable", lab)
        ta = t0 + 5 + 60 * u()
        aid = self._alert(ta, lab, ("journal disk full", "terminal out of service",
                                    "disk space exhausted")) if u() < 0.85 else ""
        if u() < 0.3:
            e(t0 + 3 + 30 * u(), "SECURITY", "Audit log write failed", lab)
        end = t0 + r.logn(1500, 0.6, 300, 2 * 3600)
        esc = self._escalate(t0, end, lab, aid, ta, "JOURNAL", "FULL")
        e(end, "JOURNAL", f"Old journal files archived, {ri(200, 2000)} MB freed", lab)
        self.disk = ri(30, 45)
        last = end + 1 + 2 * u()
        if u() < 0.7:
            e(last, "JOURNAL", f"Journal disk usage {self.disk}%", lab)
        last += 1 + 3 * u()
        e(last, "DEVICE", "Terminal back in service", lab)
        if aid:
            last += 2 + 30 * u()
            self._clear(last, lab, aid, ta)
        return _Window(t0 + 1, end, "no_sessions", lab, {"MODE": "OUT_OF_SERVICE"}, t, max(last, esc))

    def _k_power_interruption(self, t: float, lab: int) -> _Window:
        r, e = self.r, self._e
        u, ri, ch = r.u, r.ri, r.ch
        if u() < 0.8:  # UPS bridges the gap long enough for an orderly shutdown
            e(t, "POWER", ch(("Mains power failure detected, running on UPS", "AC input lost, UPS on battery",
                              "ERROR mains supply interrupted, switched to battery")), lab)
            tt, pct = t, ri(80, 99)
            for _ in range(ri(1, 3)):
                tt += 20 + 40 * u()
                pct -= ri(5, 25)
                e(tt, "POWER", f"UPS battery at {max(pct, 3)}%, estimated runtime {max(1, pct // 10)} min", lab)
            if u() < 0.4:
                e(t + 2 + 10 * u(), "SESSION", "Active session cancelled due to power failure", lab)
            tt += 2 + 5 * u()
            e(tt, "AGENT", ch(("Power loss notification received, starting orderly shutdown",
                               "UPS low-battery signal, shutting down system")), lab)
            e(tt + 1 + u(), "DEVICE", "Closing devices for shutdown", lab)
            e(tt + 2 + u(), "JOURNAL", f"Journal flushed and closed, {ri(500, 9000)} records", lab)
            off = tt + 4 + 2 * u()
            e(off, "AGENT", "System shutdown complete", lab)
            on = off + r.logn(720, 0.7, 120, 5400)
            e(on, "POWER", ch(("Mains power restored, system booting", "AC power back, UPS charging")), lab)
        else:  # no UPS: nothing is written until the machine is back
            off = t
            on = off + r.logn(600, 0.7, 120, 5400)
            e(on, "POWER", ch(("System restarted after unexpected power loss",
                               "Unclean shutdown detected, last power-off not orderly")), lab)
        tt = on + 40 + 60 * u()
        self.boots.insert(bisect.bisect_right(self.boots, tt), tt)
        e(tt, "JOURNAL", ch((f"Journal reopened after power loss, {ri(0, 12)} records recovered",
                             "Journal consistency check passed after restart")), lab)
        for name in _AGENTS[: ri(2, 4)]:
            tt += 1 + 4 * u()
            self.pid += ri(3, 40)
            e(tt, "AGENT", f"Agent {name} started, version {self.versions[name]}, pid {self.pid}", lab)
        for dev in ("CARDREADER", "DISPENSER", "PINPAD", "PRINTER"):
            tt += 1 + 6 * u()
            e(tt, "DEVICE", f"Initialising {dev}: OK", lab)
        tt += 1 + 2 * u()
        self._push_state(tt, "counts", lab)  # counts re-read after restart
        tt += 2 + 5 * u()
        e(tt, "NETWORK", f"Connection to host {self.host_ip}:{self.host_port} established", lab)
        tt += 1 + 2 * u()
        e(tt, "HOST", f"Terminal {self.tid} signed on, status in service", lab)
        if u() < 0.6:
            tt += 2 + 10 * u()
            e(tt, "AGENT", f"Alert {self._next_alert()} raised: terminal restarted after power loss", lab)
        return _Window(off, tt, "off", lab, {}, t, tt)

    # ------------------------------------------------------------------ normal traffic
    def _maintenance(self, d: int, base: float) -> None:
        """Cash replenishment every few days: supervisor mode, no customers meanwhile."""
        if d < self.next_replenish:
            return
        r, e = self.r, self._e
        u, ri, ch = r.u, r.ri, r.ch
        for _ in range(5):
            t = base + (9.5 + 5.5 * u()) * 3600
            dur = 300 + 600 * u()
            if not self._busy(t - 900, t + dur + 900):
                break
        else:
            self.next_replenish = d + 1
            return
        self.next_replenish = d + ri(2, 4)
        op = ch(_OPERATORS)
        e(t, "SECURITY", f"Supervisor mode entered by operator {op}")
        tt = t + 20 + 40 * u()
        e(tt, "SECURITY", "Safe door opened")
        for c in range(3):
            tt += 40 + 60 * u()
            e(tt, "DISPENSER", f"Cassette C{c + 1} exchanged, {CASSETTE_FULL[c]} notes loaded")
        tt += 10 + 30 * u()
        e(tt, "DISPENSER", f"Reject bin emptied, {self.reject} notes removed")
        if u() < 0.5:
            tt += 30 + 60 * u()
            e(tt, "PRINTER", "Receipt paper roll replaced")
        if self.retained and u() < 0.7:
            tt += 10 + 20 * u()
            e(tt, "SECURITY", f"{self.retained} retained cards removed by operator {op}")
            self.retained = 0
        end = max(tt + 20 + 30 * u(), t + dur)
        e(end - 10, "SECURITY", "Safe door closed")
        e(end, "SECURITY", f"Supervisor mode exited by operator {op}")
        self._push_state(end - 5, "replenish")
        self._push_state(end + 2, "counts")
        self._add_window(_Window(t, end + 1, "maint", -1, {"MODE": "SUPERVISOR"}, t, end))

    def _routine(self, base: float, day_date: date) -> None:
        """Once-a-day lines: journal rotation, totals, upload, morning agent start-ups."""
        r, e, off = self.r, self._e, self._off
        u, ri, ch = r.u, r.ri, r.ch
        t = base + 30 + 120 * u()
        if not off(t):
            e(t, "JOURNAL", f"Journal file rotated, new file EJ{day_date:%Y%m%d}.jrn")
            self.disk = min(89, self.disk + ri(0, 2))
            e(t + 1 + u(), "JOURNAL", f"Journal disk usage {self.disk}%")
        t = base + 3600 + 1800 * u()
        if not off(t):
            self.batch += 1
            e(t, "HOST", f"End-of-day totals sent: {self.day_txn} transactions, {self.day_amount} EUR dispensed")
            ms = int(r.logn(400, 0.3, 100, 3000))
            e(t + ms / 1000, "HOST", f"Totals acknowledged by host, batch {self.batch}, {ms} ms")
            self.day_txn = self.day_amount = 0
        t = base + 2 * 3600 + 3600 * u()
        if not off(t):
            e(t, "JOURNAL", f"Electronic journal uploaded to server, {ri(300, 1600)} KB in {ri(2, 30)} s")
        t = base + 5.5 * 3600 + 3600 * u()
        if not off(t):
            self.boots.insert(bisect.bisect_right(self.boots, t), t)
            for name in _AGENTS:
                t += 1 + 5 * u()
                self.pid += ri(3, 40)
                e(t, "AGENT", f"Agent {name} started, version {self.versions[name]}, pid {self.pid}")
            t += 5 + 20 * u()
            e(t, "DEVICE", f"Device self-test completed in {ri(900, 4000)} ms, all devices OK")
            t += 2 + 10 * u()
            e(t, "AGENT", f"Configuration refreshed, {ri(180, 240)} parameters loaded")
            if u() < 0.5:
                t += 5 + 30 * u()
                e(t, "AGENT", f"Software inventory reported, {ri(60, 75)} packages")
            t += 5 + 30 * u()
            e(t, "SECURITY", "Anti-skimming module check passed")
        for _ in range(int(self.rng.poisson(1.0))):  # benign network hiccups
            t = base + DAY_S * u()
            if not off(t):
                e(t, "NETWORK", f"TCP retransmission to host, recovered after {ri(200, 1500)} ms")

    def _off(self, t: float) -> bool:
        w = self._active(t)
        return w is not None and w.mode == "off"

    def _periodic(self, base: float) -> None:
        """Heartbeats, status polls, link/UPS/agent status and cassette-count reports."""
        r, e, active = self.r, self._e, self._active
        u, ri = r.u, r.ri
        host = self.host_name
        for k in range(DAY_S // HEARTBEAT_S):
            t = base + k * HEARTBEAT_S + 1 + 8 * u()
            w = active(t)
            if w is not None and w.mode == "off":
                continue
            if w is not None and w.mode == "host_down":
                e(t, "HOST", f"Heartbeat to {host} not acknowledged after {ri(5, 30)} s", w.idx)
                continue
            ms = int(r.logn(120, 0.4, 20, 2000))
            e(t, "HOST", f"Heartbeat sent to {host}")
            e(t + ms / 1000, "HOST", f"Heartbeat acknowledged in {ms} ms")
        for k in range(DAY_S // POLL_S):
            t = base + k * POLL_S + 300 + 10 * u()
            w = active(t)
            if w is None:
                e(t, "DEVICE", _POLL_OK)
            elif w.mode != "off":
                e(t, "DEVICE", _poll_text(w.fault), w.idx)
        for h in range(24):
            t = base + h * 3600 + 1500 + 20 * u()
            w = active(t)
            if w is None or w.mode not in ("off", "host_down"):
                ms = int(r.logn(25, 0.4, 3, 400))
                e(t, "NETWORK", f"Link to host {self.host_ip}:{self.host_port} up, latency {ms} ms")
            if h % 6 == 2:
                t2 = t + 600 + 10 * u()
                if not self._off(t2):
                    e(t2, "POWER", f"Mains OK, UPS battery {ri(97, 100)}%, load {ri(18, 35)}%")
            if h % 3 == 1:
                t2 = t + 900 + 10 * u()
                if not self._off(t2):
                    e(t2, "AGENT", f"Monitoring agent alive, uptime {self._uptime_h(t2)} h, {ri(80, 160)} MB used")
            if h % 4 == 3:
                self._push_state(t + 1200 + 10 * u(), "counts")

    def _sessions(self, base: float, day_date: date) -> None:
        """Customer sessions, one at a time, following the hourly traffic profile."""
        r = self.r
        u = r.u
        factor = _WEEKDAY_FACTOR[day_date.weekday()] * math.exp(0.12 * r.z())
        counts = self.rng.poisson(np.asarray(SESSIONS_PER_HOUR) * factor)
        hours = np.repeat(np.arange(24), counts)
        starts = np.sort(base + (hours + self.rng.random(hours.size)) * 3600.0).tolist()
        t_free, active, flush, session = self.t_free, self._active, self._flush_state, self._session
        for s in starts:
            t = s if s > t_free else t_free + 2 + 20 * u()  # customers queue: one session at a time
            flush(t)
            w = active(t)
            if w is None:
                t_free = session(t, "", -1, None)
                continue
            mode = w.mode
            if mode in _NO_SESSION_MODES or (mode == "host_down" and t >= w.extra["oos"]):
                continue
            t_free = session(t, mode, w.idx, w)
        self.t_free = t_free

    def _host_reply(self, t: float, stan: str, what: str, mode: str, lab: int, withdrawal: bool):
        """Host answer to a request; returns (time, outcome) with outcome ok/declined:<code>/fail."""
        r, e = self.r, self._e
        u = r.u
        if mode == "host_down":
            n = r.ri(1, 3)
            for k in range(1, n + 1):
                t += 10 + 20 * u()
                e(t, "HOST", f"No response to STAN {stan} within 30 s, retry {k}/3", lab)
            t += 5 + 20 * u()
            e(t, "HOST", f"{what} STAN {stan} abandoned: host unavailable", lab)
            t += 0.5 + u()
            e(t, "SESSION", r.ch(("Transaction declined: host unavailable",
                                  "Service temporarily unavailable shown to customer")), lab)
            return t, "fail"
        ms = int(r.logn(320, 0.35, 60, 6000))
        t += ms / 1000
        if mode == "host_err":
            code, text = r.ch((("91", "issuer or switch inoperative"), ("96", "system malfunction")))
            e(t, "HOST", f"{what} response STAN {stan}: {code} {text}, {ms} ms", lab)
            t += 0.5 + u()
            e(t, "SESSION", "Transaction declined: issuer unavailable, try later", lab)
            return t, "fail"
        if mode == "pin_fail":
            e(t, "HOST", f"{what} response STAN {stan}: 81 PIN cryptographic error, {ms} ms", lab)
            t += 0.5 + u()
            e(t, "SESSION", "Transaction declined: PIN could not be verified", lab)
            return t, "fail"
        x = u()
        for p, code, host_text, sess_text in (_DECLINES if withdrawal else _ENQUIRY_DECLINES):
            if x < p:
                e(t, "HOST", f"{what} response STAN {stan}: {code} {host_text}, {ms} ms")
                t += 0.5 + u()
                e(t, "SESSION", f"Transaction declined: {sess_text}")
                return t, "declined:" + code
        if withdrawal:
            e(t, "HOST", f"{what} response STAN {stan}: 00 approved, auth code {r.ri(0, 999999):06d}, {ms} ms")
        else:
            e(t, "HOST", f"{what} response STAN {stan}: 00 approved, {ms} ms")
        return t, "ok"

    def _return_card(self, t: float, pan: str) -> float:
        r, e = self.r, self._e
        e(t, "CARDREADER", "Card ejected")
        t += 2 + 6 * r.u()
        if r.u() < 0.01:  # forgotten card: normal, the machine keeps it
            t += 30
            self.retained += 1
            e(t, "CARDREADER", f"Card not taken within 30 s, card retained, retain bin count {self.retained}")
            e(t + 0.5 + r.u(), "SECURITY", f"Retained card logged for PAN {pan}")
        else:
            e(t, "CARDREADER", "Card taken")
        return t + 0.5 + r.u()

    def _session(self, t: float, mode: str, lab: int, w: _Window | None) -> float:
        """One customer session from card entry to session end; returns its end time."""
        r, e = self.r, self._e
        u, ri, ch = r.u, r.ri, r.ch
        self.sid += 1
        sid = self.sid
        t0 = t
        x = u()
        contactless = 0.68 <= x < 0.9
        e(t, "CARDREADER", "Contactless card presented" if contactless else "Card inserted")
        t += 0.2 + 0.8 * u()
        e(t, "SESSION", f"Session {sid} started, language {ch(_LANGS)}")
        t += 1 + 2 * u()
        pan = f"**** **** **** {ri(0, 9999):04d}"
        if contactless:
            e(t, "CARDREADER", f"Contactless read OK, PAN {pan}")
        elif x < 0.68:
            if u() < 0.015:
                e(t, "CARDREADER", "Chip read failed, falling back to magnetic stripe")
                t += 1 + u()
                e(t, "CARDREADER", f"Magnetic stripe read OK, PAN {pan}")
            else:
                e(t, "CARDREADER", f"Chip read OK, PAN {pan}, AID {ch(_AIDS)}")
        else:
            if u() < 0.03:
                e(t, "CARDREADER", "Track 2 read error, retrying")
                t += 1 + u()
            e(t, "CARDREADER", f"Magnetic stripe read OK, PAN {pan}")
        y = u()  # what the customer wants
        if y < 0.04:
            t += 15 + 15 * u()
            e(t, "SESSION", "Customer timeout on PIN entry screen, session cancelled")
            return self._end(self._return_card(t + 0.5, pan), sid, t0)
        t += 3 + 8 * u()
        if mode == "pin_fail" and u() < 0.6:
            e(t, "PINPAD", ch(("PIN entry failed: EPP not ready", "PIN pad error, PIN entry aborted",
                               "ERROR EPP did not return a PIN block")), lab)
            t += 0.5 + u()
            e(t, "SESSION", f"Session {sid} aborted: PIN entry unavailable", lab)
            return self._end(self._return_card(t + 0.5, pan), sid, t0)
        e(t, "PINPAD", f"PIN entered, {4 if u() < 0.93 else 6} digits")
        t += 2 + 8 * u()
        if y < 0.08:
            e(t, "SESSION", "Customer timeout on transaction selection screen, session cancelled")
            return self._end(self._return_card(t + 0.5, pan), sid, t0)
        if y < 0.14:
            e(t, "SESSION", "Transaction cancelled by customer")
            return self._end(self._return_card(t + 0.5, pan), sid, t0)
        if y < 0.29:
            return self._balance(t, sid, t0, pan, mode, lab)
        if y < 0.34:
            return self._mini_statement(t, sid, t0, pan, mode, lab)
        if y < 0.36:
            return self._pin_change(t, sid, t0, pan, mode, lab)
        return self._withdrawal(t, sid, t0, pan, mode, lab, w, fast=y < 0.48)

    def _end(self, t: float, sid: int, t0: float) -> float:
        self._e(t, "SESSION", f"Session {sid} ended after {int(t - t0)} s")
        return t

    def _withdrawal(self, t, sid, t0, pan, mode, lab, w, fast) -> float:
        r, e = self.r, self._e
        u = r.u
        if fast:
            amount = r.ch(_FAST_CASH)
            e(t, "SESSION", f"Fast cash {amount} EUR selected")
        else:
            amount = _AMOUNTS[bisect.bisect_right(_AMOUNT_CUM, u() * _AMOUNT_CUM[-1])]
            e(t, "SESSION", f"Withdrawal of {amount} EUR selected")
        t += 0.3 + u()
        if mode == "cash_fail":
            e(t, "SESSION", r.ch(("Cash withdrawal unavailable, customer offered other services",
                                  "Withdrawal rejected locally: dispenser out of service")), lab)
            return self._end(self._return_card(t + 0.5, pan), sid, t0)
        notes, words = _note_mix(amount)
        if mode == "cassette" and notes[w.extra["cass"]]:
            e(t, "SESSION", f"Amount {amount} EUR cannot be dispensed with available notes", lab)
            return self._end(self._return_card(t + 0.5, pan), sid, t0)
        for attempt in (1, 2):
            stan = self._next_stan()
            e(t, "HOST", f"Authorisation request STAN {stan} sent: withdrawal {amount} EUR")
            t, outcome = self._host_reply(t, stan, "Authorisation", mode, lab, True)
            if outcome == "declined:55" and attempt == 1 and u() < 0.6:  # customer retries the PIN
                t += 1 + u()
                e(t, "PINPAD", "PIN re-entry requested, attempt 2")
                t += 3 + 6 * u()
                e(t, "PINPAD", "PIN entered, 4 digits")
                t += 0.5 + u()
                continue
            break
        if outcome != "ok":
            return self._end(self._return_card(t + 0.5, pan), sid, t0)
        t += 0.3 + u()
        e(t, "DISPENSER", f"Dispensing {amount} EUR: {words}")
        t += 1 + u()
        t = self._return_card(t, pan)  # card before cash
        if u() < 0.02:  # benign: a double note goes to the reject bin
            n = r.ri(1, 2)
            self.reject += n
            e(t, "DISPENSER", f"Note rejected (double detect), diverted to reject bin, reject count {self.reject}")
            t += 1 + u()
        e(t, "DISPENSER", "Notes presented, shutter opened")
        taken = 2 + 8 * u()
        t += taken
        e(t, "DISPENSER", f"Cash taken after {taken:.1f} s, shutter closed")
        cass = self.cass
        for i in range(3):
            cass[i] = max(0, cass[i] - notes[i])
        self.day_txn += 1
        self.day_amount += amount
        t += 0.5 + u()
        if u() < 0.55:
            if mode == "no_receipt":
                e(t, "SESSION", r.ch(("Receipt not printed: printer out of paper",
                                      "Customer informed that no receipt is available")), lab)
            else:
                e(t, "PRINTER", f"Receipt printed, {r.ri(12, 18)} lines")
            t += 1 + 2 * u()
        elif u() < 0.5:
            e(t, "SESSION", "Receipt declined by customer")
        return self._end(t, sid, t0)

    def _balance(self, t, sid, t0, pan, mode, lab) -> float:
        r, e = self.r, self._e
        e(t, "SESSION", "Balance enquiry selected")
        t += 0.3 + r.u()
        stan = self._next_stan()
        e(t, "HOST", f"Balance enquiry STAN {stan} sent")
        t, outcome = self._host_reply(t, stan, "Balance", mode, lab, False)
        if outcome == "ok":
            t += 0.5 + r.u()
            if r.u() < 0.3:
                if mode == "no_receipt":
                    e(t, "SESSION", "Balance slip not printed: printer out of paper", lab)
                else:
                    e(t, "PRINTER", "Balance slip printed")
            else:
                e(t, "SESSION", "Balance displayed on screen")
            t += 3 + 10 * r.u()
        return self._end(self._return_card(t + 0.5, pan), sid, t0)

    def _mini_statement(self, t, sid, t0, pan, mode, lab) -> float:
        r, e = self.r, self._e
        e(t, "SESSION", "Mini statement selected")
        if mode == "no_receipt":
            t += 0.5 + r.u()
            e(t, "SESSION", "Mini statement unavailable: printer out of paper", lab)
            return self._end(self._return_card(t + 0.5, pan), sid, t0)
        t += 0.3 + r.u()
        stan = self._next_stan()
        e(t, "HOST", f"Mini statement request STAN {stan} sent")
        t, outcome = self._host_reply(t, stan, "Mini statement", mode, lab, False)
        if outcome == "ok":
            t += 1 + r.u()
            e(t, "PRINTER", f"Mini statement printed, {r.ri(6, 10)} entries")
        return self._end(self._return_card(t + 0.5, pan), sid, t0)

    def _pin_change(self, t, sid, t0, pan, mode, lab) -> float:
        r, e = self.r, self._e
        e(t, "SESSION", "PIN change selected")
        t += 3 + 5 * r.u()
        e(t, "PINPAD", "New PIN entered")
        t += 3 + 5 * r.u()
        e(t, "PINPAD", "New PIN confirmed")
        t += 0.3 + r.u()
        stan = self._next_stan()
        e(t, "HOST", f"PIN change request STAN {stan} sent")
        t, outcome = self._host_reply(t, stan, "PIN change", mode, lab, False)
        if outcome == "ok":
            t += 0.5 + r.u()
            e(t, "SESSION", "PIN change completed")
        return self._end(self._return_card(t + 0.5, pan), sid, t0)


def generate_log(n_lines: int = 20000, seed: int = 0, start: str = "2026-03-02") -> tuple[list[str], pd.DataFrame]:
    """Synthetic ATM journal of exactly n_lines lines (no newlines) and its labels frame (n_lines rows).

    Labels: line_no (1-based int), is_anomaly (0/1 int), incident_id ('INC0001'..., '' for
    normal lines), root_cause_component ('' for normal lines). ``labels.attrs["incident_kinds"]``
    maps each incident id to its kind (a key of INCIDENT_KINDS). Same seed, same output.
    """
    n_lines = int(n_lines)
    if n_lines < 0:
        raise ValueError("n_lines must be >= 0")
    g = _Journal(int(seed), start)
    # A day's lines are final once the next day starts: later days only add later times.
    final, spill, d = 0, [], 0
    while final < n_lines:
        n_before = len(g.T)
        g.day(d)
        d += 1
        boundary = float(d * DAY_S)
        pending = spill + g.T[n_before:]
        final += sum(1 for t in pending if t < boundary)
        spill = [t for t in pending if t >= boundary]
    times = np.asarray(g.T, dtype=np.float64)
    order = np.argsort(times, kind="stable")[:n_lines]
    secs = (np.floor(times[order]).astype(np.int64) % DAY_S).tolist()
    ts, seqs, C, M = _time_strings(), _seq_strings(), g.C, g.M
    idx = order.tolist()
    lines = [f"{ts[s]}  {seqs[i % 10000]} {C[j]} {M[j]}" for i, s, j in zip(range(1, n_lines + 1), secs, idx)]
    lab = np.asarray(g.L, dtype=np.int64)[order] if n_lines else np.zeros(0, dtype=np.int64)
    ids = np.array([""] + [f"INC{i + 1:04d}" for i in range(len(g.incidents))], dtype=object)
    roots = np.array([""] + [INCIDENT_KINDS[k] for k in g.incidents], dtype=object)
    labels = pd.DataFrame({
        "line_no": np.arange(1, n_lines + 1, dtype=np.int64),
        "is_anomaly": (lab >= 0).astype(np.int64),
        "incident_id": pd.Series(ids[lab + 1], dtype=object),
        "root_cause_component": pd.Series(roots[lab + 1], dtype=object),
    })
    present = np.unique(lab[lab >= 0]).tolist()
    labels.attrs["incident_kinds"] = {f"INC{i + 1:04d}": g.incidents[i] for i in present}
    return lines, labels


def labels_path_for(log_path: str | PathLike) -> Path:
    """Labels CSV beside a log: 'x.jrn' -> 'x.labels.csv'."""
    return Path(log_path).with_suffix(".labels.csv")


def write_log(path: str | PathLike, n_lines: int = 20000, seed: int = 0,
              start: str = "2026-03-02") -> tuple[Path, Path]:
    """Write generate_log(n_lines, seed, start) to path and its labels beside it; returns both paths."""
    path = Path(path)
    lines, labels = generate_log(n_lines, seed, start)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8", newline="\n")
    lpath = labels_path_for(path)
    labels[LABEL_COLUMNS].to_csv(lpath, index=False, lineterminator="\n")
    return path, lpath


def read_labels(path: str | PathLike) -> pd.DataFrame:
    """Read a .labels.csv back; empty incident_id/root_cause_component stay '' (not NaN)."""
    df = pd.read_csv(path, dtype={"line_no": "int64", "is_anomaly": "int64", "incident_id": str,
                                  "root_cause_component": str}, keep_default_na=False, na_filter=False)
    for col in ("incident_id", "root_cause_component"):
        df[col] = df[col].astype(object)
    return df
