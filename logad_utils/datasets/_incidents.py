"""Incident scenarios as data, and the one runner that writes them into a journal.

A scenario is a list of steps. Each step writes one line (or only changes the journal's state) at
a time relative to an anchor: the incident's start, its end, the latest line so far, or an earlier
named step. A step whose anchor or needed step did not happen is skipped, which is how follow-ups
of optional lines are written. The runner returns the window in which the terminal's normal
traffic reacts to the incident (sessions failing, polls showing the fault, a stream gone silent).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._draws import Value, around, between, pick

if TYPE_CHECKING:
    from ._journal import Journal

CASCADE, SILENCE, BURST, DROP = "cascade", "silence", "burst", "drop"
INCIDENT_KINDS: tuple[str, ...] = (CASCADE, SILENCE, BURST, DROP)
CASSETTE_DENOMS = (10, 20, 50)  # EUR notes in C1, C2, C3
CASSETTE_FULL = (2500, 2500, 2000)
OPERATORS = ("OP114", "OP207", "OP311", "OP452", "ENG07", "ENG19")
AGENTS = ("remote-monitor", "xfs-manager", "sw-distribution", "security-agent")
DEVICES = ("CARDREADER", "DISPENSER", "PINPAD", "PRINTER")
AMOUNTS = (20, 30, 40, 50, 60, 70, 80, 100, 120, 150, 200, 250, 300, 400, 500)

# An effect changes the journal's state when its step happens; it returns new text values.
Effect = Callable[["Journal", float, dict], "dict | None"]


@dataclass(frozen=True)
class Step:
    """One line of an incident script, written at anchor time + a uniform delay."""

    component: str
    texts: tuple[str, ...]  # str.format templates over the incident's values; one is chosen; () writes nothing
    at: str | tuple[str, ...] = "root"  # anchor: earlier step or flag, "start", "end", "latest"; first found wins
    after: tuple[float, float] = (0.0, 0.0)  # delay: lowest and span, in seconds
    p: float = 1.0  # probability that the step happens at all
    name: str = ""  # later steps may anchor on or need this one
    needs: tuple[str, ...] = ()  # steps or flags that must have happened
    unless: tuple[str, ...] = ()  # steps or flags that must not have happened
    repeat: tuple[int, int] = (1, 1)  # how many times, each one delay after the previous
    backoff: float = 0.0  # the delay's span grows by this share per repetition
    before_end: bool = False  # nothing written at or after the incident's end
    effect: Effect | None = None


@dataclass(frozen=True)
class Scenario:
    """One kind of incident: its root cause, rate, script and effect on normal traffic."""

    kind: str  # one of INCIDENT_KINDS
    component: str  # root cause; writes the first line of every cascade
    per_day: float  # expected candidates per day (overlapping ones are dropped)
    duration: tuple[float, float, float, float]  # log-normal median, sigma, lowest, highest (seconds)
    steps: tuple[Step, ...] = ()
    values: dict[str, Value] = field(default_factory=dict)
    flags: dict[str, float] = field(default_factory=dict)  # name -> probability, drawn at the start
    duration_from: str | tuple[str, ...] = "root"
    traffic: str = ""  # how normal traffic behaves meanwhile (see the traffic module)
    fault: dict[str, str] = field(default_factory=dict)  # device states that status polls show
    window_from: str | tuple[str, ...] = "root"
    window_to: str = "end"
    timing: str = "anytime"  # "usage": mostly when customers are there; "daytime": 08:00-15:00 starts


@dataclass
class Window:
    """Time span in which an incident (incident >= 0) or maintenance (-1) changes normal traffic."""

    start: float
    end: float
    traffic: str
    incident: int
    fault: dict[str, str]
    first: float  # the incident's span: its first line or the window start, whichever is earlier
    last: float
    values: dict = field(default_factory=dict)
    times: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------- effects
def new_alert(journal: Journal, t: float, values: dict) -> dict:
    return {"alert_id": journal.next_alert()}


def next_stan(journal: Journal, t: float, values: dict) -> dict:
    return {"stan": journal.next_stan()}


def empty_cassette(journal: Journal, t: float, values: dict) -> dict:
    i = values["cassette"] - 1
    journal.push_state(t + 0.5, "set", (i, 0))
    return {"denomination": CASSETTE_DENOMS[i], "full": CASSETTE_FULL[i]}


def refill_cassette(journal: Journal, t: float, values: dict) -> None:
    i = values["cassette"] - 1
    journal.push_state(t, "set", (i, CASSETTE_FULL[i]))


def retain_card(journal: Journal, t: float, values: dict) -> dict:
    journal.retained += 1
    return {"retained": journal.retained}


def remove_cards(journal: Journal, t: float, values: dict) -> dict:
    removed, journal.retained = journal.retained, 0
    return {"removed": removed}


def free_disk(journal: Journal, t: float, values: dict) -> dict:
    journal.disk = journal.draws.integer(30, 45)
    return {"disk": journal.disk}


def drain_battery(journal: Journal, t: float, values: dict) -> dict:
    battery = values["battery"] - journal.draws.integer(5, 25)
    return {"battery": max(battery, 3), "runtime": max(1, battery // 10)}


def boot(journal: Journal, t: float, values: dict) -> None:
    journal.add_boot(t)


def start_agent(journal: Journal, t: float, values: dict) -> dict:
    agent = AGENTS[values["k"] - 1]
    journal.pid += journal.draws.integer(3, 40)
    return {"agent": agent, "version": journal.versions[agent], "pid": journal.pid}


def nth_device(journal: Journal, t: float, values: dict) -> dict:
    return {"device": DEVICES[values["k"] - 1]}


def report_counts(journal: Journal, t: float, values: dict) -> None:
    journal.push_state(t, "counts", values["incident"])


def redraw(**specs: Value) -> Effect:
    """Effect drawing fresh values for every line (numbers that change line by line)."""
    return lambda journal, t, values: {name: spec(journal.draws) for name, spec in specs.items()}


# ---------------------------------------------------------------- shared steps
def alert(p: float, *reasons: str, after: tuple[float, float] = (5, 60)) -> Step:
    """The monitoring agent raises an alert (named "alert") for one of the reasons."""
    return Step("AGENT", tuple(f"Alert {{alert_id}} raised: {reason}" for reason in reasons), after=after, p=p,
                name="alert", before_end=True, effect=new_alert)


def alert_cleared(p: float = 1.0, after: tuple[float, float] = (2, 30)) -> Step:
    return Step("AGENT", ("Alert {alert_id} cleared after {alert_min} min",), at="latest", after=after, p=p,
                needs=("alert",))


def escalation(device: str, state: str) -> tuple[Step, ...]:
    """Common follow-ons of a device fault: status to host ("told" flag), service ticket, alert reminders."""
    return (
        Step("HOST", (f"Unsolicited status sent to host: {device} {state}",), after=(1, 15), needs=("told",)),
        Step("AGENT", (f"Service ticket {{ticket}} opened for {device}",), after=(60, 540), p=0.5, before_end=True),
        Step("AGENT", ("Alert {alert_id} still open after {alert_min} min",), at="alert", after=(1800, 1200),
             repeat=(99, 99), before_end=True),
        Step("HOST", (f"Unsolicited status sent to host: {device} OK",), at="end", after=(1, 5), needs=("told",)),
    )


def auto_resets(component: str) -> Step:
    """0-2 failed automatic recovery attempts by the faulty device itself."""
    return Step(component, ("Automatic reset attempt {k} failed, error {code}",
                            "Reset {k} unsuccessful ({code}), device stays inoperative"),
                after=(15, 60), repeat=(0, 2))


def precursor(component: str, p: float, *texts: str) -> Step:
    """A mild first sign of trouble at the incident's start."""
    return Step(component, texts, at="start", p=p, name="precursor")


