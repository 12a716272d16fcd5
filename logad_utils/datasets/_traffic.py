"""Normal traffic of the terminal: customer sessions, periodic status lines, daily routine, maintenance.

``Traffic`` is the part of the journal that writes what happens when nothing is wrong, and how that
changes inside an incident's window (its ``traffic`` name): sessions fail or stop, status polls
show the fault, a periodic line goes silent, fewer customers come.
"""

from __future__ import annotations

import bisect
import itertools
import math
from datetime import date
from functools import cache

import numpy as np

from ._incidents import AGENTS, AMOUNTS, CASSETTE_DENOMS, CASSETTE_FULL, OPERATORS, Window

# customer sessions per hour of day on a Monday-Thursday
SESSIONS_PER_HOUR: tuple[float, ...] = (
    1.5, 1.0, 0.7, 0.5, 0.6, 1.2, 4.0, 9.0, 14.0, 15.0, 16.0, 19.0,
    24.0, 22.0, 17.0, 17.0, 19.0, 24.0, 23.0, 17.0, 12.0, 9.0, 6.0, 3.5,
)
_WEEKDAY_FACTOR = (0.95, 0.95, 1.0, 1.05, 1.25, 1.2, 0.8)  # Mon..Sun
HEARTBEAT_S = 600
POLL_S = 1800
DAY_S = 86400
_AMOUNT_CUM = tuple(itertools.accumulate(
    (0.07, 0.03, 0.10, 0.10, 0.06, 0.03, 0.07, 0.17, 0.05, 0.07, 0.12, 0.04, 0.05, 0.02, 0.02)))
_FAST_CASH = (20, 50, 100, 200)
_LANGS = ("EN", "EN", "EN", "DE", "FR", "NL", "ES", "IT", "PL")
_AIDS = ("A0000000041010", "A0000000031010", "A0000000043060", "A0000000032010")
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
_NO_SESSIONS = {"off", "no_sessions", "maint"}


def _poll_text(fault: dict[str, str] | None) -> str:
    """Status-poll message with the given device states replacing the healthy ones."""
    states = dict(_POLL_BASE, **fault) if fault else _POLL_BASE
    return "Status poll: " + " ".join(f"{k}={v}" for k, v in states.items())


_POLL_OK = _poll_text(None)


@cache
def _note_mix(amount: int) -> tuple[tuple[int, int, int], str]:
    """Notes per cassette (C1, C2, C3) for an amount and its journal wording."""
    n50 = amount // 50 if amount >= 100 else 0
    rest = amount - 50 * n50
    n20, n10 = rest // 20, (rest % 20) // 10
    counts = (n10, n20, n50)
    words = " ".join(f"{n}x{d}" for n, d in zip(counts, CASSETTE_DENOMS) if n)
    return counts, words



