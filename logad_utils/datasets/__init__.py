"""Seeded synthetic ATM electronic journals (``.jrn``) with labelled incidents.

Line format (one event per line)::

    HH:MM:SS  NNNN COMPONENT message

* ``HH:MM:SS`` -- time of day; lines are in time order and the clock wraps at midnight.
* two spaces, then ``NNNN`` -- a per-line sequence number, zero padded, equal to
  ``line_no % 10000`` (0001 ... 9999, 0000, 0001 ...).
* ``COMPONENT`` -- upper-case subsystem name (``COMPONENTS``).
* the rest of the line is free text.

Dates: line 1 and the first line of every later day is a marker
``00:00:00  NNNN JOURNAL Day start YYYY-MM-DD``; the date of any line is that of the most
recent marker. Markers are always written, even while the terminal is powered off.

Normal traffic follows a daily and weekly rhythm: customer sessions (withdrawal, fast cash,
balance enquiry, mini statement, PIN change, cancelled, customer timeout; declines for
insufficient funds, wrong PIN, limits, expired cards are normal) follow an hourly profile with a
midday and an evening peak, little traffic at night and busier Fridays and Saturdays; host
heartbeats every 10 minutes, device status polls every 30 minutes, hourly link checks, UPS and
agent status, cassette counts, morning agent start-ups, nightly journal rotation, totals and
upload, and cash replenishment every few days. About 3,500 lines make one day. A few benign
warnings (card read retries, rejected notes, TCP retransmissions, retained forgotten cards)
are normal too.

Incidents (``SCENARIOS``, each of one ``INCIDENT_KINDS`` kind and one root-cause component):

* ``cascade`` -- the root-cause component writes the first line, often a mild precursor and then
  an error; other components show symptoms later (alerts, device state changes, reversals,
  declined or aborted sessions, failed heartbeats, status polls showing the fault) and the
  incident ends with recovery lines. About five a day (far more than a real terminal has, so that
  short logs hold many); 2-4 % of lines belong to one.
* ``silence`` -- a regular line (heartbeat, status poll, link check) stops for several of its
  periods; nothing else is written.
* ``burst`` -- an ordinary line repeats every few seconds for a while (a retry storm).
* ``drop`` -- most customers stop coming for a few daytime hours; nothing new is logged.

Silences, bursts and drops happen about every other day each. Incidents never overlap, and
the candidates that would are dropped (the rates in ``SCENARIOS`` are before that).

Labels (``X.labels.csv``): a line is anomalous when an incident wrote it (cascade and burst
lines); normal traffic that goes on during an incident stays normal. The first line of a cascade
is always written by its root-cause component (which a detector may still miss: precursors are
mild and some reuse normal wording, e.g. ``Journal disk usage 93%``). The lines a silence or a
drop leaves out cannot be labelled, so ``X.incidents.csv`` lists every incident with its kind,
root-cause component and time span.

Generation is day by day from one ``numpy.random.default_rng(seed)``, so a shorter log
of the same seed is a prefix of a longer one.
"""

from ._files import (incidents_path_for, known_incidents, known_labels, labels_path_for, read_anomaly_flags,
                     read_incidents, read_labels, write_log)
from ._incidents import INCIDENT_KINDS, SCENARIOS, Scenario, Step
from ._journal import INCIDENT_COLUMNS, LABEL_COLUMNS, SyntheticLog, generate

__all__ = [
    "COMPONENTS",
    "INCIDENT_COLUMNS",
    "INCIDENT_KINDS",
    "LABEL_COLUMNS",
    "SCENARIOS",
    "Scenario",
    "Step",
    "SyntheticLog",
    "generate",
    "generate_log",
    "incidents_path_for",
    "known_incidents",
    "known_labels",
    "labels_path_for",
    "read_anomaly_flags",
    "read_incidents",
    "read_labels",
    "write_log",
]

COMPONENTS: tuple[str, ...] = (
    "CARDREADER", "DISPENSER", "PINPAD", "PRINTER", "HOST", "NETWORK",
    "SESSION", "DEVICE", "AGENT", "POWER", "JOURNAL", "SECURITY",
)


def generate_log(n_lines: int = 20000, seed: int = 0, start: str = "2026-03-02"):
    """(lines, labels) of generate(n_lines, seed, start): n_lines strings and a LABEL_COLUMNS frame."""
    log = generate(n_lines, seed, start)
    return log.lines, log.labels