def root(component: str, after_precursor: tuple[float, float], *texts: str, effect: Effect | None = None) -> Step:
    """The root-cause error, some time after the precursor when there was one."""
    return Step(component, texts, at=("precursor", "start"), after=after_precursor, name="root", effect=effect)


def silence(component: str, per_day: float, traffic: str, duration: tuple[float, float, float, float]) -> Scenario:
    """A regular line stops for a while; nothing else tells."""
    return Scenario(SILENCE, component, per_day, duration, traffic=traffic, duration_from="start",
                    window_from="start")


def burst(component: str, per_day: float, text: str, every: tuple[float, float],
          duration: tuple[float, float, float, float], **values: Value) -> Scenario:
    """An ordinary line repeated every few seconds for a while (a retry storm)."""
    step = Step(component, (text,), at="start", after=every, repeat=(100000, 100000), before_end=True,
                effect=redraw(**values) if values else None)
    return Scenario(BURST, component, per_day, duration, steps=(step,), duration_from="start",
                    window_from="start")


_TOLD = {"told": 0.7}  # the terminal reports the device state to the host
_PAN = "**** **** **** {pan:04d}"

SCENARIOS: dict[str, Scenario] = {
    "dispenser_jam": Scenario(
        CASCADE, "DISPENSER", 1.35, (2700, 0.6, 600, 4 * 3600), timing="usage", flags=_TOLD,
        traffic="cash_fail", fault={"DISPENSER": "FATAL", "MODE": "REDUCED"},
        values={"cassette": between(1, 3), "attempt": between(2, 3), "timing": between(180, 420),
                "sensor": between(1, 8), "held": between(1, 9), "moved": between(1, 12), "purged": between(2, 25),
                "amount": pick(*AMOUNTS), "ms": around(350, 0.35, 80, 4000),
                "code": pick("0x2A03", "0x2A11", "E-4107", "E-4113", "0x3C02", "E-4190")},
        steps=(
            precursor("DISPENSER", 0.4, "Pick retry on cassette C{cassette}, attempt {attempt}",
                      "Note transport slow on cassette C{cassette}, timing {timing} ms",
                      "Presenter sensor S{sensor} dirty, recalibrated"),
            root("DISPENSER", (5, 300), "ERROR {code}: note jam in transport near cassette C{cassette}",
                 "Dispense failed: notes jammed at presenter, error {code}",
                 "Fatal error {code}: transport path blocked",
                 "Jam detected in stacker, error {code}, {held} notes held"),
            Step("SESSION", ("Transaction aborted: cash could not be dispensed",
                             "Withdrawal of {amount} EUR not completed, customer informed",
                             "Dispense failure reported to customer, card returned"), after=(1, 3), p=0.8,
                 name="aborted"),
            Step("HOST", ("Reversal STAN {stan} sent for {amount} EUR, reason dispense failure",), at="aborted",
                 after=(1, 2), p=0.8, name="reversal", effect=next_stan),
            Step("HOST", ("Reversal STAN {stan} acknowledged, {ms} ms",), at="reversal", after=(0.1, 0.5)),
            Step("DISPENSER", ("Retract attempted, {moved} notes moved to reject bin",), after=(3, 20), p=0.5),
            Step("DEVICE", ("Dispenser state changed OK -> FATAL",
                            "Device DISPENSER reported FATAL, terminal in reduced mode"), after=(1, 30), p=0.9),
            alert(0.85, "cash dispenser out of service", "dispenser fatal error", "cash withdrawal unavailable"),
            Step("SESSION", ("Cash withdrawal disabled, other services still available",), after=(2, 40), p=0.6),
            auto_resets("DISPENSER"),
            Step("SECURITY", ("Safe door opened by operator {operator}",), at="end", after=(-500, 200), p=0.5,
                 name="safe_opened"),
            Step("SECURITY", ("Safe door closed",), at="end", after=(-60, 59), needs=("safe_opened",)),
            Step("DISPENSER", ("Dispenser reset by engineer, {purged} notes purged",
                               "Jam cleared, dispenser re-initialised OK",
                               "Dispenser transport module replaced and tested OK"), at="end"),
            Step("DEVICE", ("Dispenser state changed FATAL -> OK",), at="end", after=(1, 5)),
            alert_cleared(0.85, after=(2, 20)),
            Step("SESSION", ("Cash withdrawal service restored",), at="latest", after=(1, 5), p=0.5),
            *escalation("DISPENSER", "FATAL"),
        )),
    "cassette_empty": Scenario(
        CASCADE, "DISPENSER", 0.90, (5400, 0.5, 1200, 5 * 3600), timing="usage", flags=_TOLD,
        traffic="cassette", fault={"DISPENSER": "CASSETTE_EMPTY"},
        values={"cassette": pick(1, 2, 2, 3, 3), "remaining": between(15, 120)},
        steps=(
            precursor("DISPENSER", 0.6, "Cassette C{cassette} low: {remaining} notes remaining",
                      "Low-level sensor on cassette C{cassette} active"),
            root("DISPENSER", (60, 1800), "Cassette C{cassette} empty",
                 "Cassette C{cassette} exhausted, pick failed: no notes",
                 "ERROR cassette C{cassette} empty, {denomination} EUR notes unavailable", effect=empty_cassette),
            Step("HOST", ("Supply status sent to host: cassette C{cassette} empty",), after=(1, 10), p=0.7),
            Step("DEVICE", ("Cassette C{cassette} state changed LOW -> EMPTY",), after=(1, 20), p=0.9),
            alert(0.85, "cash replenishment required", "cassette C{cassette} empty", "low cash, replenishment needed"),
            Step("SECURITY", ("Safe door opened by operator {operator}",), at="end", after=(-600, 200)),
            Step("DISPENSER", ("Cassette C{cassette} replenished, {full} notes loaded",), at="end",
                 effect=refill_cassette),
            Step("SECURITY", ("Safe door closed",), at="end", after=(30, 60), name="closed"),
            Step("DEVICE", ("Cassette C{cassette} state changed EMPTY -> OK",), at="closed", after=(1, 3)),
            alert_cleared(after=(10, 30)),
            *escalation("DISPENSER cassette C{cassette}", "EMPTY"),
        )),
    "network_loss": Scenario(
        CASCADE, "NETWORK", 1.35, (480, 0.7, 90, 3600),
        traffic="host_down", fault={"HOST": "OFFLINE", "MODE": "OFFLINE"},
        values={"latency": between(600, 2500), "loss": between(5, 40), "retransmissions": between(8, 60),
                "stored": between(0, 4)},
        steps=(
            precursor("NETWORK", 0.5, "High latency to host {host_ip}: {latency} ms",
                      "Packet loss {loss}% on link to {host_ip}",
                      "TCP retransmissions rising on link to {host_ip}: {retransmissions} in last minute"),
            root("NETWORK", (10, 240), "Connection to host {host_ip}:{host_port} lost: connection reset by peer",
                 "Link down on eth0, host {host_ip} unreachable",
                 "ERROR socket to {host_ip}:{host_port} closed: keep-alive timeout",
                 "No route to host {host_ip}, network unreachable"),
            Step("DEVICE", ("Terminal switched to offline mode, customer service suspended",
                            "Host link down, terminal out of service"), after=(60, 240), before_end=True,
                 name="offline"),
            alert(0.8, "host link down", "network connection lost", "terminal offline", after=(20, 90)),
            Step("NETWORK", ("Reconnect attempt {k} to {host_ip}:{host_port} failed",), after=(30, 60),
                 repeat=(12, 12), backoff=1.0, before_end=True),
            Step("NETWORK", ("Connection to host {host_ip}:{host_port} re-established after {root_s} s",),
                 at="end"),
            Step("HOST", ("Signed on to host {host_name}, {stored} stored reversals forwarded",
                          "Host session re-synchronised"), at="latest", after=(1, 3)),
            Step("DEVICE", ("Terminal back online, in service",), at="latest", after=(1, 3)),
            alert_cleared(),
        )),
    "host_failure": Scenario(
        CASCADE, "HOST", 0.90, (600, 0.6, 120, 3600), timing="usage",
        traffic="host_err", fault={"HOST": "DEGRADED"},
        values={"response": between(2500, 7000), "recovered_ms": between(200, 600)},
        steps=(
            precursor("HOST", 0.5, "Host response time {response} ms above threshold"),
            root("HOST", (20, 300), "ERROR host {host_name} reports system malfunction (96)",
                 "Issuer switch inoperative (91) reported by host",
                 "Host {host_name} rejected message: format error (30)",
                 "ERROR authorisation service on {host_name} not responding correctly"),
            alert(0.75, "host authorisation failures", "transactions declined by host",
                  "host errors above threshold", after=(30, 120)),
            Step("DEVICE", ("Terminal in degraded mode: host errors",), after=(10, 60), p=0.4),
            Step("HOST", ("Host responses back to normal",
                          "Host authorisations recovered, response time {recovered_ms} ms"), at="end"),
            alert_cleared(after=(5, 60)),
        )),
    "card_reader_fault": Scenario(
        CASCADE, "CARDREADER", 1.18, (2100, 0.6, 480, 3 * 3600), timing="usage", flags=_TOLD,
        traffic="no_sessions", fault={"CARDREADER": "FATAL", "MODE": "OUT_OF_SERVICE"},
        values={"current": between(410, 690), "pan": between(0, 9999),
                "code": pick("0x1F02", "0x1F07", "E-2031", "E-2045", "0x1A10")},
        steps=(
            precursor("CARDREADER", 0.35, "Card read retry, track 2 checksum error",
                      "Card transport motor current high: {current} mA", "Shutter response slow, retry OK"),
            root("CARDREADER", (5, 600), "Hardware error {code}: card transport motor stalled",
                 "Card reader failure {code}: shutter not responding", "ERROR {code}: card jammed in reader",
                 "Card reader sensor fault {code}, device unusable"),
            # a customer's card was inside
            Step("CARDREADER", ("Card retained after fault, retain bin count {retained}",), after=(1, 2), p=0.6,
                 name="card_retained", effect=retain_card),
            Step("SESSION", ("Session aborted: card reader failure",
                             "Customer session terminated, card could not be returned"),
                 at="card_retained", after=(2, 3)),
            Step("SECURITY", (f"Card retained due to device fault, PAN {_PAN}",), at="card_retained", after=(3, 10)),
            Step("HOST", (f"Card retention advice sent for PAN {_PAN}",), at="card_retained", after=(4, 20), p=0.5),
            Step("DEVICE", ("Card reader state changed OK -> FATAL, terminal out of service",
                            "Device CARDREADER reported FATAL"), after=(2, 30)),
            alert(0.85, "card reader out of service", "card reader hardware fault", "terminal out of service"),
            auto_resets("CARDREADER"),
            Step("CARDREADER", ("Card reader reset completed, device OK", "Card reader replaced and self-test passed",
                                "Jammed card removed, reader operational"), at="end"),
            Step("DEVICE", ("Terminal back in service",), at="end", after=(1, 3)),
            Step("SECURITY", ("{removed} retained cards removed by operator {operator}",), at="latest",
                 after=(10, 60), p=0.5, needs=("card_retained",), effect=remove_cards),
            alert_cleared(),
            *escalation("CARDREADER", "FATAL"),
        )),
    "pinpad_key_error": Scenario(
        CASCADE, "PINPAD", 0.82, (1800, 0.6, 300, 3 * 3600), timing="usage",
        flags={**_TOLD, "operator_reload": 0.5}, traffic="pin_fail", fault={"PINPAD": "FATAL"},
        values={"key": between(1, 8), "code": pick("0x0B21", "0x0B34", "E-7012", "E-7020")},
        steps=(
            precursor("PINPAD", 0.3, "EPP self-check warning: key slot {key} checksum",
                      "Keypad tamper sensor self-test retry"),
            root("PINPAD", (30, 900), "EPP error {code}: PIN key verification failed, key index {key}",
                 "Encryption error: working key invalid", "PIN block encryption failed, EPP returned {code}",
                 "ERROR secure keypad: key check value mismatch for key {key}"),
            Step("HOST", ("Key exchange request sent to host",), after=(2, 10), p=0.7, name="key_exchange"),
            Step("HOST", ("Key exchange failed: MAC verification error", "Key exchange rejected by host (code 88)"),
                 at="key_exchange", after=(1, 2), p=0.8),
            Step("SECURITY", ("EPP tamper status checked: no tamper, key reload required",
                              "Security alarm: EPP key error reported"), after=(5, 30), p=0.6),
            Step("DEVICE", ("PIN pad state changed OK -> FATAL",), after=(1, 40)),
            alert(0.85, "PIN pad key error", "encrypting PIN pad unavailable", "PIN entry not possible"),
            auto_resets("PINPAD"),
            Step("SECURITY", ("Keys reloaded by operator {operator}",), at="end", after=(-31, 30),
                 needs=("operator_reload",)),
            Step("HOST", ("Key exchange completed, new working key active",), at="end", after=(-4, 3),
                 unless=("operator_reload",)),
            Step("PINPAD", ("EPP ready, key check OK",), at="end"),
            Step("DEVICE", ("PIN pad state changed FATAL -> OK",), at="end", after=(1, 3)),
            alert_cleared(),
            *escalation("PINPAD", "FATAL"),
        )),
    "printer_paper_out": Scenario(
        CASCADE, "PRINTER", 1.09, (4200, 0.6, 900, 5 * 3600), timing="usage", flags=_TOLD,
        traffic="no_receipt", fault={"PRINTER": "PAPER_OUT"},
        values={"receipts_left": between(5, 40), "status": pick("0x04", "0x0C", "0x24")},
        steps=(
            precursor("PRINTER", 0.7, "Receipt paper low", "Receipt paper near-end sensor active",
                      "Paper low warning, about {receipts_left} receipts left"),
            root("PRINTER", (120, 4800), "Receipt printer out of paper", "ERROR receipt printer: paper empty",
                 "Print failed, paper out (status {status})"),
            Step("DEVICE", ("Receipt printer state changed OK -> FATAL",), after=(1, 20), p=0.85),
            alert(0.8, "receipt printer out of paper", "receipt printer fatal", "printer needs service"),
            Step("SESSION", ("Receipt option disabled on customer screens",), after=(2, 30), p=0.5),
            Step("PRINTER", ("Paper roll replaced, printer OK", "Receipt printer reloaded, test page printed"),
                 at="end"),
            Step("DEVICE", ("Receipt printer state changed FATAL -> OK",), at="end", after=(1, 3)),
            alert_cleared(),
            *escalation("PRINTER", "PAPER_OUT"),
        )),
    "power_interruption": Scenario(
        CASCADE, "POWER", 0.73, (660, 0.7, 120, 5400), flags={"ups": 0.8},
        duration_from=("off", "start"), traffic="off", window_from=("off", "start"), window_to="latest",
        values={"battery": between(80, 99), "records": between(500, 9000), "recovered": between(0, 12)},
        steps=(
            # with a UPS the gap is bridged long enough for an orderly shutdown
            Step("POWER", ("Mains power failure detected, running on UPS", "AC input lost, UPS on battery",
                           "ERROR mains supply interrupted, switched to battery"), at="start", needs=("ups",),
                 name="root"),
            Step("POWER", ("UPS battery at {battery}%, estimated runtime {runtime} min",), after=(20, 40),
                 repeat=(1, 3), name="battery", effect=drain_battery),
            Step("SESSION", ("Active session cancelled due to power failure",), after=(2, 10), p=0.4),
            Step("AGENT", ("Power loss notification received, starting orderly shutdown",
                           "UPS low-battery signal, shutting down system"), at="battery", after=(2, 5),
                 name="shutdown"),
            Step("DEVICE", ("Closing devices for shutdown",), at="shutdown", after=(1, 1)),
            Step("JOURNAL", ("Journal flushed and closed, {records} records",), at="shutdown", after=(2, 1)),
            Step("AGENT", ("System shutdown complete",), at="shutdown", after=(4, 2), name="off"),
            Step("POWER", ("Mains power restored, system booting", "AC power back, UPS charging"), at="end",
                 needs=("ups",)),
            # without one nothing is written until the machine is back
            Step("POWER", ("System restarted after unexpected power loss",
                           "Unclean shutdown detected, last power-off not orderly"), at="end", unless=("ups",)),
            Step("JOURNAL", ("Journal reopened after power loss, {recovered} records recovered",
                             "Journal consistency check passed after restart"), at="end", after=(40, 60),
                 effect=boot),
            Step("AGENT", ("Agent {agent} started, version {version}, pid {pid}",), at="latest", after=(1, 4),
                 repeat=(2, 4), effect=start_agent),
            Step("DEVICE", ("Initialising {device}: OK",), at="latest", after=(1, 6), repeat=(4, 4),
                 effect=nth_device),
            Step("DISPENSER", (), at="latest", after=(1, 2), name="counts", effect=report_counts),
            Step("NETWORK", ("Connection to host {host_ip}:{host_port} established",), at="counts", after=(2, 5)),
            Step("HOST", ("Terminal {terminal_id} signed on, status in service",), at="latest", after=(1, 2)),
            Step("AGENT", ("Alert {alert_id} raised: terminal restarted after power loss",), at="latest",
                 after=(2, 10), p=0.6, effect=new_alert),
        )),
    "disk_full": Scenario(
        CASCADE, "JOURNAL", 0.73, (1500, 0.6, 300, 2 * 3600), flags=_TOLD,
        traffic="no_sessions", fault={"MODE": "OUT_OF_SERVICE"},
        values={"usage": between(91, 98), "buffered": between(3, 80), "freed": between(200, 2000)},
        steps=(
            # same wording as the nightly usage line, only the number is alarming
            precursor("JOURNAL", 0.7, "Journal disk usage {usage}%"),
            root("JOURNAL", (30, 1800), "Write to journal failed: no space left on device",
                 "ERROR journal volume full, {buffered} records buffered in memory",
                 "Electronic journal write error (disk full)"),
            Step("AGENT", ("Log upload failed: no space for archive", "Trace file rotation failed"), after=(2, 30),
                 p=0.7),
            Step("DEVICE", ("Terminal out of service: electronic journal unavailable",), after=(1, 10)),
            alert(0.85, "journal disk full", "terminal out of service", "disk space exhausted"),
            Step("SECURITY", ("Audit log write failed",), after=(3, 30), p=0.3),
            Step("JOURNAL", ("Old journal files archived, {freed} MB freed",), at="end", effect=free_disk),
            Step("JOURNAL", ("Journal disk usage {disk}%",), at="end", after=(1, 2), p=0.7),
            Step("DEVICE", ("Terminal back in service",), at="latest", after=(1, 3)),
            alert_cleared(),
            *escalation("JOURNAL", "FULL"),
        )),
    # incidents that only the frequency of lines reveals
    "heartbeat_silence": silence("HOST", 0.4, "no_heartbeat", (5400, 0.4, 3000, 4 * 3600)),
    "status_poll_silence": silence("DEVICE", 0.4, "no_status_poll", (3 * 3600, 0.3, 2 * 3600, 6 * 3600)),
    "link_check_silence": silence("NETWORK", 0.4, "no_link_check", (5 * 3600, 0.3, 4 * 3600, 9 * 3600)),
    "retransmission_storm": burst("NETWORK", 0.35, "TCP retransmission to host, recovered after {ms} ms",
                                  (10, 50), (1200, 0.4, 600, 2400), ms=between(200, 1500)),
    "card_read_retry_storm": burst("CARDREADER", 0.35, "Track 2 read error, retrying", (5, 40),
                                   (900, 0.4, 300, 1800)),
    "config_reload_loop": burst("AGENT", 0.35, "Configuration refreshed, {parameters} parameters loaded",
                                (20, 60), (1800, 0.4, 900, 3600), parameters=between(180, 240)),
    "transaction_drop": Scenario(
        DROP, "SESSION", 1.2, (3 * 3600, 0.3, 5400, 5 * 3600), traffic="drop", timing="daytime",
        duration_from="start", window_from="start",
        values={"keep": lambda draws: 0.1 + 0.3 * draws.uniform()}),  # share of sessions still coming
}
COMMON_VALUES: dict[str, Value] = {"ticket": between(10000, 99999), "operator": pick(*OPERATORS)}