class Traffic:
    """Normal traffic, written into the journal's events (mixed into ``Journal``, which holds the state)."""

    def _maintenance(self, d: int, base: float) -> None:
        """Cash replenishment every few days: supervisor mode, no customers meanwhile."""
        if d < self.next_replenish:
            return
        draws, emit = self.draws, self.emit
        uniform, integer, choice = draws.uniform, draws.integer, draws.choice
        for _ in range(5):
            t = base + (9.5 + 5.5 * uniform()) * 3600
            duration = 300 + 600 * uniform()
            if not self.busy(t - 900, t + duration + 900):
                break
        else:
            self.next_replenish = d + 1
            return
        self.next_replenish = d + integer(2, 4)
        operator = choice(OPERATORS)
        emit(t, "SECURITY", f"Supervisor mode entered by operator {operator}")
        now = t + 20 + 40 * uniform()
        emit(now, "SECURITY", "Safe door opened")
        for c in range(3):
            now += 40 + 60 * uniform()
            emit(now, "DISPENSER", f"Cassette C{c + 1} exchanged, {CASSETTE_FULL[c]} notes loaded")
        now += 10 + 30 * uniform()
        emit(now, "DISPENSER", f"Reject bin emptied, {self.reject} notes removed")
        if uniform() < 0.5:
            now += 30 + 60 * uniform()
            emit(now, "PRINTER", "Receipt paper roll replaced")
        if self.retained and uniform() < 0.7:
            now += 10 + 20 * uniform()
            emit(now, "SECURITY", f"{self.retained} retained cards removed by operator {operator}")
            self.retained = 0
        end = max(now + 20 + 30 * uniform(), t + duration)
        emit(end - 10, "SECURITY", "Safe door closed")
        emit(end, "SECURITY", f"Supervisor mode exited by operator {operator}")
        self.push_state(end - 5, "replenish")
        self.push_state(end + 2, "counts")
        self.add_window(Window(t, end + 1, "maint", -1, {"MODE": "SUPERVISOR"}, t, end))

    def _routine(self, base: float, day_date: date) -> None:
        """Once-a-day lines: journal rotation, totals, upload, morning agent start-ups."""
        draws, emit, off = self.draws, self.emit, self.is_off
        uniform, integer = draws.uniform, draws.integer
        t = base + 30 + 120 * uniform()
        if not off(t):
            emit(t, "JOURNAL", f"Journal file rotated, new file EJ{day_date:%Y%m%d}.jrn")
            self.disk = min(89, self.disk + integer(0, 2))
            emit(t + 1 + uniform(), "JOURNAL", f"Journal disk usage {self.disk}%")
        t = base + 3600 + 1800 * uniform()
        if not off(t):
            self.batch += 1
            emit(t, "HOST", f"End-of-day totals sent: {self.day_transactions} transactions, "
                            f"{self.day_amount} EUR dispensed")
            ms = int(draws.lognormal(400, 0.3, 100, 3000))
            emit(t + ms / 1000, "HOST", f"Totals acknowledged by host, batch {self.batch}, {ms} ms")
            self.day_transactions = self.day_amount = 0
        t = base + 2 * 3600 + 3600 * uniform()
        if not off(t):
            emit(t, "JOURNAL", f"Electronic journal uploaded to server, {integer(300, 1600)} KB in {integer(2, 30)} s")
        t = base + 5.5 * 3600 + 3600 * uniform()
        if not off(t):
            self.add_boot(t)
            for name in AGENTS:
                t += 1 + 5 * uniform()
                self.pid += integer(3, 40)
                emit(t, "AGENT", f"Agent {name} started, version {self.versions[name]}, pid {self.pid}")
            t += 5 + 20 * uniform()
            emit(t, "DEVICE", f"Device self-test completed in {integer(900, 4000)} ms, all devices OK")
            t += 2 + 10 * uniform()
            emit(t, "AGENT", f"Configuration refreshed, {integer(180, 240)} parameters loaded")
            if uniform() < 0.5:
                t += 5 + 30 * uniform()
                emit(t, "AGENT", f"Software inventory reported, {integer(60, 75)} packages")
            t += 5 + 30 * uniform()
            emit(t, "SECURITY", "Anti-skimming module check passed")
        for _ in range(int(self.rng.poisson(1.0))):  # benign network hiccups
            t = base + DAY_S * uniform()
            if not off(t):
                emit(t, "NETWORK", f"TCP retransmission to host, recovered after {integer(200, 1500)} ms")

    def is_off(self, t: float) -> bool:
        """True while the terminal is powered off."""
        w = self.active(t)
        return w is not None and w.traffic == "off"

    def _periodic(self, base: float) -> None:
        """Heartbeats, status polls, link/UPS/agent status and cassette-count reports."""
        draws, emit, active = self.draws, self.emit, self.active
        uniform, integer = draws.uniform, draws.integer
        host = self.host_name
        for k in range(DAY_S // HEARTBEAT_S):
            t = base + k * HEARTBEAT_S + 1 + 8 * uniform()
            w = active(t)
            if w is not None and w.traffic in ("off", "no_heartbeat"):
                continue
            if w is not None and w.traffic == "host_down":
                emit(t, "HOST", f"Heartbeat to {host} not acknowledged after {integer(5, 30)} s", w.incident)
                continue
            ms = int(draws.lognormal(120, 0.4, 20, 2000))
            emit(t, "HOST", f"Heartbeat sent to {host}")
            emit(t + ms / 1000, "HOST", f"Heartbeat acknowledged in {ms} ms")
        for k in range(DAY_S // POLL_S):
            t = base + k * POLL_S + 300 + 10 * uniform()
            w = active(t)
            if w is None or not w.fault:
                if w is None or w.traffic not in ("off", "no_status_poll"):
                    emit(t, "DEVICE", _POLL_OK)
            elif w.traffic != "off":
                emit(t, "DEVICE", _poll_text(w.fault), w.incident)
        for h in range(24):
            t = base + h * 3600 + 1500 + 20 * uniform()
            w = active(t)
            if w is None or w.traffic not in ("off", "host_down", "no_link_check"):
                ms = int(draws.lognormal(25, 0.4, 3, 400))
                emit(t, "NETWORK", f"Link to host {self.host_ip}:{self.host_port} up, latency {ms} ms")
            if h % 6 == 2:
                t_status = t + 600 + 10 * uniform()
                if not self.is_off(t_status):
                    emit(t_status, "POWER", f"Mains OK, UPS battery {integer(97, 100)}%, load {integer(18, 35)}%")
            if h % 3 == 1:
                t_status = t + 900 + 10 * uniform()
                if not self.is_off(t_status):
                    emit(t_status, "AGENT", f"Monitoring agent alive, uptime {self.uptime_hours(t_status)} h, "
                                            f"{integer(80, 160)} MB used")
            if h % 4 == 3:
                self.push_state(t + 1200 + 10 * uniform(), "counts")

    def _sessions(self, base: float, day_date: date) -> None:
        """Customer sessions, one at a time, following the hourly traffic profile."""
        draws = self.draws
        uniform = draws.uniform
        factor = _WEEKDAY_FACTOR[day_date.weekday()] * math.exp(0.12 * draws.normal())
        counts = self.rng.poisson(np.asarray(SESSIONS_PER_HOUR) * factor)
        hours = np.repeat(np.arange(24), counts)
        starts = np.sort(base + (hours + self.rng.random(hours.size)) * 3600.0).tolist()
        t_free, active, flush, session = self.free_at, self.active, self.flush_state, self._session
        for s in starts:
            t = s if s > t_free else t_free + 2 + 20 * uniform()  # customers queue: one session at a time
            flush(t)
            w = active(t)
            if w is None:
                t_free = session(t, "", -1, None)
                continue
            traffic = w.traffic
            if traffic == "drop":  # fewer customers come, those who do are served normally
                if uniform() < w.values["keep"]:
                    t_free = session(t, "", -1, None)
                continue
            if traffic in _NO_SESSIONS or (traffic == "host_down" and t >= w.times.get("offline", w.end)):
                continue
            t_free = session(t, traffic, w.incident, w)
        self.free_at = t_free

    def _host_reply(self, t: float, stan: str, what: str, traffic: str, incident: int, withdrawal: bool):
        """Host answer to a request; returns (time, outcome) with outcome ok/declined:<code>/fail."""
        draws, emit = self.draws, self.emit
        uniform = draws.uniform
        if traffic == "host_down":
            n = draws.integer(1, 3)
            for k in range(1, n + 1):
                t += 10 + 20 * uniform()
                emit(t, "HOST", f"No response to STAN {stan} within 30 s, retry {k}/3", incident)
            t += 5 + 20 * uniform()
            emit(t, "HOST", f"{what} STAN {stan} abandoned: host unavailable", incident)
            t += 0.5 + uniform()
            emit(t, "SESSION", draws.choice(("Transaction declined: host unavailable",
                                  "Service temporarily unavailable shown to customer")), incident)
            return t, "fail"
        ms = int(draws.lognormal(320, 0.35, 60, 6000))
        t += ms / 1000
        if traffic == "host_err":
            code, text = draws.choice((("91", "issuer or switch inoperative"), ("96", "system malfunction")))
            emit(t, "HOST", f"{what} response STAN {stan}: {code} {text}, {ms} ms", incident)
            t += 0.5 + uniform()
            emit(t, "SESSION", "Transaction declined: issuer unavailable, try later", incident)
            return t, "fail"
        if traffic == "pin_fail":
            emit(t, "HOST", f"{what} response STAN {stan}: 81 PIN cryptographic error, {ms} ms", incident)
            t += 0.5 + uniform()
            emit(t, "SESSION", "Transaction declined: PIN could not be verified", incident)
            return t, "fail"
        draw = uniform()
        for p, code, host_text, sess_text in (_DECLINES if withdrawal else _ENQUIRY_DECLINES):
            if draw < p:
                emit(t, "HOST", f"{what} response STAN {stan}: {code} {host_text}, {ms} ms")
                t += 0.5 + uniform()
                emit(t, "SESSION", f"Transaction declined: {sess_text}")
                return t, "declined:" + code
        if withdrawal:
            auth = draws.integer(0, 999999)
            emit(t, "HOST", f"{what} response STAN {stan}: 00 approved, auth code {auth:06d}, {ms} ms")
        else:
            emit(t, "HOST", f"{what} response STAN {stan}: 00 approved, {ms} ms")
        return t, "ok"

    def _return_card(self, t: float, pan: str) -> float:
        draws, emit = self.draws, self.emit
        uniform = draws.uniform
        emit(t, "CARDREADER", "Card ejected")
        t += 2 + 6 * uniform()
        if uniform() < 0.01:  # forgotten card: normal, the machine keeps it
            t += 30
            self.retained += 1
            emit(t, "CARDREADER", f"Card not taken within 30 s, card retained, retain bin count {self.retained}")
            emit(t + 0.5 + uniform(), "SECURITY", f"Retained card logged for PAN {pan}")
        else:
            emit(t, "CARDREADER", "Card taken")
        return t + 0.5 + uniform()

    def _session(self, t: float, traffic: str, incident: int, w: Window | None) -> float:
        """One customer session from card entry to session end; returns its end time."""
        draws, emit = self.draws, self.emit
        uniform, integer, choice = draws.uniform, draws.integer, draws.choice
        self.session_id += 1
        sid = self.session_id
        t0 = t
        card = uniform()  # chip, contactless or magnetic stripe
        contactless = 0.68 <= card < 0.9
        emit(t, "CARDREADER", "Contactless card presented" if contactless else "Card inserted")
        t += 0.2 + 0.8 * uniform()
        emit(t, "SESSION", f"Session {sid} started, language {choice(_LANGS)}")
        t += 1 + 2 * uniform()
        pan = f"**** **** **** {integer(0, 9999):04d}"
        if contactless:
            emit(t, "CARDREADER", f"Contactless read OK, PAN {pan}")
        elif card < 0.68:
            if uniform() < 0.015:
                emit(t, "CARDREADER", "Chip read failed, falling back to magnetic stripe")
                t += 1 + uniform()
                emit(t, "CARDREADER", f"Magnetic stripe read OK, PAN {pan}")
            else:
                emit(t, "CARDREADER", f"Chip read OK, PAN {pan}, AID {choice(_AIDS)}")
        else:
            if uniform() < 0.03:
                emit(t, "CARDREADER", "Track 2 read error, retrying")
                t += 1 + uniform()
            emit(t, "CARDREADER", f"Magnetic stripe read OK, PAN {pan}")
        wish = uniform()  # what the customer wants
        if wish < 0.04:
            t += 15 + 15 * uniform()
            emit(t, "SESSION", "Customer timeout on PIN entry screen, session cancelled")
            return self._end(self._return_card(t + 0.5, pan), sid, t0)
        t += 3 + 8 * uniform()
        if traffic == "pin_fail" and uniform() < 0.6:
            emit(t, "PINPAD", choice(("PIN entry failed: EPP not ready", "PIN pad error, PIN entry aborted",
                               "ERROR EPP did not return a PIN block")), incident)
            t += 0.5 + uniform()
            emit(t, "SESSION", f"Session {sid} aborted: PIN entry unavailable", incident)
            return self._end(self._return_card(t + 0.5, pan), sid, t0)
        emit(t, "PINPAD", f"PIN entered, {4 if uniform() < 0.93 else 6} digits")
        t += 2 + 8 * uniform()
        if wish < 0.08:
            emit(t, "SESSION", "Customer timeout on transaction selection screen, session cancelled")
            return self._end(self._return_card(t + 0.5, pan), sid, t0)
        if wish < 0.14:
            emit(t, "SESSION", "Transaction cancelled by customer")
            return self._end(self._return_card(t + 0.5, pan), sid, t0)
        if wish < 0.29:
            return self._balance(t, sid, t0, pan, traffic, incident)
        if wish < 0.34:
            return self._mini_statement(t, sid, t0, pan, traffic, incident)
        if wish < 0.36:
            return self._pin_change(t, sid, t0, pan, traffic, incident)
        return self._withdrawal(t, sid, t0, pan, traffic, incident, w, fast=wish < 0.48)

    def _end(self, t: float, sid: int, t0: float) -> float:
        self.emit(t, "SESSION", f"Session {sid} ended after {int(t - t0)} s")
        return t

    def _withdrawal(self, t, sid, t0, pan, traffic, incident, w, fast) -> float:
        draws, emit = self.draws, self.emit
        uniform = draws.uniform
        if fast:
            amount = draws.choice(_FAST_CASH)
            emit(t, "SESSION", f"Fast cash {amount} EUR selected")
        else:
            amount = AMOUNTS[bisect.bisect_right(_AMOUNT_CUM, uniform() * _AMOUNT_CUM[-1])]
            emit(t, "SESSION", f"Withdrawal of {amount} EUR selected")
        t += 0.3 + uniform()
        if traffic == "cash_fail":
            emit(t, "SESSION", draws.choice(("Cash withdrawal unavailable, customer offered other services",
                                  "Withdrawal rejected locally: dispenser out of service")), incident)
            return self._end(self._return_card(t + 0.5, pan), sid, t0)
        notes, words = _note_mix(amount)
        if traffic == "cassette" and notes[w.values["cassette"] - 1]:
            emit(t, "SESSION", f"Amount {amount} EUR cannot be dispensed with available notes", incident)
            return self._end(self._return_card(t + 0.5, pan), sid, t0)
        for attempt in (1, 2):
            stan = self.next_stan()
            emit(t, "HOST", f"Authorisation request STAN {stan} sent: withdrawal {amount} EUR")
            t, outcome = self._host_reply(t, stan, "Authorisation", traffic, incident, True)
            if outcome == "declined:55" and attempt == 1 and uniform() < 0.6:  # customer retries the PIN
                t += 1 + uniform()
                emit(t, "PINPAD", "PIN re-entry requested, attempt 2")
                t += 3 + 6 * uniform()
                emit(t, "PINPAD", "PIN entered, 4 digits")
                t += 0.5 + uniform()
                continue
            break
        if outcome != "ok":
            return self._end(self._return_card(t + 0.5, pan), sid, t0)
        t += 0.3 + uniform()
        emit(t, "DISPENSER", f"Dispensing {amount} EUR: {words}")
        t += 1 + uniform()
        t = self._return_card(t, pan)  # card before cash
        if uniform() < 0.02:  # benign: a double note goes to the reject bin
            n = draws.integer(1, 2)
            self.reject += n
            emit(t, "DISPENSER", f"Note rejected (double detect), diverted to reject bin, reject count {self.reject}")
            t += 1 + uniform()
        emit(t, "DISPENSER", "Notes presented, shutter opened")
        taken = 2 + 8 * uniform()
        t += taken
        emit(t, "DISPENSER", f"Cash taken after {taken:.1f} s, shutter closed")
        cass = self.cassettes
        for i in range(3):
            cass[i] = max(0, cass[i] - notes[i])
        self.day_transactions += 1
        self.day_amount += amount
        t += 0.5 + uniform()
        if uniform() < 0.55:
            if traffic == "no_receipt":
                emit(t, "SESSION", draws.choice(("Receipt not printed: printer out of paper",
                                      "Customer informed that no receipt is available")), incident)
            else:
                emit(t, "PRINTER", f"Receipt printed, {draws.integer(12, 18)} lines")
            t += 1 + 2 * uniform()
        elif uniform() < 0.5:
            emit(t, "SESSION", "Receipt declined by customer")
        return self._end(t, sid, t0)

    def _balance(self, t, sid, t0, pan, traffic, incident) -> float:
        draws, emit = self.draws, self.emit
        uniform = draws.uniform
        emit(t, "SESSION", "Balance enquiry selected")
        t += 0.3 + uniform()
        stan = self.next_stan()
        emit(t, "HOST", f"Balance enquiry STAN {stan} sent")
        t, outcome = self._host_reply(t, stan, "Balance", traffic, incident, False)
        if outcome == "ok":
            t += 0.5 + uniform()
            if uniform() < 0.3:
                if traffic == "no_receipt":
                    emit(t, "SESSION", "Balance slip not printed: printer out of paper", incident)
                else:
                    emit(t, "PRINTER", "Balance slip printed")
            else:
                emit(t, "SESSION", "Balance displayed on screen")
            t += 3 + 10 * uniform()
        return self._end(self._return_card(t + 0.5, pan), sid, t0)

    def _mini_statement(self, t, sid, t0, pan, traffic, incident) -> float:
        draws, emit = self.draws, self.emit
        uniform = draws.uniform
        emit(t, "SESSION", "Mini statement selected")
        if traffic == "no_receipt":
            t += 0.5 + uniform()
            emit(t, "SESSION", "Mini statement unavailable: printer out of paper", incident)
            return self._end(self._return_card(t + 0.5, pan), sid, t0)
        t += 0.3 + uniform()
        stan = self.next_stan()
        emit(t, "HOST", f"Mini statement request STAN {stan} sent")
        t, outcome = self._host_reply(t, stan, "Mini statement", traffic, incident, False)
        if outcome == "ok":
            t += 1 + uniform()
            emit(t, "PRINTER", f"Mini statement printed, {draws.integer(6, 10)} entries")
        return self._end(self._return_card(t + 0.5, pan), sid, t0)

    def _pin_change(self, t, sid, t0, pan, traffic, incident) -> float:
        draws, emit = self.draws, self.emit
        uniform = draws.uniform
        emit(t, "SESSION", "PIN change selected")
        t += 3 + 5 * uniform()
        emit(t, "PINPAD", "New PIN entered")
        t += 3 + 5 * uniform()
        emit(t, "PINPAD", "New PIN confirmed")
        t += 0.3 + uniform()
        stan = self.next_stan()
        emit(t, "HOST", f"PIN change request STAN {stan} sent")
        t, outcome = self._host_reply(t, stan, "PIN change", traffic, incident, False)
        if outcome == "ok":
            t += 0.5 + uniform()
            emit(t, "SESSION", "PIN change completed")
        return self._end(self._return_card(t + 0.5, pan), sid, t0)