def run_incident(journal: Journal, scenario: Scenario, start: float, incident: int) -> Window:
    """Write one incident's lines from its script; returns the window in which traffic reacts."""
    run = _Run(journal, scenario, start, incident)
    for step in scenario.steps:
        run.step(step)
    return run.window()


class _Run:
    """One incident while its script runs: text values, times of named steps and flags, lines written."""

    def __init__(self, journal: Journal, scenario: Scenario, start: float, incident: int) -> None:
        self.journal, self.scenario, self.incident = journal, scenario, incident
        draws = journal.draws
        self.values = dict(journal.constants, incident=incident, k=0)
        for name, spec in {**COMMON_VALUES, **scenario.values}.items():
            self.values[name] = spec(draws)
        self.times = {"start": start}
        self.times.update((flag, start) for flag, p in scenario.flags.items() if draws.uniform() < p)
        self.written: list[float] = []
        self._end = math.nan

    def end(self) -> float:
        """The incident's end (recovery), drawn the first time it is needed."""
        if math.isnan(self._end):
            self._end = self.anchor(self.scenario.duration_from) + self.journal.draws.lognormal(*self.scenario.duration)
        return self._end

    def anchor(self, names: str | tuple[str, ...]) -> float | None:
        """Time of the first of names that happened ("end", "latest", a step or flag); None if none did."""
        for name in (names,) if isinstance(names, str) else names:
            if name == "end":
                return self.end()
            if name == "latest":
                return max(self.written) if self.written else None
            if name in self.times:
                return self.times[name]
        return None

    def step(self, step: Step) -> None:
        """Write one step's lines (none when it does not happen) and remember its time under its name."""
        times, values, draws = self.times, self.values, self.journal.draws
        if any(n not in times for n in step.needs) or any(n in times for n in step.unless):
            return
        if step.p < 1 and draws.uniform() >= step.p:
            return
        t = self.anchor(step.at)
        if t is None:
            return
        last = None
        for k in range(1, draws.integer(*step.repeat) + 1):
            t += draws.seconds(step.after[0], step.after[1] * (1 + step.backoff * (k - 1)))
            if step.before_end and t >= self.end():
                break
            values["k"] = k
            if step.effect is not None:
                values.update(step.effect(self.journal, t, values) or {})
            if step.texts:
                if "alert" in times:
                    values["alert_min"] = max(1, int((t - times["alert"]) / 60))
                values["root_s"] = int(t - times.get("root", times["start"]))
                self.journal.emit(t, step.component, draws.choice(step.texts).format_map(values), self.incident)
                self.written.append(t)
            last = t
        if last is not None and step.name:
            times[step.name] = last

    def window(self) -> Window:
        """Where normal traffic reacts, and the incident's whole span (lines and window)."""
        scenario = self.scenario
        start = self.anchor(scenario.window_from)
        start += 1 if scenario.window_from == "root" else 0  # traffic notices a second after the error
        end = self.anchor(scenario.window_to)
        return Window(start, end, scenario.traffic, self.incident, scenario.fault,
                      min(self.written + [start]), max(self.written + [end]), self.values, self.times)
