"""Template mining: ids, determinism, persistence, broadcasting to lines, and accuracy on Loghub."""
import importlib.util
import json
import random

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from conftest import LOGHUB, ROOT, needs_loghub, run_cpu_bounded
from logad_utils.evaluate import (group_f1, grouping_accuracy, normalize_template, parsing_accuracy,
                                  parsing_metrics, template_f1)
from logad_utils.formats import LOGHUB_FORMATS
from logad_utils.masking import Masker, MaskRule
from logad_utils.templates import (WILDCARD, LogTemplateMiner, _Around, _ClosePairs, _join_equal, _note_fields,
                                   _SlotIndex, _Tokens,
                                   _VarAwareDrain, mine_templates, template_health)

USERS = ["alice", "bob", "carol", "dave", "erin", "frank"]


def synthetic_log(n=400, seed=0):
    """Messages from 6 known events; returns (messages, event index per message)."""
    rng = random.Random(seed)
    events = [
        lambda: f"Accepted password for {rng.choice(USERS)} from 10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)} "
                f"port {rng.randint(1024, 65535)} ssh2",
        lambda: f"session closed for user {rng.choice(USERS)}",
        lambda: f"Served block blk_{rng.randint(-10**18, 10**18)} to /10.0.0.{rng.randint(1, 254)}",
        lambda: "cupsd startup succeeded",
        lambda: "cupsd shutdown succeeded",
        lambda: f"Deleting {rng.randint(1, 5)} blocks: " + " ".join(f"blk_{rng.randint(1, 10**9)}"
                                                                     for _ in range(rng.randint(1, 6))),
    ]
    kinds = [rng.randrange(len(events)) for _ in range(n)]
    return [events[k]() for k in kinds], kinds


def test_ids_follow_first_appearance_and_group_the_events():
    messages, kinds = synthetic_log()
    ids = LogTemplateMiner().fit_transform(messages)
    assert ids.dtype == np.int64 and ids.shape == (len(messages),)
    # first appearances are 0, 1, 2, ...
    _, first = np.unique(ids, return_index=True)
    assert list(ids[np.sort(first)]) == list(range(len(first)))
    # one id per event and one event per id
    pairs = set(zip(kinds, ids.tolist()))
    assert len(pairs) == len(set(kinds)) == len(set(ids.tolist()))


def test_parameter_slot_merges_but_enumeration_does_not():
    messages, _ = synthetic_log()
    miner = LogTemplateMiner().fit(messages)
    templates = set(miner.templates_["template"])
    assert f"session closed for user {WILDCARD}" in templates  # six different users: a parameter
    assert {"cupsd startup succeeded", "cupsd shutdown succeeded"} <= templates  # two words: distinct events


def test_a_flags_two_values_are_a_parameter_and_many_upper_case_words_are_too():
    flags = [f"[C{i}] headers complete (end_stream={'true' if i % 3 else 'false'}):" for i in range(20)]
    domains = [f"connecting to DC dc{i}.example.com for domain {d}"
               for i, d in enumerate(["CORP", "ENG", "SALES", "LAB", "EMEA", "APAC", "DMZ", "HR"] * 2)]
    states = [f"worker {i} entered state {s}" for i, s in enumerate(["RUNNING", "STOPPED", "FAILED", "IDLE"] * 3)]
    templates = set(LogTemplateMiner().fit(flags + domains + states).templates_["template"])
    assert "[<*>] headers complete (end_stream=<*>):" in templates
    assert "connecting to DC <HOST> for domain <*>" in templates  # eight names: a parameter
    assert {f"worker <NUM> entered state {s}" for s in ["RUNNING", "STOPPED", "FAILED", "IDLE"]} <= templates
    # However few values a slot needs, eight UPPER-CASE words at least.
    two = LogTemplateMiner(slot_min_values=1).fit(states).templates_["template"]
    assert len(two) == 4


@pytest.mark.parametrize("shared_slots", [True, False])
def test_few_words_a_parameter_took_after_the_same_token_are_a_parameter(shared_slots):
    users = ["alice", "bob", "carol", "dave"]
    messages = ([f"session closed for user {u}" for u in users]  # four words: a parameter after "user"
                + [f"session opened for user {u} by uid {i}" for i, u in enumerate(users[:3])]
                + [f"auth failure rhost {u} tty" for u in users[:3]])  # same words, after another token
    templates = set(LogTemplateMiner(shared_slots=shared_slots).fit(messages).templates_["template"])
    opened = {t for t in templates if t.startswith("session opened")}
    assert len(opened) == (1 if shared_slots else 3), opened
    assert sum(t.startswith("auth failure") for t in templates) == 3, templates


@pytest.mark.parametrize("shared_slots", [True, False])
def test_two_names_that_split_several_events_glued_to_values_are_a_parameter(shared_slots):
    users = {"debian-spamd": 115, "amavis": 110}
    mail = [f"spamd: {kind} message <{i}.{kind}@mx.example> for {user}:{uid}"
            for i in range(3) for kind in ("processing", "checking") for user, uid in users.items()]
    mail += [f"spamd: learned message <{i}@mx.example> for {user}:{uid} in 0.{i} seconds"
             for i in range(3) for user, uid in users.items()]
    mail += [f"spamd: setuid to {user} succeeded" for user in users]  # the same names alone: merged with them
    dhcp = [f"{kind}(br-{net}) 10.0.{i}.7" for i in range(3) for kind in ("DHCPACK", "DHCPOFFER", "DHCPREQUEST")
            for net in ("lan", "guest")]
    # A word alone or in brackets may be the event's own, however many events it splits: phases stay apart.
    phases = [f"{job} compaction ({phase})" for job in ("Cache", "TSM", "Index", "Log") for phase in ("start", "end")]
    templates = set(LogTemplateMiner(shared_slots=shared_slots).fit(mail + dhcp + phases).templates_["template"])
    assert sum(t.startswith("spamd: processing") for t in templates) == (1 if shared_slots else 2), templates
    assert sum(t.startswith("spamd: checking") for t in templates) == (1 if shared_slots else 2), templates
    assert sum(t.startswith("spamd: setuid") for t in templates) == (1 if shared_slots else 2), templates
    assert ("DHCPACK(<*>) <IP>" in templates) == shared_slots, templates  # the message type names the event
    assert sum(t.startswith("DHCP") for t in templates) == (3 if shared_slots else 6), templates
    assert sum("compaction" in t for t in templates) == 8, templates


def test_two_bare_names_that_split_many_events_of_several_shapes_are_a_parameter():
    # A monitor's events, each named by its first word, about one of two clusters in three shapes: the names split
    # twelve events, so they are a parameter; kept apart, every first word would lead two events and be taken for a
    # name itself. A word that splits one shape led by many names (a player joined / left) stays the event's.
    shapes = ["{0} cluster {1} 10.0.{2}.4 6379", "{0} replica 10.1.{2}.9:6380 @ {1} 10.0.{2}.4", "{0} quorum {1} {2}/3"]
    kinds = ["+down", "-down", "+restart", "+elected"]
    messages = [shape.format(kind, name, i) for shape in shapes for kind in kinds for name in ("orders", "billing")
                for i in range(2)]
    names = ("steve", "alex", "notch", "herobrine", "jeb", "dinnerbone", "grumm", "marc", "lydia", "kingbdogz")
    players = [f"{player} {verb} the game" for player in names for verb in ("joined", "left")]
    templates = set(LogTemplateMiner().fit(messages + players).templates_["template"])
    shown = {"{} cluster <*> <IP> <NUM>", "{} replica <IP>:<NUM> @ <*> <IP>", "{} quorum <*> <NUM>/<NUM>"}
    assert templates == {t.format(kind) for t in shown for kind in kinds} | {"<*> joined the game", "<*> left the game"}


def test_two_bare_words_after_another_value_are_the_events_own_not_names():
    # Three jobs started / stopped in four shapes: the split words follow the job's name, which varies in one shape
    # as they do, so they are the events' own words; merged as names, started and stopped were one event.
    shapes = ["job {0} {1}", "job {0} {1} by cron", "job {0} {1} after {2} s", "task {2} of job {0} {1}"]
    messages = [shape.format(job, state, i) for shape in shapes for job in ("backup", "sync", "cleanup")
                for state in ("started", "stopped") for i in range(3)]
    templates = set(LogTemplateMiner().fit(messages).templates_["template"])
    assert not any(t.endswith("<*>") or "<*> by" in t or "<*> after" in t for t in templates), templates
    assert sum("started" in t for t in templates) == sum("stopped" in t for t in templates) == 12


def test_upper_case_event_codes_with_a_digit_name_events_ids_vary():
    # hostapd's events: a code with a count or a version glued to a word (4WAY, WPA2) is the event's name, as its
    # codes without a digit are; taken as a variable, it drew the other codes' events into one <*> <*> template.
    codes = ["EAPOL-4WAY-HS-COMPLETED", "AP-STA-CONNECTED", "WPA2-PSK-AUTH-OK", "AP-STA-DISCONNECTED"]
    messages = [f"wlan0: {c} 02:00:00:00:00:{i:02x}" for c in codes for i in range(4)]
    assert sorted(LogTemplateMiner().fit(messages).templates_["template"]) == \
        sorted(f"wlan0: {c} <MAC>" for c in codes)
    # An operator's node names differ in a digit: one event.
    assert len(set(LogTemplateMiner().fit_transform([f"node NODE-A{i} DOWN now" for i in range(1, 6)]))) == 1
    # Upper-case host names numbered by a letter and a count at their end (a rack, a row): one event, however few.
    hosts = [f"host {h} joined cluster" for h in ("WEB-PROD-A1", "WEB-PROD-B2", "DC-EAST-R3") for _ in range(4)]
    assert len(set(LogTemplateMiner().fit_transform(hosts))) == 1
    # A code is the whole token: one glued to a host by ";" (Nagios' commands) varies with the host.
    hosts = [f"EXTERNAL COMMAND: SCHEDULE_SVC_CHECK;{h};Disk /;{i}" for h in ("web01", "db02") for i in range(3)]
    assert len(set(LogTemplateMiner().fit_transform(hosts))) == 1


def test_a_network_device_tag_names_its_event_as_written():
    # Arista's and Cisco's "%FACILITY-SEVERITY-MNEMONIC:" opens each message: masked as <ID> (a word glued to a
    # number), every template read "%<ID>: ..." where the annotator keeps the tag, and its severity digit a number.
    tags = ["%LINEPROTO-5-UPDOWN", "%SPANTREE-6-INTERFACE_DEL", "%SYS-SP-3-LOGGER_FLUSHED", "%ETH-4-HOST_FLAPPING"]
    messages = [f"{t}: Interface Ethernet{i} state changed" for t in tags for i in range(1, 5)]
    assert sorted(LogTemplateMiner().fit(messages).templates_["template"]) == \
        sorted(f"{t}: Interface <*> state changed" for t in tags)
    # A severity past 7, a tag glued to a word or without its "%" is no such tag.
    assert [Masker().mask(t) for t in ("%ACL-9-DENY: x", "a%ACL-6-DENY: x", "ACL-6-DENY: x")] == \
        ["%<ID>: x", "a%<ID>: x", "<ID>: x"]


def test_many_bracketed_names_leading_one_event_each_are_its_parameter():
    # vsftpd's "[user] FAIL LOGIN: Client ...": the names a brute force tries lead the refusal alone, and one of them
    # ("info") reads as a level, so the refusal split in one event per name.
    tried = ["admin", "root", "test", "guest", "info", "oracle", "support", "ubnt", "web", "www-data"]
    messages = [f'[{u}] FAIL LOGIN: Client "10.0.{i}.{j}"' for i, u in enumerate(tried) for j in range(1, 4)]
    assert list(LogTemplateMiner().fit(messages).templates_["template"]) == ['[<*>] FAIL LOGIN: Client "<IP>"']
    # A few levels in brackets leading one message stay its levels.
    levels = [f"[{lv}] cache miss for key{i}" for lv in ("info", "warn", "error", "debug") for i in range(5)]
    assert len(set(LogTemplateMiner().fit_transform(levels))) == 4


def test_durations_with_other_glued_units_share_one_slot_whatever_their_order():
    # rclone's "differ by 0s" and "differ by 1ms": the unit scales with the value. Generalised as "<*>s," in
    # some orders, the template read no "1ms," later, and the log's event split in two groups.
    dirs = ["projects/acme/drawings", "home/mchen/Projects", "hr/onboarding", "shared/templates", "it/configs"]
    names = ["budget-plan.ps1", "scan-schedule.psd", "minutes.pptx", "diagram.dwg", "invoice.mp4", "IMG-9.png"]
    for seed in range(8):
        rng = random.Random(seed)
        messages = [f"{rng.choice(dirs)}/{rng.choice(names)}: Size and modification time the same "
                    f"(differ by {rng.choice(['0s', '0s', '0s', '1ms', '0ms'])}, within tolerance 1ms)"
                    for _ in range(60)]
        assert LogTemplateMiner().fit(messages).templates_["template"].tolist() == \
            ["<*>: Size and modification time the same (differ by <*>, within tolerance <DURATION>ms)"], seed
    # A duration and a word in one slot keep apart: "<*>" for the unit read "Cycle" as a duration.
    phases = [f"GC({i}) Concurrent Mark {w}" for i in range(6) for w in (f"{i + 10}.5ms", "Cycle")]
    assert len(set(LogTemplateMiner().fit_transform(phases))) == 2


def test_a_recurring_name_in_a_quoted_phrase_keeps_the_phrase_s_other_words():
    # The name is cut from a token that holds a quoted phrase's glued words: the space between them stays.
    events = ["session '{} home' opened now", "closing session '{} home' soon", "the session '{} home' is locked",
              "restoring '{} home' from backup copy"]
    miner = LogTemplateMiner().fit([e.format(n) for e in events for n in ("alice", "bob")])
    assert sorted(miner.templates_["template"]) == sorted(e.format("<*>") for e in events)
    assert miner.transform(["session 'carol home' opened now"]).tolist() == [0]


@pytest.mark.parametrize("slot_pairs", [True, False])
def test_two_parameter_slots_merge_when_apart_but_a_two_word_phrase_does_not(slot_pairs):
    rng = random.Random(3)
    words = [f"{a}{b}" for a in ("ka", "lo", "mi", "ne", "ru") for b in ("ta", "vo", "pe", "da")]
    # Both words differ on every message: no one-slot merge can join them.
    pairs = [f"copy {u} to {v} done" for u, v in zip(rng.sample(words, 6), rng.sample(words, 6))]
    phrases = [f"program interrupt {a} {b} seen" for a, b in [("illegal", "instruction"), ("trap", "instruction"),
                                                              ("imprecise", "exception"), ("privileged", "op"),
                                                              ("unknown", "fault")]]
    miner = LogTemplateMiner(slot_pairs=slot_pairs).fit(pairs + phrases)
    templates = set(miner.templates_["template"])
    assert (f"copy {WILDCARD} to {WILDCARD} done" in templates) == slot_pairs, templates
    assert sum(t.startswith("copy") for t in templates) == (1 if slot_pairs else 6)
    assert sum(t.startswith("program interrupt") for t in templates) == 5, templates  # adjacent: an enumeration


def test_a_unit_that_varies_with_a_quoted_name_is_a_slot_of_its_event():
    # What each quoted sensor measures sets its unit; a unit that varies with no quoted name still splits.
    rng = random.Random(1)
    sensors = [("Temperature", "°C"), ("Humidity", "%"), ("Illuminance", "lx"), ("WiFi Signal", "dBm")]
    messages = [f"'Hall {name}': Sending state {rng.uniform(-80, 200):.5f} {unit} with {rng.randint(0, 2)} decimals"
                for _ in range(10) for name, unit in sensors]
    messages += [f"Request took {rng.randint(1, 900)} {unit}" for _ in range(10) for unit in ("ms", "s")]
    miner = LogTemplateMiner()
    miner.fit(messages)
    assert sorted(miner.templates_["template"]) == [
        "'Hall <*>': Sending state <NUM> <*> with <NUM> decimals", "Request took <DURATION> ms",
        "Request took <DURATION> s"]


def test_two_slots_next_to_each_other_merge_when_each_is_quoted_or_in_brackets():
    # Nexus writes a task's name and its id side by side: two values, each written with its own quotes or brackets.
    tasks = [("Cleanup service", "repository.cleanup"), ("Storage facet cleanup", "repository.storage-facet-cleanup"),
             ("Compact blob store default", "blobstore.compact"), ("Rebuild repository search", "repository.rebuild")]
    messages = [f"Task '{n}' [{k}] state change WAITING -> RUNNING" for n, k in tasks]
    miner = LogTemplateMiner()
    assert miner.fit_transform(messages).tolist() == [0] * 4, miner.templates_["template"].tolist()
    assert miner.templates_["template"][0] == "Task '<*>' [<*>] state change WAITING -> RUNNING"
    # One of them bare: words of one phrase, as before.
    bare = [f"Task '{n}' {k.split('.')[-1]} state change" for n, k in tasks]
    assert len(set(LogTemplateMiner().fit_transform(bare))) == 4


def test_the_states_either_side_of_an_arrow_are_values_when_one_is_both_left_and_entered():
    # A state machine's few states recur on both sides of its arrow: one event, however few the states.
    moves = [("Idle", "Busy"), ("Busy", "Idle"), ("Busy", "Suspended"), ("Suspended", "Idle")]
    messages = [f"slot{i}: Changing state: {a} -> {b}" for i in range(1, 4) for a, b in moves]
    miner = LogTemplateMiner()
    assert set(miner.fit_transform(messages).tolist()) == {0}, miner.templates_["template"].tolist()
    assert miner.templates_["template"][0] == "<*>: Changing state: <*> -> <*>"
    # No word on both sides: two outcomes of an event, each its own; UPPER_CASE states stay apart as enums do.
    apart = ["link state up -> ready", "link state down -> failed", "WSREP: Shifting JOINED -> SYNCED",
             "WSREP: Shifting SYNCED -> JOINED"]
    assert len(set(LogTemplateMiner().fit_transform(apart))) == 4


def test_pair_merge_gives_one_id_and_a_model_that_reloads(tmp_path):
    messages = [f"user u{c}x logged in from h{c}y ok" for c in "abcdefgh"] + ["disk full"]
    miner = LogTemplateMiner()
    assert miner.fit_transform(messages).tolist() == [0] * 8 + [1]
    miner.save(tmp_path / "m.json")
    loaded = LogTemplateMiner.load(tmp_path / "m.json")
    assert loaded.get_params() == miner.get_params()
    assert loaded.transform(["user zzz logged in from qqq ok"]).tolist() == [0]

def test_a_merged_slot_keeps_the_text_its_words_share_and_reads_new_words(tmp_path):
    users = ["alice", "bob", "carol", "dave", "erin"]
    messages = [f"login user={u} ok" for u in users] + [f"open '{u}' from inside:<IP>/<NUM>" for u in users]
    messages += [f"open '{u}' from {side}:<IP>/<NUM>" for u, side in zip(users, ["dmz", "voice", "mgmt", "wan"])]
    miner = LogTemplateMiner().fit(messages, masked=True)
    assert set(miner.templates_["template"]) == {f"login user={WILDCARD} ok",
                                                 f"open '{WILDCARD}' from {WILDCARD}:<IP>/<NUM>"}
    miner.save(tmp_path / "m.json")
    loaded = LogTemplateMiner.load(tmp_path / "m.json")
    assert loaded.transform(["login user=zed ok", "open 'x' from lan:10.0.0.1/22", "login user zed ok"]).tolist() \
        == [0, 1, -1]


def test_a_wildcard_drain_made_keeps_the_text_its_messages_share():
    # 21 tokens: one differing word is within Drain's similarity, so Drain itself makes the <*>.
    words = " ".join(f"w{chr(97 + i)}" for i in range(19))
    miner = LogTemplateMiner().fit([f'{words} pod="{p}" done' for p in ("a", "b")], masked=True)
    assert miner.templates_["template"].tolist() == [f'{words} pod="{WILDCARD}" done']
    assert miner.transform([f'{words} pod="zz" done']).tolist() == [0]


def test_a_template_absorbs_only_what_its_wildcards_cover():
    # The rare event's <*> holds words; the big template has <NUM> there: it covers no word, so no merge.
    pairs = [("alpha", "hosta"), ("beta", "hostb"), ("gamma", "hostc"), ("delta", "hostd"), ("eps", "hoste")]
    messages = [f"task {w} on {h} in {n} took 5 ok" for w, h in pairs for n in ("default", "prod", "dev", "ci")]
    messages += [f"task zeta on hostz in batch took {x} ok" for x in ("long", "short", "forever", "ages")]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids[:20])) == 1 and ids[20] not in ids[:20]
    assert miner.transform(["task zeta on hostz in batch took soon ok"]).tolist() == [ids[20]]


def test_a_wildcard_in_punctuation_absorbs_a_plain_word_in_the_same_punctuation():
    # Interfaces with digits make "<*>:" (the colon kept); the loopback has none and was an event of its own.
    names = ["eth0", "eth1", "wlan0", "vethc514ca8", "enp3s0", "lo"]
    miner = LogTemplateMiner()
    ids = miner.fit_transform([f"{n}: Link {s}" for s in ("UP", "DOWN") for n in names])
    assert len(set(ids[:6])) == 1 and len(set(ids[6:])) == 1 and ids[0] != ids[6]
    assert miner.templates_["template"].tolist() == [f"{WILDCARD}: Link UP", f"{WILDCARD}: Link DOWN"]
    # The punctuation must be there: "lo" without its colon is another shape.
    ids = miner.fit_transform([f"{n}: Link UP" for n in names[:5]] + ["lo Link UP"])
    assert len(set(ids[:5])) == 1 and len(set(ids)) == 2


def test_a_name_without_a_digit_joins_the_events_it_leads_not_its_own_event_words():
    # Peers named with a digit lead "<*>: Connected" and the rest; one named without (cust_acme) has as many event
    # words, and merged them into "cust_acme: <*>" before its events could join the others'.
    names = ["ix_rs1", "ix_rs2", "ibgp_rr1", "cust_acme"]
    events = ["Connected", "Down", "Initializing", "Starting"]
    miner = LogTemplateMiner()
    ids = miner.fit_transform([f"{n}: {e}" for e in events for n in names])
    assert [len(set(ids[4 * i:4 * i + 4])) for i in range(4)] == [1, 1, 1, 1] and len(set(ids)) == 4
    assert sorted(miner.templates_["template"]) == sorted(f"{WILDCARD}: {e}" for e in events)


PROVIDERS = ["provider.aws_v5.49.0:", "provider.google_v5.28.0:", "provider.helm_v2.13.2:", "provider.tls_v4.0.5:",
             "provider.null_v3.2.2:"]
RPCS = ["ReadResource", "PlanResourceChange", "ApplyResourceChange", "ValidateResourceConfig", "GetProviderSchema",
        "ReadDataSource"]
KINDS = ["aws_subnet", "helm_release", "tls_private_key", "aws_iam_role", "kubernetes_namespace", "aws_eks_cluster"]


def provider_requests(fields: str, n: int = 60, seed: int = 0) -> list[str]:
    """Two rare requests first, then n common ones; ``fields`` writes (rpc, kind) after "Served request"."""
    rng = random.Random(seed)
    rare = [("provider.azurerm_v3.103.1:", "StopProvider", "azurerm_resource_group"),
            ("provider.random_v3.6.1:", "UpgradeResourceState", "random_password")]
    common = [(rng.choice(PROVIDERS), rng.choice(RPCS), rng.choice(KINDS)) for _ in range(n)]
    return [f"{lead} Served request{fields.format(rpc=rpc, kind=kind)}" for lead, rpc, kind in rare + common]


def test_a_cover_absorbs_a_rare_message_whose_other_words_are_named_fields_values():
    # <*>: Served request: rpc=<*> kind=<*> has two words for three wildcards; only its lead is no field's value,
    # so it holds the rare requests, whose provider, rpc and kind are all new at once.
    miner = LogTemplateMiner()
    ids = miner.fit_transform(provider_requests(": rpc={rpc} kind={kind}"))
    assert len(set(ids)) == 1, miner.templates_["template"].tolist()
    assert miner.templates_["template"].tolist() == [f"{WILDCARD}: Served request: rpc={WILDCARD} kind={WILDCARD}"]
    # The key may be the token before: "request:" names what follows.
    assert len(set(LogTemplateMiner().fit_transform(provider_requests(": {rpc} {kind}")))) == 1
    # Without keys, the two words are too few for three wildcards: the rare requests stay apart.
    ids = LogTemplateMiner().fit_transform(provider_requests(" {rpc} {kind}"))
    assert len(set(ids[2:])) == 1 and ids[0] != ids[1] and ids[2] not in ids[:2]


def test_a_cover_counts_only_the_words_it_takes_from_the_template_it_covers():
    # The covered template has a wildcard of its own at one of the cover's four: the cover takes three named
    # values (rpc=Plan kind=vm zone=eu) from it, and keeps two words. Three plain words would be more than it
    # keeps, and so would values whose keys the cover's messages do not share there.
    miner = LogTemplateMiner()
    cover = (WILDCARD, "Served", "request", WILDCARD, WILDCARD, WILDCARD)
    named = [None, None, None, "rpc=", "kind=", "zone="]
    for values, cover_keys, merged in [(("rpc=Plan", "kind=vm", "zone=eu"), named, True),
                                       (("error=Plan", "status=vm", "code=eu"), named, False),
                                       (("rpc=Plan", "kind=vm", "zone=eu"), [None] * 6, False),
                                       (("alpha", "beta", "gamma"), named, False)]:
        templates = {0: cover, 1: (WILDCARD, "Served", "request", *values)}
        keys = {c: tuple(map(miner._tokens.norm, t)) for c, t in templates.items()}
        parent, alive = {}, {0, 1}
        miner._fields = {0: cover_keys, 1: [None, None, None, *(v.split("=")[0] + "=" if "=" in v else None
                                                                  for v in values)]}
        assert miner._merge_covered(templates, keys, parent, alive) == ({0} if merged else set())
        assert parent == ({1: 0} if merged else {})


def test_a_cover_loses_no_word_where_it_takes_a_masked_value():
    # A resolver's "tx <NUM> <*>. <*>. <HEX>" holds names and zones alike; a rare message with a masked name and a
    # zone word (<HOST>. org.) was kept apart, its <HOST>. counted as a word the cover turns into a wildcard:
    # two for the cover's one word.
    rng = random.Random(0)
    common = [f"tx <NUM> {rng.choice(['<HOST>.', 'arpa.', 'edu.', 'gov.'])} "
              f"{rng.choice(['<HOST>.', 'com.', 'net.', 'mil.'])} <HEX>" for _ in range(60)]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(common + [f"tx <NUM> <HOST>. {zone} <HEX>" for zone in ("org.", "io.", "de.")],
                              masked=True)
    assert miner.templates_["template"].tolist() == ["tx <NUM> <*>. <*>. <HEX>"]
    assert len(set(ids)) == 1
    # Two plain words are still more than the one it keeps.
    ids = LogTemplateMiner().fit_transform(common + ["tx <NUM> lame. org. <HEX>"], masked=True)
    assert ids[-1] not in ids[:-1]


def test_a_cluster_keeps_only_the_keys_all_its_messages_share():
    # Mining: the second message has zone= where the first had kind=, and a plain word where it had rpc=.
    fields: dict = {}
    for tokens in (["Served", "rpc=Read", "kind=vm", "id=1"], ["Served", "Plan", "zone=eu", "id=2"]):
        _note_fields(fields, 0, tokens)
    assert fields == {0: [None, None, None, "id="]}
    # Merging: a key stays where both sides have it; an unknown side knows none.
    miner = LogTemplateMiner()
    miner._fields = {0: ["rpc=", "kind=", None], 1: ["rpc=", "zone=", None], 3: [None, "kind=", None]}
    miner._join_fields(0, 1)
    miner._join_fields(3, 2)
    assert miner._fields == {0: ["rpc=", None, None], 1: ["rpc=", "zone=", None], 3: [None, None, None]}


def test_a_cover_does_not_take_values_of_another_key():
    # The rare message's error= and status= are no rpc= and kind=: the cover would hold another event.
    # Nor one whose status= stands where the cover's messages all have kind=.
    for rare in ("provider.azurerm_v3.103.1: Served request error=timeout status=FAILED",
                 "provider.aws_v5.49.0: Served request rpc=ReadResource status=FAILED"):
        messages = [rare, *provider_requests(" rpc={rpc} kind={kind}")[2:]]
        miner = LogTemplateMiner()
        ids = miner.fit_transform(messages)
        assert ids[0] not in ids[1:] and len(set(ids[1:])) == 1, miner.templates_["template"].tolist()
        assert miner.templates_["template"].tolist()[ids[1]] == \
            f"{WILDCARD}: Served request rpc={WILDCARD} kind={WILDCARD}"


def test_a_name_a_message_writes_twice_is_a_value_even_in_few_messages():
    # strongSwan names the connection in its tag and again in the message: three names, each its own template
    # before; the first word is no verb when its name comes back later.
    names = ["hq-dc1", "branch-ber", "aws-vpc-prod"]
    messages = [f"<{n}|{i}> selected peer config '{n}'" for i in range(1, 4) for n in names]
    messages += [f"task finished, state={s}, executor_state={s}" for s in ("done", "failed", "skipped")]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids[:9])) == 1, miner.templates_["template"].tolist()
    assert len(set(ids[9:])) == 1 and ids[9] != ids[0]
    # The same bare word twice, a closing colon or comma apart, may be any word of the event.
    for form in ("state {s} reached, now {s}", "{s}: {s} ok"):
        ids = LogTemplateMiner().fit_transform([form.format(s=s) for s in ("running", "stopped", "paused")] * 2)
        assert ids.tolist() == [0, 1, 2, 0, 1, 2]
    # Quoted, it is a value: two realms.
    ids = LogTemplateMiner().fit_transform([f"no DC on site ({r}), trying realm {r}" for r in ("CORP.COM", "LAB.LAN")])
    assert ids.tolist() == [0, 0]
    # slot_min_values=0 merges no words, these neither.
    assert len(set(LogTemplateMiner(slot_min_values=0).fit_transform(messages[:9]))) == 3


def test_a_name_written_again_as_a_dotted_names_last_part_is_a_value():
    # Celery's beat names a task, then its module path: "Sending due task ldap_sync_all (app.sources.ldap.tasks.
    # ldap_sync_all)" was one event per task, the name and the path two slots next to each other that vary together.
    tasks = ["app.sources.ldap.tasks.ldap_sync_all", "app.crypto.tasks.certificate_discovery",
             "app.core.tasks.clean_expired_models"]
    messages = [f"Scheduler: Sending due task {t.rsplit('.', 1)[1]} ({t})" for t in tasks] * 2
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    # The path's shared package stays, as Loghub-2.0 keeps Hadoop's "org.apache.hadoop.mapreduce.<*>".
    assert len(set(ids)) == 1 and miner.templates_["template"].iloc[0] == "Scheduler: Sending due task <*> (app.<*>)"
    # A name that is not the path's last part says nothing.
    other = [f"Scheduler: Sending due task {t.rsplit('.', 1)[1]} ({t}.run)" for t in tasks]
    assert len(set(LogTemplateMiner().fit_transform(other))) == 3


def test_templates_that_differ_in_one_slot_only_after_the_later_passes_merge():
    # Each kind's rpc values merge first (rpc=<*> kind=aws_subnet, ...); then the kinds differ in one slot.
    messages = provider_requests(": rpc={rpc} kind={kind}", n=40, seed=0)[2:]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(messages))) == 1, miner.templates_["template"].tolist()


def test_clusters_whose_templates_read_the_same_are_one():
    # Mining may put a wildcard where all of a cluster's words agree (written out, it reads as they do): the
    # lowest id keeps them all, those merged into the others included.
    templates = {0: ("a", "<*>"), 1: ("a", "<*>"), 2: ("b", "<*>"), 3: ("a", "x"), 4: ("b", "<*>")}
    assert _join_equal(templates, {3: 1}) == {1: 0, 3: 0, 4: 2}
    assert _join_equal(templates, {}) == {1: 0, 4: 2}


def test_a_covered_wildcard_is_no_text_and_a_wildcards_text_is_the_same_in_any_order():
    # "<<*>>" reads the text "<*>", not the anything a wildcard holds: user1 and user2 keep their template.
    messages = ["send <alice@x.org> 5 10.0.0.1 via relay ok", "send <10.0.0.7> 10.0.0.2 17 via relay ok",
                "send user1 foo bar via relay ok", "send user2 foo bar via relay ok"]
    miner = LogTemplateMiner()
    assert miner.fit_transform(messages).tolist() == [0, 0, 1, 1]
    assert miner.transform(["send user3 foo bar via relay ok"]).tolist() == [1]
    # "id=<" opens id=<NUM> as well as id=<xay>: its "<" is no punctuation to keep, whichever line came first.
    bracketed = [f"user id=<x{c}y> logged in ok" for c in "abcdefg"]
    numbered = [f"user id={n} logged in ok" for n in range(5)]
    shown = {tuple(LogTemplateMiner().fit(order).templates_["template"]) for order in (bracketed + numbered,
                                                                                      numbered + bracketed)}
    assert shown == {("user id=<*> logged in ok",)}


def test_a_wildcard_inside_a_token_absorbs_the_words_it_covers():
    # Dovecot's imap(user)<pid><session>: the users with an e-mail address or a digit made imap(<*>), the plain
    # names were templates of their own; pop3(<*>) is not covered by imap(<*>).
    messages = [f"{s}: Logged out in=<NUM>" for s in ("imap(<*>)<<NUM>>", "imap(alice)<<NUM>>", "imap(bob)<<NUM>>",
                                                      "pop3(<*>)<<NUM>>", "imap(carol)<<NUM>>")]
    miner = LogTemplateMiner()
    assert miner.fit_transform(messages, masked=True).tolist() == [0, 0, 0, 1, 0]


def test_an_empty_pair_of_brackets_joins_the_event_whose_brackets_hold_a_variable():
    # Coturn's "user <>" (no user given) beside "user <1700000:alice>": two templates of one event.
    users = [f"allocate <{1700000 + i}:alice> refused" for i in range(4)] + ["allocate <> refused"] * 3
    calls = [f"call f(x={i}) done" for i in range(6)] + ["call f() done"] * 3
    for messages, template in ((users, "allocate <<*>> refused"), (calls, "call f(<*>) done")):
        miner = LogTemplateMiner()
        assert set(miner.fit_transform(messages).tolist()) == {0}, miner.templates_["template"].tolist()
        assert miner.template_of([0]) == [template]
    # A word in the brackets is none: (fast) and () may be two events.
    miner = LogTemplateMiner()
    assert miner.fit_transform(["mode (fast) on"] * 2 + ["mode () on"] * 3).tolist() == [0, 0, 1, 1, 1]


def test_a_field_whose_bracketed_value_says_none_joins_the_event_whose_field_holds_a_value():
    # Kea's cid=[no info] beside cid=[01:aa:...]: the client sent no id; one event, not two by the client.
    rng = random.Random(3)
    clients = ["no info", "not set"] + [f"01:02:03:04:05:{i:02x}" for i in range(4)]
    messages = [f"DHCP4_LEASE_ALLOC cid=[{rng.choice(clients)}], tid=0x{rng.randrange(1 << 30):x}: "
                f"lease 10.0.0.{i} allocated" for i in range(60)]
    miner = LogTemplateMiner()
    assert set(miner.fit_transform(messages).tolist()) == {0}, miner.templates_["template"].tolist()
    assert miner.template_of([0]) == ["DHCP4_LEASE_ALLOC cid=[<*>], tid=<HEX>: lease <IP> allocated"]
    # A phrase of other words there is what the field says: no value missing, the words apart stay.
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform([f"job {i} mode=[fast start] done" for i in range(3)]
                                       + [f"job {i} mode=[slow start] done" for i in range(3)]).tolist())) == 2


def test_a_quoted_value_holding_a_variable_is_one_value_whatever_its_other_words():
    # Flux's revision 'main@sha1:<HEX>' beside 'master@sha1:<HEX>': a branch's name is part of the revision.
    rng = random.Random(4)
    messages = [f"no changes since last reconcilation: observed revision "
                f"'{rng.choice(['main', 'master'])}@sha1:{rng.randrange(1 << 60):x}'" for _ in range(40)]
    miner = LogTemplateMiner()
    assert set(miner.fit_transform(messages).tolist()) == {0}, miner.templates_["template"].tolist()
    # A quoted field names its key, and a quoted phrase its event: each stays apart.
    for values in (["user=", "group="], ["Created pod ", "Deleted pod "]):
        messages = [f"audit: set '{rng.choice(values)}{rng.randrange(1000, 9999)}' now" for _ in range(40)]
        miner = LogTemplateMiner()
        assert len(set(miner.fit_transform(messages).tolist())) == 2, miner.templates_["template"].tolist()


def test_a_bracketed_records_fields_that_vary_together_are_values_as_a_lines_fields_are():
    # 7 Days to Die's "[type=EntityZombieDog, name=zombieDog, id=171]": its first field's key opens the bracket.
    kinds = [("EntityZombieDog", "zombieDog"), ("EntityAnimalStag", "animalStag"), ("EntityVulture", "vulture"),
             ("EntityZombie", "zombieBoe")]
    messages = [f"Entity [type={t}, name={n}, id={100 + i}] fell off the world, id={100 + i}"
                for i, (t, n) in enumerate(kinds * 3)]
    miner = LogTemplateMiner()
    assert set(miner.fit_transform(messages).tolist()) == {0}, miner.templates_["template"].tolist()
    # One such field of few values names the event, as a line's does.
    miner = LogTemplateMiner()
    ids = miner.fit_transform([f"Entity [type={t}, id={i}] fell" for i, (t, _) in enumerate(kinds[:3] * 3)])
    assert len(set(ids.tolist())) == 3, miner.templates_["template"].tolist()


def test_a_template_with_wildcards_in_punctuation_still_joins_its_cover():
    # The rare template's quoted "<*>" counts as a wildcard; it is covered all the same by one with more of them.
    tail = " ".join(f"w{chr(97 + i)}" for i in range(16))
    messages = [f'Mount volume {v} for pod \\"{p}\\" {tail} {x}' for v, p, x in
                [("<ID>", "a1", "<NUM>"), ("<UUID>", "b2", "<HEX>"), ('\\"cfg\\"', "c3", "<NUM>")]]
    messages += [f'Mount volume \\"{v}\\" for pod \\"{p}\\" {tail} <NUM>' for v, p in [("x1", "d4"), ("y2", "e5")]]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages, masked=True)
    assert len(set(ids)) == 1, miner.templates_["template"].tolist()


def test_an_absorbed_template_widens_the_cover_to_hold_its_words():
    # 22 tokens: Drain allows one mismatch, so rhost=<IP> and rhost=zed make rhost=<*> in the absorbed template.
    mid = " ".join("w" + chr(97 + i) for i in range(18))
    messages = [f"start x1 <NUM> and {mid} rhost=<IP>", f"start x2 <HEX> and {mid} rhost=<IP>",
                f"start foo bar and {mid} rhost=<IP>", f"start foo bar and {mid} rhost=zed"]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages, masked=True)
    assert miner.transform([m + " " for m in messages], masked=True).tolist() == ids.tolist()


def test_a_wildcard_inside_a_token_reads_as_any_text_even_on_long_tokens():
    covers = LogTemplateMiner()._tokens.covers
    assert covers("[<*>:<*>:<*>]", "[a:b:c]") and not covers("[<*>:<*>:<*>]", "[a:b]")
    assert covers("a<*>a", "aa") and not covers("a<*>a", "a") and not covers("a<*>a", "aa", empty=False)
    assert not covers("[<*>:<*>:<*>]", "[" + ":" * 4000 + " up")  # a regex would backtrack for seconds here
    assert covers("abc", "abc") and not covers("abc", "abd")


def test_a_glued_unit_joins_durations_but_not_a_list():
    miner = LogTemplateMiner()
    assert miner.fit_transform(["flushed 5s 3 pages", "flushed 12 pages"]).tolist() == [0, 1]


def test_a_duration_whose_unit_scales_with_it_is_one_event_and_a_fixed_unit_stays():
    # Go writes 845µs, 12ms and 1.2s for one event; a Java one writes ms every time.
    messages = [f"request took {d} ok" for d in ("845µs", "12ms", "1.2s", "3ms", "1m2s")]
    messages += [f"job ran in {i}ms" for i in range(5)]
    miner = LogTemplateMiner()
    assert miner.fit_transform(messages).tolist() == [0] * 5 + [1] * 5
    assert miner.templates_["template"].tolist() == [f"request took {WILDCARD} ok", "job ran in <DURATION>ms"]


def test_fields_of_different_types_are_not_a_list():
    # A request's path, status and time are three fields, whether or not the path was masked; a list of ids, or of
    # values written with commas, still collapses.
    miner = LogTemplateMiner()
    ids = miner.fit_transform([f"GET /api/v1/items/{i} {200 + i} {i}.5 ms" for i in range(6)]
                              + [f"GET health {200 + i} {i}.5 ms" for i in range(6)]
                              + ["delete 0x1f 12 0x2a", "delete 0x3b", "hosts 10.0.0.1, db1.example.com, 10.0.0.2"])
    templates = miner.template_of(ids)
    assert ids[0] == ids[6] and templates[0] == f"GET {WILDCARD} <NUM> <DURATION> ms"
    assert ids[12] == ids[13] and templates[14] == f"hosts {WILDCARD}"


def test_a_value_then_a_duration_or_size_after_a_comma_are_two_fields():
    # An id or a byte count, then the time taken with its unit: two fields, not a list that swallows the second;
    # values of one kind written with commas still collapse, quantities too.
    miner = LogTemplateMiner()
    ids = miner.fit_transform([f"passed, queued_as: 4f{i}a9c0e1b2d3, {100 + i} ms" for i in range(4)]
                              + [f"blocked, size: {5000 + i}, {100 + i} ms" for i in range(4)]
                              + [f"read {i} KB, {i + 1} KB, {i + 2} KB" for i in range(4)])
    templates = miner.template_of(ids)
    assert templates[0] == "passed, queued_as: <HEX>, <DURATION> ms"
    assert templates[4] == "blocked, size: <NUM>, <DURATION> ms"
    assert templates[8] == "read <SIZE>"


@pytest.mark.parametrize("quoted_phrases", [True, False])
def test_a_quoted_phrase_is_one_value(quoted_phrases):
    names = ["module.vpc (expand)", "aws_instance.web[0]", "data.aws_ami.ubuntu (expand)", "module.db.aws_db (close)",
             "output.ip", "var.region (prepare state)"]
    messages = [f'walking vertex "{name}" in graph' for name in names]
    # Not one value: a logfmt key's quoted message, a message that opens with a quote, a request line (its
    # UPPER_CASE method names the event).
    messages += [f'retry msg="{m}" attempt=3' for m in ("disk full", "quota exceeded now")]
    messages += [f'"{m}" pod=web' for m in ("Probe failed", "Container restarted twice")]
    messages += [f'client sent "{m} /a HTTP/1.1" and left' for m in ("GET", "POST")]
    replies = ("226 Transfer complete.", "230 Login successful.", "331 Please specify the password.", "550 Denied.")
    messages += [f'FTP response: Client "10.0.0.1", "{m}"' for m in replies]
    miner = LogTemplateMiner(quoted_phrases=quoted_phrases)
    ids = miner.fit_transform(messages)
    assert (len(set(ids[:6])) == 1) == quoted_phrases
    assert len(set(ids[6:])) == 10
    if quoted_phrases:
        assert miner.template_of(ids[:1]) == [f'walking vertex "{WILDCARD}" in graph']
        assert miner.transform(['walking vertex "module.new thing here" in graph']).tolist() == [ids[0]]
        assert LogTemplateMiner.from_dict(miner.to_dict()).transform(messages).tolist() == ids.tolist()



def test_fit_tokenises_each_message_once_and_writes_wildcards_from_those_tokens(monkeypatch):
    # Writing the wildcards out reads the tokens Drain was fed (a phrase's words glued, a list collapsed) again
    # from the text joined for it, not by tokenising each message a second time.
    calls = []
    tokenize = LogTemplateMiner._tokenize
    monkeypatch.setattr(LogTemplateMiner, "_tokenize", lambda self, text: calls.append(text) or tokenize(self, text))
    names = ["module.vpc (expand)", "aws_instance.web[0]", "data.aws_ami (expand)", "module.db (close)", "output.ip"]
    messages = [f'walking vertex "{name}" in graph user={u} ids 1 2 3' for name, u in zip(names, "abcde")] * 2
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(calls) == len(set(calls)) == len(names)
    assert miner.template_of(ids[:1]) == [f'walking vertex "{WILDCARD}" in graph user={WILDCARD} ids <NUM>']

def test_a_quoted_phrase_that_opens_a_message_before_words_is_one_value():
    # A game server's player ("name<uid><steamid>") leads its events; a name with a space is no extra token.
    players = ["s1mple fan", "Kuba", "Dr. Flash", "mirage enjoyer", "zzz", "n0rth", "Ronja", "El Diablo", "pingu"]
    events = ["entered the game", "left buyzone", "was killed by the bomb"]
    messages = [f'"{p}<{i}><STEAM_1:0:{1000 + i}>" {e}' for e in events for i, p in enumerate(players)]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids)) == len(events)
    assert miner.template_of(ids[:1]) == [f'"{WILDCARD}<<NUM>><<ID>:<NUM>:<NUM>>" entered the game']


def test_a_bracketed_list_of_quoted_words_written_with_spaces_is_one_value():
    # Go's %q of a slice: ["sre" "oncall"]; lists of one, two or three items are one event.
    groups = ['["devs"]', '["sre" "oncall"]', '["platform" "devs"]', '["sre" "platform" "oncall"]', '[]', '["ro"]']
    messages = [f'login successful: user="u{i}", groups={g} took {i}ms' for i, g in enumerate(groups)]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids)) == 1
    assert miner.template_of(ids[:1]) == [f'login successful: user="{WILDCARD}", groups=[{WILDCARD}] took <DURATION>ms']


def test_a_bracketed_list_of_quoted_words_that_opens_the_message_is_one_value():
    # Glued into one token at the message's start, the lists were no quoted value to the merge of quoted values and
    # too few to be another event's lead: one template per pair of groups (36 for 150 lines).
    names = ["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta", "iota"]
    messages = [f'["{names[i % 9]}" "{names[i * 7 % 9]}"] groups granted' for i in range(150)]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids)) == 1
    assert miner.template_of(ids[:1]) == [f'["{WILDCARD}"] groups granted']


def test_a_model_saved_before_quoted_phrases_and_typed_lists_keeps_its_tokens():
    # Version 1 read a run of any variables as one list: its "GET <*> ms" must still take a path, a status and a
    # time, and its quoted phrases stay split.
    miner = LogTemplateMiner(typed_lists=False, quoted_phrases=False)
    miner.fit([f"GET /api/items/{i} {200 + i % 3} {i}.5 ms" for i in range(20)] + ['walking vertex "a b" in graph'])
    old = miner.to_dict()
    old["version"] = 1
    del old["params"]["typed_lists"], old["params"]["quoted_phrases"]
    loaded = LogTemplateMiner.from_dict(old)
    assert not loaded.typed_lists and not loaded.quoted_phrases
    assert loaded.transform(["GET db1.example.com 200 0.5 ms", 'walking vertex "a b" in graph']).tolist() == [0, 1]
    with pytest.raises(ValueError, match="reads versions 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13"):
        LogTemplateMiner.from_dict({**old, "version": 14})
    # Saved while both rules were in and the version was still 1: it names quoted_phrases, and typed its lists.
    early = LogTemplateMiner().to_dict()
    early["version"] = 1
    del early["params"]["typed_lists"]
    assert LogTemplateMiner.from_dict(early).typed_lists


@pytest.mark.parametrize("absorb_covered", [True, False])
def test_a_rare_message_its_events_template_covers_joins_it(absorb_covered):
    # One event: its namespace a parameter (a one-slot merge), its container and pod varying together (a pair
    # merge); then a line whose three words are all new, which no pass merges.
    messages = [f"Back-off restarting container {p} in pod {p}-pod ns {n}"
                for p in ("web", "api", "db", "cache", "queue", "auth") for n in ("default", "prod", "dev", "ci")]
    messages += ["Back-off restarting container etl in pod etl-pod ns batch", "Back-off restarting container x in y"]
    miner = LogTemplateMiner(absorb_covered=absorb_covered)
    ids = miner.fit_transform(messages)
    assert (len(set(ids[:25])) == 1) == absorb_covered
    assert ids[25] not in ids[:25]
    assert miner.templates_["template"].iloc[0] == \
        f"Back-off restarting container {WILDCARD} in pod {WILDCARD}-pod ns {WILDCARD}"


def test_deterministic():
    messages, _ = synthetic_log(seed=3)
    a = LogTemplateMiner().fit_transform(messages)
    b = LogTemplateMiner().fit_transform(list(messages))
    assert np.array_equal(a, b)
    assert LogTemplateMiner().fit(messages).templates_.equals(LogTemplateMiner().fit(messages).templates_)


def test_transform_matches_fit_and_handles_unseen():
    messages, _ = synthetic_log(seed=1)
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert np.array_equal(miner.transform(messages), ids)
    session = ids[[m.startswith("session closed") for m in messages]][0]
    accepted = ids[[m.startswith("Accepted") for m in messages]][0]
    new = ["session closed for user zoe",  # new user: the slot is a parameter
           "Accepted password for alice from 192.168.1.1 port 22 ssh2",  # new values
           "kernel panic - not syncing", ""]
    assert miner.transform(new).tolist() == [session, accepted, -1, -1]


def test_save_load_gives_same_ids(tmp_path):
    messages, _ = synthetic_log(seed=2)
    masker = Masker().with_rule(MaskRule("user", r"(?<=user )\w+", "<USER>"))
    miner = LogTemplateMiner(masker=masker, slot_min_values=5)
    ids = miner.fit_transform(messages)
    path = tmp_path / "model.json"
    miner.save(path)
    loaded = LogTemplateMiner.load(path)
    assert loaded.get_params() == miner.get_params() and loaded.masker == masker
    assert np.array_equal(loaded.transform(messages), ids)
    assert loaded.templates_.equals(miner.templates_)
    more, _ = synthetic_log(seed=9)
    assert np.array_equal(loaded.transform(more), miner.transform(more))


def test_load_rejects_other_json(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"a": 1}')
    with pytest.raises(ValueError):
        LogTemplateMiner.load(path)


def test_counts_weight_templates():
    messages, _ = synthetic_log(seed=4)
    full = LogTemplateMiner().fit(messages).templates_
    uniq, counts = np.unique(np.array(messages, dtype=object), return_counts=True)
    order = sorted(range(len(uniq)), key=lambda i: messages.index(uniq[i]))  # first appearance
    weighted = LogTemplateMiner().fit([uniq[i] for i in order], [counts[i] for i in order]).templates_
    assert weighted.equals(full)
    assert full["count"].sum() == len(messages)
    with pytest.raises(ValueError):
        LogTemplateMiner().fit(["a"], [1, 2])


def test_masked_input_and_template_of():
    miner = LogTemplateMiner()
    ids = miner.fit_transform(["port <NUM> open", "port <NUM> open", "disk full"], masked=True)
    assert ids.tolist() == [0, 0, 1]
    assert miner.template_of([1, -1, 0]) == ["disk full", "", "port <NUM> open"]
    frame = miner.templates_
    assert list(frame.columns) == ["template_id", "template", "count"]
    assert frame["count"].tolist() == [2, 1]


def test_unfitted_transform_and_bad_params():
    with pytest.raises(NotFittedError):
        LogTemplateMiner().transform(["x"])
    with pytest.raises(ValueError):
        LogTemplateMiner(sim_th=1.5)
    with pytest.raises(ValueError):
        LogTemplateMiner(depth=2)


def test_mine_templates_broadcasts_to_every_line():
    messages, _ = synthetic_log(n=120, seed=5)
    content = messages[:50] + ["", "   ", None] + messages[50:]
    frame = pd.DataFrame({"content": content, "blank": [False] * 50 + [True, True, False] + [False] * 70})
    out = mine_templates(frame)
    assert len(out) == len(frame) and list(out.index) == list(frame.index)
    assert {"masked", "template_id", "template"} <= set(out.columns)
    assert out["template_id"].dtype == np.int64
    blank = out.iloc[50:53]
    assert blank["template_id"].tolist() == [-1, -1, -1] and blank["template"].tolist() == ["", "", ""]
    rest = out.drop(index=[50, 51, 52])
    assert (rest["template_id"] >= 0).all()
    assert np.array_equal(rest["template_id"].to_numpy(), LogTemplateMiner().fit_transform(messages))
    assert rest["masked"].tolist() == Masker().mask_many(messages)
    assert "content" in out.columns and frame.columns.tolist() == ["content", "blank"]  # input untouched


def test_mine_templates_with_a_fitted_miner_keeps_ids():
    train, _ = synthetic_log(seed=6)
    miner = LogTemplateMiner()
    first = mine_templates(pd.DataFrame({"content": train}), miner)
    test = pd.DataFrame({"content": train[:10] + ["never seen before"]})
    n_templates = len(miner.templates_)
    frozen = mine_templates(test, miner, learn=False)
    assert frozen["template_id"].tolist() == first["template_id"].tolist()[:10] + [-1]
    learned = mine_templates(test, miner)
    assert learned["template_id"].tolist() == first["template_id"].tolist()[:10] + [n_templates]


def test_mine_templates_empty_frame():
    out = mine_templates(pd.DataFrame({"content": pd.Series([], dtype=object)}))
    assert len(out) == 0 and {"masked", "template_id", "template"} <= set(out.columns)


def _parse_accuracy_module():
    spec = importlib.util.spec_from_file_location("parse_accuracy", ROOT / "benchmarks" / "parse_accuracy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_grouping_accuracy():
    assert grouping_accuracy(["a", "a", "b"], [1, 1, 2]) == 1.0
    assert grouping_accuracy(["a", "a", "b"], [1, 1, 1]) == 0.0
    assert grouping_accuracy(["a", "a", "b", "c"], [1, 2, 3, 4]) == 0.5


def test_normalize_template_types_runs_and_spaces():
    assert normalize_template("from <IP>:<NUM>  port <*> <*><*> ok") == "from <*>:<*> port <*> ok"
    assert normalize_template("a <*>, <*> b") == "a <*>, <*> b"  # punctuation between: two variables


def test_parsing_metrics_on_a_hand_made_example():
    truth = ["open <*>", "open <*>", "close <*>", "close <*>", "stop", "stop"]
    # "open" right in text and group; "close" split in two groups; "stop" one group, wrong text.
    groups = [0, 0, 1, 2, 3, 3]
    texts = ["open <PATH>", "open <PATH>", "close <*>", "close <*>", "stop now", "stop now"]
    m = parsing_metrics(truth, groups, texts)
    assert m["ga"] == pytest.approx(4 / 6)
    assert m["pa"] == pytest.approx(4 / 6)
    # 2 of 4 predicted groups are true groups, 2 of 3 true groups found: P 1/2, R 2/3.
    assert m["fga"] == pytest.approx(2 * (1 / 2) * (2 / 3) / (1 / 2 + 2 / 3))
    # only "open" is a right group with the right text: P 1/4, R 1/3.
    assert m["fta"] == pytest.approx(2 * (1 / 4) * (1 / 3) / (1 / 4 + 1 / 3))
    assert parsing_accuracy(["x <*>"], ["x <NUM>"]) == 1.0 and template_f1(["a"], [0], ["b"]) == 0.0
    assert group_f1(["a", "b"], [0, 0]) == 0.0


@needs_loghub
def test_loghub_grouping_accuracy():
    module = _parse_accuracy_module()
    assert set(module.LOGHUB_FORMATS) == set(LOGHUB_FORMATS)
    rows = [module.evaluate_system(LOGHUB, system) for system in LOGHUB_FORMATS]
    ga = {r["system"]: r["ga"] for r in rows}
    assert np.mean(list(ga.values())) >= 0.95, ga
    assert min(ga.values()) >= 0.85, ga


def test_fitted_miner_learns_new_templates_without_changing_old_ids():
    from logad_utils.templates import LogTemplateMiner

    miner = LogTemplateMiner().fit(["disk ok on host a1", "fan speed 300 rpm"])
    before = miner.template_of([0, 1])
    ids = miner.extend(["fan speed 310 rpm", "power supply failed", "power supply failed", ""])
    assert ids[0] == 1 and ids[1] == ids[2] == 2 and ids[3] == 3 and miner.template_of([3]) == ["<empty>"]
    assert miner.template_of([0, 1]) == before
    assert miner.transform(["power supply failed"]).tolist() == [2]


def test_mine_templates_keeps_rows_aligned_on_a_filtered_frame():
    frame = pd.DataFrame({"content": ["open file 1", "boom", "open file 3", "boom", "close file 5"]})
    out = mine_templates(frame.iloc[[0, 2, 4]])
    assert out["masked"].tolist() == ["open file <NUM>", "open file <NUM>", "close file <NUM>"]
    assert out.index.tolist() == [0, 2, 4]


def test_template_health_ok_on_a_varied_log_and_from_unique_counts():
    messages, _ = synthetic_log(n=400)
    frame = mine_templates(pd.DataFrame({"content": messages}))
    health = template_health(frame)
    assert health["status"] == "ok" and health["reasons"] == [] and health["lines"] == 400
    ids, counts = np.unique(frame["template_id"], return_counts=True)
    assert template_health(ids, counts) == health


def test_template_health_warns_on_poor_templates():
    rng = random.Random(0)
    junk = ["".join(rng.choice("abcdefgh") for _ in range(12)) + " z" for _ in range(300)]
    health = template_health(mine_templates(pd.DataFrame({"content": junk})))
    assert health["status"] == "warn" and health["singleton_share"] == 1.0
    assert any("templates for 300 lines" in r for r in health["reasons"])
    swallowed = template_health(np.r_[np.zeros(950, dtype=int), np.arange(1, 51)])
    assert swallowed["status"] == "warn" and "95%" in swallowed["reasons"][0]
    nearly = template_health(np.r_[np.zeros(998, dtype=int), 1, 2])  # 99.8 %, not "100%" of the lines
    assert "holds 99.8% of the lines" in nearly["reasons"][0]
    nearer = template_health(np.r_[np.zeros(9996, dtype=int), 1, 2, 3, 4])
    assert "holds 99.96% of the lines" in nearer["reasons"][0]
    assert template_health([0] * 10)["status"] == "ok"  # too few lines to judge
    assert template_health(np.array([-1, -1]))["templates"] == 0


def _reference_similarity(tokens: _Tokens, template, message, include_params):
    """The variable-aware similarity token by token, as documented in _VarAwareDrain: (similarity, parameters)."""
    sim = params = 0
    for a, b in zip(template, message):
        if a == b:
            sim += 1
        elif a == WILDCARD:
            params += 1
            sim += include_params or tokens.skeleton(b) is not None
        elif tokens.is_enum(a) and tokens.is_enum(b):
            return 0.0, 0
        elif tokens.compatible(a, b):
            sim, params = sim + 1, params + 1
    return sim / len(template), params


@pytest.mark.parametrize("sim_th", [0.95, 0.5])  # index lookups, NumPy scan
def test_fast_match_picks_what_the_token_by_token_similarity_picks(sim_th):
    rng = random.Random(sim_th)
    words = ["open", "close", "RUNNING", "FAILED", "<NUM>", "<IP>", "(<HOST>)", "()", "x1", WILDCARD, "rhost="]
    tokens = _Tokens(digits_are_vars=True, caps_constants=True)
    drain = _VarAwareDrain(tokens, depth=4, sim_th=sim_th, max_children=100, param_str=WILDCARD)
    for _ in range(300):
        drain.add_log_message(" ".join(rng.choice(words) for _ in range(rng.randint(2, 5))))
    leaves, checked = [drain.root_node], 0
    while leaves:
        node = leaves.pop()
        leaves.extend(node.key_to_child_node.values())
        if not node.cluster_ids:
            continue
        width = len(drain.id_to_cluster[node.cluster_ids[0]].log_template_tokens)
        for _ in range(20):
            probe = [rng.choice(words) for _ in range(width)]
            best, best_key = None, (-1.0, -1)
            for cid in node.cluster_ids:
                key = _reference_similarity(tokens, drain.id_to_cluster[cid].log_template_tokens, probe, False)
                if key > best_key:
                    best, best_key = cid, key
            expected = best if best_key[0] >= sim_th else None
            got = drain.fast_match(node.cluster_ids, probe, sim_th, False)
            assert (got.cluster_id if got else None) == expected, (probe, sim_th)
            checked += 1
    assert checked > 50


def test_a_first_word_that_leads_several_events_is_a_parameter():
    programs = ["chrome.exe", "firefox.exe", "outlook.exe", "svchost.exe", "teams", "slack", "curl", "java"]
    daemons = ["cupsd", "hcid", "klogd", "portmap", "sdpd"]
    verbs = ["Created", "Started", "Stopping", "Killing"]
    messages = [f"{p} - proxy.example.com:{5000 + i} open through proxy" for i, p in enumerate(programs)]
    messages += [f"{p} - proxy.example.com:5070 close, {100 + i} bytes sent" for i, p in enumerate(programs)]
    # Each daemon leads one event only: the word names the event, as Loghub's ground truth keeps it.
    messages += [f"{d} startup succeeded" for d in daemons]
    # A few verbs leading the same objects are events, not a parameter.
    messages += [f"{v} {thing}" for v in verbs for thing in ("container web", "pod api-7", "volume data")]
    ids = LogTemplateMiner().fit_transform(messages)
    assert len(set(ids[:8])) == 1 and len(set(ids[8:16])) == 1 and ids[0] != ids[8]
    assert len(set(ids[16:21])) == len(daemons)
    assert len({ids[21 + 3 * k] for k in range(len(verbs))}) == len(verbs)
    split = LogTemplateMiner(lead_entities=False).fit_transform(messages)
    assert len(set(split[:16])) == 16
    # Four host names and a host the masking took (mac-studio-4): a variable never is a verb, so four suffice.
    hosts = ["nas-sync", "lt-akhan", "lt-jsmith", "lt-mgarcia", "mac-studio-4"]
    pairs = list(zip(hosts * 6, ["hr", "projects", "backup", "finance", "public", "software"] * 5))
    events = [f"{h} (ipv4:10.0.0.{i}:445) connect to service {s}" for i, (h, s) in enumerate(pairs)]
    events += [f"{h} (ipv4:10.0.1.{i}:445) closed connection to service {s}" for i, (h, s) in enumerate(pairs)]
    ids = LogTemplateMiner().fit_transform(events)
    assert len(set(ids[:30])) == 1 and len(set(ids[30:])) == 1 and ids[0] != ids[30]
    assert len(set(LogTemplateMiner().fit_transform(messages[21:]))) == len(verbs) * 3  # no variable among verbs
    # A masked first word that leads one of their events only says nothing of the verbs beside it.
    masked = ["9f3a2c7e1b container web", "7a1b2c3d4e image pulled"]
    assert len(set(LogTemplateMiner().fit_transform(messages[21:] + masked))) == len(verbs) * 3 + 2


def test_names_a_colon_sets_apart_that_lead_the_same_events_are_a_parameter():
    # multipathd's maps: "mpatha: remaining active paths: 3", "mpathb: ..." were one event per map, as four words
    # leading the same events may be verbs; set apart by a colon, each the subject of the same events, they are names.
    events = ["remaining active paths: {n}", "sd{d} - tur checker reports path is up", "switch to path group #{n}"]
    maps = ["mpatha:", "mpathb:", "mpathc:"]
    messages = [f"{m} {e.format(n=i, d=chr(97 + i))}" for i in range(4) for e in events for m in maps]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids)) == 3
    assert miner.templates_["template"].iloc[0] == "<*>: remaining active paths: <NUM>"
    # Levels and UPPER_CASE statuses leading the same events stay apart, and so do names without the colon.
    for leads in (["error:", "warning:", "info:"], ["OK:", "FAIL:", "SKIP:"], ["mpatha", "mpathb", "mpathc"]):
        as_lead = dict(zip(maps, leads))
        led = [as_lead[m.split()[0]] + m[m.index(" "):] for m in messages]
        assert len(set(LogTemplateMiner().fit_transform(led))) == 9, leads
    # Names of no one kind (see the next test) that share two events only, or two names, may be each event's words.
    kinds = {"mpatha:": "web:", "mpathb:": "db:", "mpathc:": "cache:"}
    unkind = [kinds[m.split()[0]] + m[m.index(" "):] for m in messages if "switch" not in m]
    assert len(set(LogTemplateMiner().fit_transform(unkind))) == 6
    assert len(set(LogTemplateMiner().fit_transform([m for m in messages if "mpathc" not in m]))) == 6


def test_two_names_in_braces_that_lead_the_same_events_are_a_parameter():
    # A database's ticker, "{users} objects: all 48216206 master ...", "{sessions} objects: ...": two namespaces, each
    # leading the same events, were one event per namespace, as two words may be an event's own. In braces no state
    # is written: names leading the same three events or more are the events' parameter, two suffice.
    events = ["objects: all {n} master {n}", "migrations: complete", "device-usage: used-bytes {n} avail-pct {n}"]
    messages = [f"{{{ns}}} {e.format(n=17 * i + 3)}" for i in range(4) for e in events for ns in ("users", "sessions")]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(messages))) == 3
    assert "{<*>} migrations: complete" in set(miner.templates_["template"])
    # Two names that share two events only, or words in other brackets, may be the events' own words.
    assert len(set(LogTemplateMiner().fit_transform([m for m in messages if "device" not in m]))) == 4
    parens = [m.replace("{", "(").replace("}", ")") for m in messages]
    assert len(set(LogTemplateMiner().fit_transform(parens))) == 6
    # Levels or UPPER_CASE statuses in braces label the message, as in brackets: they stay apart.
    for leads in (("info", "error"), ("WARN", "INFO"), ("OK", "FAILED")):
        labelled = [m.replace("{users}", f"{{{leads[0]}}}").replace("{sessions}", f"{{{leads[1]}}}") for m in messages]
        assert len(set(LogTemplateMiner().fit_transform(labelled))) == 6, leads


def test_names_of_one_kind_a_colon_sets_apart_are_a_parameter_of_the_one_event_they_lead():
    # multipathd's "sde: prio changed from 50 to 10", "sdq: ...": each disk led that one event only, so the disks
    # were one event each, as a word that leads one event may name it (a daemon's "sshd: ..."). Names that differ in
    # their digits or last letter alone (sda/sdb, eth0/eth1) are one kind of thing, the event's subject, from three.
    for disks in (["sde:", "sdq:", "sdb:"], ["eth0:", "eth1:", "eth2:"]):
        messages = [f"{d} prio changed from {a} to {b}" for d in disks for a, b in ((50, 10), (10, 50))]
        miner = LogTemplateMiner()
        assert len(set(miner.fit_transform(messages))) == 1, disks
        assert miner.templates_["template"].iloc[0] == "<*>: prio changed from <NUM> to <NUM>"
    # Two such names, names of no one kind (daemons), or letters alone (no stem) stay apart.
    for leads in (["sde:", "sdq:"], ["kernel:", "sshd:", "cron:"], ["a:", "b:", "c:"]):
        messages = [f"{w} prio changed from {a} to {b}" for w in leads for a, b in ((50, 10), (10, 50))]
        assert len(set(LogTemplateMiner().fit_transform(messages))) == len(leads), leads


def test_states_a_colon_sets_apart_that_lead_the_same_events_stay_apart():
    # A play's task results ("ok: [web1]", "changed: [web1] => (item=nginx)", "skipping: [web1] -> localhost") are
    # states of a task, each leading the same events: a verb's form (-ed, -ing) names no subject, so they stay apart.
    events = ["[{h}]", "[{h}] => (item={i})", "[{h}] -> localhost"]
    states = ["ok:", "changed:", "skipping:"]
    messages = [f"{s} {e.format(h=h, i=i)}" for s in states for h in ("web1", "web2", "db1", "db2", "cache1")
                for i in ("nginx", "redis", "curl", "git") for e in events]
    assert len(set(LogTemplateMiner().fit_transform(messages))) == 9


def test_words_that_differ_inside_brackets_or_quotes_need_one_value_fewer():
    zones = ["public", "dmz", "lan"]
    messages = [f"firewall zone[{z}] host{i}.example.com from 10.0.0.{i}" for i, z in enumerate(zones * 2)]
    actions = ["ocs", "login", "webdav"]
    messages += [f'Bruteforce attempt from "10.1.0.{i}" detected for action "{a}".' for i, a in enumerate(actions * 2)]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids[:6])) == 1 and len(set(ids[6:])) == 1
    assert list(miner.template_of(ids[:1])) == ["firewall zone[<*>] <HOST> from <IP>"]
    # Two values are not enough (two named services, as Loghub's Spark keeps them); nor are UPPER_CASE words or
    # words that differ outside the brackets.
    kept = [f"started service '{s}' on port {p}" for s in ("sparkDriver", "blockManager") for p in (1, 2)]
    kept += [f"job [{s}] done in {i} s" for i, s in enumerate(("RUNNING", "FAILED", "KILLED"))]
    kept += [f"stage {w}[x] ended {i}" for i, w in enumerate(("map", "reduce", "shuffle"))]
    kept += [f"pool {w} ready in {i} s" for i, w in enumerate(("[a]x", "[b]y", "[c]x"))]
    assert len(set(LogTemplateMiner().fit_transform(kept))) == 2 + 3 + 3 + 3
    # Values that share their first or last letters still differ inside the quotes only.
    names = ["kube-apiserver", "kube-scheduler", "kube-proxy"]
    shared = [f'Killing container with id {i} "{n}" gracePeriod=30' for i, n in enumerate(names * 2)]
    assert len(set(LogTemplateMiner().fit_transform(shared))) == 1
    # Three values however few a slot needs (two named services stay apart with slot_min_values=3 too), and
    # UPPER_CASE words are ordinary words where caps_constants is off.
    assert len(set(LogTemplateMiner(slot_min_values=3).fit_transform(kept[:4]))) == 2
    assert len(set(LogTemplateMiner(caps_constants=False).fit_transform(kept[4:7]))) == 1
    # Not the words between two quoted texts, nor UPPER_CASE words glued to a key.
    between = [f'policy "fw",{a},"lan" matched from 10.0.0.{i}' for i, a in enumerate(["allow", "deny", "reject"] * 2)]
    states = [f'task {i} state="{s}" done' for i, s in enumerate(["RUNNING", "FAILED", "KILLED"] * 2)]
    assert len(set(LogTemplateMiner().fit_transform(between))) == 3
    assert len(set(LogTemplateMiner().fit_transform(states))) == 3


def test_a_quoted_line_holding_escaped_quotes_is_one_value_inside_its_quotes():
    # A collector quotes the lines it could not read; a JSON line's own quotes are escaped there and close nothing.
    lines = ['stdout F {\\"level\\":\\"info\\",\\"status\\":200}', "stdout P GET /healthz 200 0.4 ms",
             "stderr F W0305 reflector.go:535] failed to list"]
    messages = [f'#0 [in_tail] pattern not matched: "2024-03-05T06:37:05.3Z {line}"' for line in lines * 2]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids)) == 1
    assert list(miner.template_of(ids[:1])) == ['#<NUM> [in_tail] pattern not matched: "<DATETIME> <*>"']


def test_words_that_differ_inside_guillemets_need_one_value_fewer():
    # Guillemets quote as quotes do (CockroachDB marks each redactable value so: state ‹running›); not
    # UPPER_CASE words.
    states = ["succeeded", "reverting", "running"]
    messages = [f"job {i}: stepping through state ‹{s}›" for i, s in enumerate(states * 2)]
    messages += [f"prix «{w}» mis à jour {i}" for i, w in enumerate(["pain", "lait", "sel"] * 2)]
    ids = LogTemplateMiner().fit_transform(messages)
    assert len(set(ids[:6])) == 1 and len(set(ids[6:])) == 1
    caps = [f"job {i}: stepping through state ‹{s}›" for i, s in enumerate(["RUNNING", "FAILED", "PAUSED"])]
    assert len(set(LogTemplateMiner().fit_transform(caps))) == 3


def test_a_fields_quoted_phrase_is_one_value_unless_the_field_is_the_message():
    scopes = ["openid", "openid email", "openid profile email", "openid profile email roles"]
    messages = [f'type="REFRESH", client="{c}", scope="{s}", ok' for c in ("web", "web", "cli") for s in scopes]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids)) == 2 and list(miner.template_of(ids[:1])) == ['type="REFRESH", client="web", scope="<*>", ok']
    # A message field's value names its event; so do a version 2 model's words, which it read apart.
    said = [f'msg="{m}" id={i}' for i, m in enumerate(["server started on", "server stopped on"] * 4)]
    assert len(set(LogTemplateMiner().fit_transform(said))) == 2
    old = miner.to_dict()
    old["version"] = 2
    del old["params"]["quoted_fields"]
    loaded = LogTemplateMiner.from_dict(old)
    unseen = ['type="REFRESH", client="web", scope="openid", ok', 'type="REFRESH", client="web", scope="a b", ok']
    assert miner.transform(unseen).tolist() == [0, 0]
    assert not loaded.quoted_fields and loaded.transform(unseen).tolist() == [0, -1]
    # Nor a value after a quoted or bracketed key ("msg"=, a[0]=), which has no key of its own.
    assert LogTemplateMiner()._tokenize('note a[0]="x y" "msg"="p q" k="a b"')[1:5] == \
        ['a[0]="x', 'y"', '"msg"="p', 'q"']


def test_a_phrase_with_upper_case_words_is_one_value_unless_it_is_a_request_line():
    plugins = ["User by name", "Group by ID", "SSH host public keys", "User by ID", "Object by SID"]
    messages = [f'[CID#{i}] Setting "{p}" plugin' for i, p in enumerate(plugins * 2)]
    requests = [f'{i} "{m} /api/v1/items/{i} HTTP/1.1" status: 200' for i, m in enumerate(["GET", "POST"] * 4)]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages + requests)
    assert len(set(ids[:10])) == 1 and list(miner.template_of(ids[:1])) == ['[CID#<NUM>] Setting "<*>" plugin']
    assert len(set(ids[10:])) == 2  # the method names the request's event
    # Four phrases of UPPER-CASE words are states, as four such words are; so is a quoted status.
    statuses = ["NOT FOUND", "BAD REQUEST", "NO CONTENT", "SERVICE UNAVAILABLE"]
    for pad in ("", " "):
        replied = [f'upstream {i} replied "{pad}{t}" to client' for i, t in enumerate(statuses * 3)]
        assert len(set(LogTemplateMiner().fit_transform(replied))) == len(statuses)
    # Only an HTTP method before a target makes a request line: SQL and a level are phrases like any other.
    assert len(miner._tokenize('took <NUM> ms for "SELECT * FROM users WHERE id = <NUM>" ok')) == 6
    # A version 3 model read such a phrase as words: loaded, it still does, and a new phrase misses its slot.
    names = ["User by name", "Group by gid", "Host keys", "Object by sid", "Service list"]
    old = LogTemplateMiner(caps_phrases=False).fit([f'Setting "{p}" plugin' for p in names]).to_dict()
    old["version"] = 3
    del old["params"]["caps_phrases"]
    loaded = LogTemplateMiner.from_dict(old)
    unseen = ['Setting "Group by ID" plugin']
    assert not loaded.caps_phrases and loaded.transform(unseen).tolist() == [-1]
    assert LogTemplateMiner.from_dict({**old, "params": {**old["params"], "caps_phrases": True}}).transform(
        unseen).tolist() == [0]
    # Without enum words (caps_constants=False) a request line was one token before version 4, and stays one.
    words = LogTemplateMiner(caps_constants=False, caps_phrases=False)
    assert len(words._tokenize('<NUM> "GET <PATH> HTTP/<NUM>" <NUM>')) == 3


_LINEAR_CASES = {
    "a long JSON record, a long masked run, many keyed templates": """if True:
        import json
        from logad_utils.masking import Masker
        from logad_utils.templates import LogTemplateMiner
        LogTemplateMiner().fit_transform(["audit " + json.dumps({f"f{i}": f"v {i} t" for i in range(12000)})])
        Masker().mask("1d " * 24000)
        Masker().mask("abcdef1234.." * 50_000)
        keys = [f"k{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}{chr(97 + i // 676)}" for i in range(12000)]
        LogTemplateMiner().fit_transform([f"{k}={v} alpha beta" for k in keys for v in ("<IP>", "<HOST>", "<MAC>")],
                                         masked=True)
    """,
    "a line of 600,000 quoted values": """if True:
        from logad_utils.templates import LogTemplateMiner
        LogTemplateMiner().fit_transform(["start " + '"a b" ' * 600_000])
    """,
    "long words before rare values, long lists and brackets": """if True:
        from logad_utils.templates import LogTemplateMiner
        long = "a" * 200_000
        rare = [f"k {long}:foo{w} bar{w} baz{w} job done now ok" for w in "bcdefghijklmnopq"]
        LogTemplateMiner().fit(rare + [f"k {long}:10.0.0.1 10.0.0.2 7 job done now ok",
                                       f"k {long}:3 5 10.0.0.9 job done now ok"])
        for line in ("{" + ", " * 100_000, "[" * 50_000 + ", " * 50_000, "error in {" + ", ".join(["x"] * 30_000),
                     " ".join(["Word"] * 100_000)):
            LogTemplateMiner().fit([line])
    """,
    "a long record of cells that fails at its end": """if True:
        from logad_utils.templates import LogTemplateMiner
        LogTemplateMiner().fit(["a,," + "b," * 60 + "x y[", "id,,v1," + "United States," * 40 + '"a b",x y{'])
    """,
    "a record of many empty cells": """if True:
        from logad_utils.templates import LogTemplateMiner
        LogTemplateMiner().fit(["x " + "," * 100_000, "x y" + "," * 100_000])
    """,
    "a line of many error codes after ids": """if True:
        from logad_utils.templates import LogTemplateMiner
        LogTemplateMiner().fit(["1: " + "1: 1, " * 40_000])
    """,
    "many long runs of fields, each of its own keys": """if True:
        import random
        from logad_utils.templates import LogTemplateMiner
        rng = random.Random(0)
        words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(6)) for _ in range(5000)]
        LogTemplateMiner().fit([" ".join(f"{rng.choice(words)}={rng.choice(words)}" for _ in range(1500))
                                for _ in range(300)])
    """,
}


@pytest.mark.parametrize("case", sorted(_LINEAR_CASES))
def test_long_lines_and_many_keyed_templates_are_mined_in_linear_time(case):
    # Each took minutes before (a record's cells each tried two ways, 2**n tries; its shape, a tuple as long as the
    # record, hashed again for every cell; the words before each error code counted again from the start; a key
    # looked for from the line's start at every quoted value; an e-mail's local part read to the end of a run from
    # every start in it; a duration's
    # spaced units tried again at every token; every k=<*> template tried as a cover of every other; the clusters
    # of a length indexed again at every field's place). Each case takes 5-8 s of CPU in its own process: the
    # limit is about ten times that, in CPU time, which a loaded machine does not stretch.
    assert run_cpu_bounded(_LINEAR_CASES[case]) == 0


def test_a_tag_in_brackets_that_leads_several_events_needs_fewer_values_than_a_word():
    # fail2ban's jails, PHP-FPM's pools: a bracketed name is no verb, so four of them are a parameter.
    jails = ["[sshd]", "[nginx-http-auth]", "[postfix-sasl]", "[dovecot]"]
    messages = [f"{j} {event} 203.0.113.{i}" for event in ("Ban", "Unban", "Found") for i, j in enumerate(jails)]
    ids = LogTemplateMiner().fit_transform(messages)
    assert [len(set(ids[k:k + 4])) for k in (0, 4, 8)] == [1, 1, 1] and len(set(ids)) == 3
    # Three tags suffice (Kafka Connect's few connectors), two do not.
    for k, kinds in ((3, 3), (2, 6)):
        few = [m for m in messages if m.split()[0] in jails[:k]]
        assert len(set(LogTemplateMiner().fit_transform(few))) == kinds, k
    # Four plain words leading the same events stay apart (eight are needed): they may be verbs; so do levels,
    # letters and statuses in brackets.
    plain = [m.replace("[", "").replace("]", "") for m in messages]
    assert len(set(LogTemplateMiner().fit_transform(plain))) == 12
    for tags in (("[info]", "[warn]", "[error]", "[debug]"), ("[D]", "[I]", "[W]", "[E]"),
                 ("[OK]", "[FAIL]", "[skip]", "[todo]")):
        as_tag = dict(zip(jails, tags))
        tagged = [as_tag[m.split()[0]] + m[m.index("]") + 1:] for m in messages]
        assert len(set(LogTemplateMiner().fit_transform(tagged))) == 12, tags
    # No merging at all with slot_min_values=0, tags included.
    assert len(set(LogTemplateMiner(slot_min_values=0).fit_transform(messages))) == 12
    # strongSwan's connections in angle brackets, with their SA number; the template keeps the brackets.
    conns = [f"<{m[1:m.index(']')]}|{i}>{m[m.index(']') + 1:]}" for i, m in enumerate(messages)]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(conns)
    assert len(set(ids)) == 3 and miner.templates_["template"].iloc[0] == "<<*>|<NUM>> Ban <IP>"


def test_a_wildcards_text_keeps_angle_brackets_that_are_no_placeholder():
    miner = LogTemplateMiner()
    ids = miner.fit_transform([f"delivered from=<{u}@example.com> in {i} ms" for i, u in enumerate("abcd")] +
                              [f"delivered from=<{u}> in {i} ms" for i, u in enumerate(("root", "nobody", "www"))])
    assert miner.templates_["template"].tolist() == ["delivered from=<<*>> in <DURATION> ms"] and len(set(ids)) == 1
    # A placeholder's own brackets are never cut: <IP> and <HOST> values make a bare wildcard.
    miner.fit_transform([f"peer {v} up" for v in ("10.0.0.1", "db.example.com", "10.0.0.2", "mx.example.org")])
    assert miner.templates_["template"].tolist() == ["peer <*> up"]


def test_a_word_of_a_field_that_another_field_follows_is_a_value():
    # A firewall's flow line "... protocol=udp sport=50356 dport=53 ...", a mail server's "mech=plain, rip=...":
    # a column of a run of fields is data however few words it takes; a level or an UPPER_CASE state stays apart.
    rng = random.Random(3)
    flows = [f"src=10.0.0.{rng.randrange(250)} dst=8.8.8.8 protocol={p} sport={rng.randrange(40000, 60000)} "
             f"dport=53 pattern: allow all" for p in ("udp", "tcp") * 6]
    logins = [f"Login: user=<u{i}@example.com>, mech={m}, rip=10.1.2.{i}, TLS" for i, m in
              enumerate(("plain", "login") * 6)]
    levels = [f"job done level={lv} took={i}ms" for i, lv in enumerate(("info", "error") * 6)]
    states = [f"Status poll: DISPENSER={s} PRINTER=OK" for s in ("OK", "CASSETTE_EMPTY") * 6]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(flows + logins + levels + states).tolist()
    assert len(set(ids[:12])) == 1 and len(set(ids[12:24])) == 1, miner.templates_["template"].tolist()
    assert len(set(ids[24:36])) == 2 and len(set(ids[36:])) == 2, miner.templates_["template"].tolist()
    assert "protocol=<*> sport=<NUM>" in miner.template_of([ids[0]])[0]


def test_named_fields_that_vary_together_are_data():
    # Two values each, but four combinations of ephemeral= and type=: the fields are data, not events.
    rng = random.Random(0)
    combos = [("true", "container"), ("false", "container"), ("true", "virtual-machine"), ("false", "virtual-machine")]
    messages = [f'"Created instance" ephemeral={e} instance={rng.choice(["web1", "db", "ci-runner"])} type={t}'
                for e, t in combos for _ in range(3)]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(messages))) == 1, miner.templates_["template"].tolist()
    assert miner.templates_["template"].tolist() == ['"Created instance" ephemeral=<*> instance=<*> type=<*>']
    # One field of two values that ends the message may name the event (Loghub's Linux: pam's user=root / guest),
    # where one that another field follows is a column of them (tier=gold / silver); UPPER_CASE values are states.
    users = [f"session opened tty=pts user={u}" for u in ("root", "guest")]
    assert len(set(LogTemplateMiner().fit_transform(users))) == 2
    few = [f'"Created instance" tier={e} instance=db type={t}' for e, t in
           (("gold", "container"), ("silver", "container"), ("gold", "virtual-machine"))]
    assert LogTemplateMiner().fit_transform(few).tolist() == [0, 0, 1]
    states = [f"Status poll: READER={r} PRINTER={p}" for r in ("OK", "FATAL") for p in ("OK", "PAPER_OUT")]
    assert len(set(LogTemplateMiner().fit_transform(states))) == 4


def test_a_quoted_record_of_fields_is_not_one_value():
    # TeamSpeak's reason 'reasonmsg=...' and reason 'invokerid=... invokername=... reasonmsg=...': the quotes hold
    # fields, each its own token; glued into one value, a kick by a moderator would be a disconnect's reason.
    rng = random.Random(4)
    names, texts = ["Mara", "Keks", "Hotte", "Leona", "Ari", "Lotte"], ["connection lost", "leaving", "Bye", "afk",
                                                                     "see you tomorrow", "no music bots"]
    left = [f"client disconnected '{rng.choice(names)}'(id:{rng.randrange(99)}) reason 'reasonmsg={rng.choice(texts)}'"
            for _ in range(30)]
    kicked = [f"client disconnected '{rng.choice(names)}'(id:{rng.randrange(99)}) reason 'invokerid=3 "
              f"invokername=Grimm invokeruid=Y2Qs8vvJgLdnpbuoQnt+m4dyU74= reasonmsg={rng.choice(texts)}'"
              for _ in range(20)]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(left + kicked)
    assert len(set(ids[:30])) == 1 and len(set(ids[30:])) == 1 and ids[0] != ids[30], miner.templates_["template"]


def test_a_fields_quoted_phrase_keeps_its_first_word_apart():
    # Kubernetes events: kind= and reason= vary together with the message's verb (Created / Deleted pod); the
    # first word of the quoted phrase message= opens is the event's verb, not a value of data.
    rng = random.Random(3)
    events = (("ReplicaSet", "apps/v1", "SuccessfulCreate", "Created"), ("ReplicaSet", "apps/v1", "SuccessfulDelete",
              "Deleted"), ("Job", "batch/v1", "SuccessfulCreate", "Created"), ("Job", "batch/v1", "SuccessfulDelete",
              "Deleted"))
    messages = []
    for kind, api, reason, verb in events:
        for _ in range(20):
            owner = f"{rng.choice(['shop/web', 'auth/keycloak', 'payments/worker'])}-{rng.randrange(36 ** 8):x}"
            messages.append(f'"Event occurred" object="{owner}" kind="{kind}" apiVersion="{api}" type="Normal" '
                            f'reason="{reason}" message="{verb} pod: {owner.split("/")[1]}-{rng.randrange(99999)}"')
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(messages))) == 4, miner.templates_["template"].tolist()



def test_a_fields_http_method_is_a_parameter_and_a_level_field_keeps_events_apart():
    # A router's request lines (method=GET / method=POST): two methods split one event into two templates, as
    # UPPER_CASE values are states; which method a request used is its parameter, as its path is.
    rng = random.Random(1)
    paths = ["/", "/cart", "/api/cart", "/account/orders", "/api/checkout/confirm"]
    requests = [f'at=info method={rng.choice(["GET", "POST"])} path="{rng.choice(paths)}" '
                f"status={rng.choice([200, 304])} "
                f"bytes={rng.randint(10, 9999)}" for _ in range(30)]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(requests))) == 1, miner.templates_["template"].tolist()
    assert miner.templates_["template"].tolist() == ['at=info method=<*> path="<*>" status=<NUM> bytes=<NUM>']
    # Errors that differ in their level and description stay apart, whatever their method: the level names them.
    errors = [f'at={a} desc="{d}" method={m} path="/cart" status=503'
              for a, d in (("error", "Request timeout"), ("error", "App crashed"),
                           ("info", "Client Request Interrupted"), ("info", "Backend gone"))
              for m in ("GET", "POST")]
    assert len(set(LogTemplateMiner().fit_transform(errors))) == 4
    # A method written alone (a request line's) still names its event.
    assert len(set(LogTemplateMiner().fit_transform([f"Handler for {m} /containers/x returned error"
                                                     for m in ("GET", "POST")]))) == 2


def test_an_http_method_after_the_word_method_is_a_parameter():
    # An authorisation proxy's "(method GET)" and a server's "Method: POST,": the field is written with a space
    # after its key, not an =, and each method split one event into a template per method.
    methods = ["GET", "POST", "PUT", "OPTIONS"] * 4
    for lines, template in (
            ([f"Access to https://{'abc'[i % 3]}.example.com/ (method {m}) is not authorized, status code 403"
              for i, m in enumerate(methods)],
             "Access to https://<URL> (method <*>) is not authorized, status code <NUM>"),
            ([f"HTTP Request. Method: {m}, Address: 10.0.0.{i}:8123" for i, m in enumerate(methods)],
             "HTTP Request. Method: <*>, Address: <IP>:<NUM>")):
        miner = LogTemplateMiner()
        assert len(set(miner.fit_transform(lines))) == 1, miner.templates_["template"].tolist()
        assert miner.templates_["template"].tolist() == [template]


def test_a_name_after_the_word_type_is_a_parameter():
    # PHP's "on value of type int" / "of type bool": two types split one warning into two templates, as two words
    # at one place name two events; of which type the value was is the warning's parameter, as a key's value is.
    lines = [f"Trying to access array offset on value of type {t} in /srv/www/app/lib/cart.php on line {n}"
             for t, n in (("int", 88), ("int", 230), ("bool", 88), ("int", 12), ("bool", 230), ("int", 88))]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(lines))) == 1, miner.templates_["template"].tolist()
    assert miner.templates_["template"].tolist() == [
        "Trying to access array offset on value of type <*> in <PATH> on line <NUM>"]
    # Other words at one place still name their events.
    assert len(set(LogTemplateMiner().fit_transform([f"worker {w} in pool" for w in ("started", "stopped")]))) == 2


def test_an_upper_case_name_after_using_or_via_is_a_parameter():
    # A management controller's audit lines: the interface a login came through (SSH, GUI, IPMI) split each event
    # into a template per interface, as UPPER_CASE states at one place name events; after "using" or "via" such a
    # name is the means, a parameter, and so are the same names where they stand together after another word.
    ways = ["REDFISH", "GUI", "SSH", "RACADM", "REDFISH", "REDFISH", "GUI", "SSH"]
    lines = [f"The session for {u} from 10.50.0.{i} using {w} is logged off." for i, (u, w) in
             enumerate(zip(USERS * 2, ways))]
    lines += [f"Successfully logged in using {u}, from 10.50.0.{i} and {w}." for i, (u, w) in
              enumerate(zip(USERS * 2, ways))]
    lines += [f"Login attempt alert for root from 10.61.0.{i} via {w}." for i, w in enumerate(["SSH", "IPMI"] * 2)]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(lines))) == 3, miner.templates_["template"].tolist()
    assert sorted(miner.templates_["template"]) == [
        "Login attempt alert for root from <IP> via <*>.", "Successfully logged in using <*>, from <IP> and <*>.",
        "The session for <*> from <IP> using <*> is logged off."]
    # States after other words still name their events.
    assert len(set(LogTemplateMiner().fit_transform([f"job {i} changed to {s}" for i, s in
                                                     enumerate(["RUNNING", "FAILED"] * 3)]))) == 2


def test_a_name_after_user_and_a_colon_is_a_parameter():
    # A web UI's "IP: ..., username: admin": three user names split one login failure into three templates, as
    # three words at one place name three events; whose login failed is the event's parameter.
    lines = [f"WebAPI login failure. Reason: invalid credentials, attempt count: {n}, IP: 10.0.0.{n}, username: {u}"
             for n, u in enumerate(["admin", "qbit", "root", "admin", "admin", "root", "qbit", "admin"])]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(lines))) == 1, miner.templates_["template"].tolist()
    assert miner.templates_["template"].tolist() == [
        "WebAPI login failure. Reason: invalid credentials, attempt count: <NUM>, IP: <IP>, username: <*>"]
    # The word user without its colon may open the event's words.
    assert len(set(LogTemplateMiner().fit_transform([f"new user {w} in realm" for w in ("created", "deleted")]))) == 2


def test_a_fields_http_method_keeps_its_quotes_and_comma_in_the_template():
    # The template reads as the lines do: the method's quotes and the comma after it are the line's text.
    methods = ["GET", "POST", "PUT", "DELETE"]
    for line, template in (('request "method":"{}", "path":"/a/{}"', 'request "method":"<*>", "path":"<PATH>"'),
                           ("request method={}, path=/a/{}", "request method=<*>, path=<PATH>")):
        miner = LogTemplateMiner()
        assert len(set(miner.fit_transform([line.format(m, i) for i, m in enumerate(methods * 3)]))) == 1
        assert miner.templates_["template"].tolist() == [template]

DEVICES = ["Power Button", "Video Bus", "Sleep Button", "Logitech USB Receiver", "Logitech USB Receiver Mouse",
           "ThinkPad Extra Buttons", "HDA Intel PCH Headphone", "Dell USB Entry Keyboard", "Lid Switch"]


def test_a_name_of_several_words_is_one_wildcard_of_any_length():
    messages = [f"(II) config/udev: Adding input device {d} (/dev/input/event{i})" for i, d in enumerate(DEVICES)]
    messages += [f"(**) {d}: Applying InputClass libinput" for d in DEVICES]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids[:9])) == 1 and len(set(ids[9:])) == 1, miner.templates_["template"].tolist()
    assert miner.templates_["template"].tolist() == ["(II) config/udev: Adding input device <*> (<PATH>)",
                                                     "(**) <*>: Applying InputClass libinput"]
    # A new name of another length is read by the span, and so is one after a save and a load; not a run
    # without the span's colon, nor one holding fields or states.
    new = ["(**) SteelSeries Rival Gaming Mouse: Applying InputClass libinput"]
    assert miner.transform(new).tolist() == [1]
    assert miner.transform(["(**) Foo Bar Applying InputClass libinput",
                            "(**) user=root state=DOWN x: Applying InputClass libinput"]).tolist() == [-1, -1]
    assert LogTemplateMiner.from_dict(json.loads(json.dumps(miner.to_dict()))).transform(new).tolist() == [1]
    # Fewer than twice slot_min_values names stay apart.
    assert len(set(LogTemplateMiner().fit_transform(messages[9:15]))) == 6


def test_fields_of_other_keys_in_one_slot_stay_apart():
    # An access log's RESULT ends in the bound dn="..." or in a change's csn=...: the key names what the event
    # logs; before, the dn values and the csn made one slot of four values, shown "<*>" without its key.
    users = ["alice", "bob", "carol", "dave", "erin", "frank"]
    messages = [f'conn={i} op={i % 3} RESULT err=0 tag=97 etime=0.00{i} dn="uid={u},cn=users,dc=example,dc=com"'
                for i, u in enumerate(users)]
    messages += ['conn=7 op=1 RESULT err=0 tag=97 etime=0.002 dn="cn=directory manager"']
    messages += [f'conn=8 op=2 RESULT err=0 tag=97 etime=0.003 dn="fqdn=web{i}.example.com,dc=example,dc=com"'
                 for i in range(3)]
    messages += [f"conn={i} op={i % 3} RESULT err=0 tag=105 etime=0.00{i} csn=65f9494c00{i}400040000" for i in range(6)]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids[:10])) == 1 and len(set(ids[10:])) == 1 and ids[0] != ids[10], miner.templates_
    assert miner.templates_["template"].tolist() == [
        'conn=<NUM> op=<NUM> RESULT err=<NUM> tag=<NUM> etime=<NUM> dn="<*>"',
        "conn=<NUM> op=<NUM> RESULT err=<NUM> tag=<NUM> etime=<NUM> csn=<HEX>"]


def test_a_name_that_holds_a_value_joins_the_span_of_names():
    # A task named "Discovery 10.20.0.0/16" or "New VLAN 42" is a name as "Daily Webservers" is; alone, names
    # holding values make no span (a word and a value may be the event's words and its slot).
    names = DEVICES[:8] + ["Discovery 10.20.0.0/16", "New VLAN 42"]
    line = "Status of task {} ({}-2f4e-4b1c-9a3d-0123456789ab) has changed to Done"
    messages = [line.format(n, f"{i:08x}") for i, n in enumerate(names * 2)]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(messages))) == 1, miner.templates_["template"].tolist()
    assert miner.templates_["template"].tolist() == ["Status of task <*> (<UUID>) has changed to Done"]
    numbered = [f"Task Discovery 10.{i}.0.0/16 was started" for i in range(5)] + \
        [f"Task Segment {i} was started" for i in range(5)] + ["Task was started"] * 5
    assert len(set(LogTemplateMiner().fit_transform(numbered))) > 1
    # Nor do they lift the veto of states: devices' statuses stay apart, one holding a cassette's number or not.
    statuses = ["JOURNAL FULL", "JOURNAL OK", "DISPENSER FATAL", "DISPENSER OK", "PRINTER OK", "PRINTER PAPER_OUT",
                "CARDREADER OK", "CARDREADER FATAL", "PINPAD OK", "PINPAD FATAL", "DISPENSER cassette C3 EMPTY"]
    sent = LogTemplateMiner().fit_transform([f"Unsolicited status sent to host: {s}" for s in statuses * 2])
    assert len(set(sent)) == len(statuses)


def test_a_name_that_opens_the_message_before_a_colon_is_one_wildcard():
    # "Hallway motion light: Running automation actions": automations, jobs or devices named first.
    messages = [f"{d}: Running automation actions" for d in DEVICES] + [f"{d}: Executing step if" for d in DEVICES]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert miner.templates_["template"].tolist() == ["<*>: Running automation actions", "<*>: Executing step if"]
    assert len(set(ids)) == 2
    # Without the colon that ends it, a run that opens the message is no name: the first words may be the event's.
    plain = LogTemplateMiner().fit_transform([f"{d} Running automation actions" for d in DEVICES])
    assert len(set(plain)) > 1


def test_phrases_fields_and_states_are_no_names():
    reasons = ["host link down", "card reader fault", "terminal offline", "dispenser jammed now", "paper out",
               "cash low", "receipt printer fatal", "network lost", "door open"]
    # Runs that open with a lower-case word describe the event.
    ids = LogTemplateMiner().fit_transform([f"Alert raised for terminal: {r}" for r in reasons])
    assert len(set(ids)) == len(reasons)
    # A field (user=) and a state (TASK_ABORT) are no part of a name.
    names = [d.replace(" ", " user=") for d in DEVICES]
    assert len(set(LogTemplateMiner().fit_transform([f"session opened for {n} now" for n in names]))) > 1
    states = ["TASK_ABORT", "JOB_SETUP", "TASK_KILL now", "JOB_COMMIT done", "TASK_DONE", "JOB_INIT x", "TASK_FAIL",
              "JOB_KILL y z", "TASK_RETRY"]
    assert len(set(LogTemplateMiner().fit_transform([f"Processing the event EventType: {s}" for s in states]))) > 1


def test_a_template_model_with_bad_spans_is_refused():
    miner = LogTemplateMiner().fit(["(**) Power Button: Applying InputClass libinput"])
    data = miner.to_dict()
    for spans in ([], [6], [-2], None, [None], [True], ["1"], [1.5], [0]):
        with pytest.raises(ValueError, match="spans"):
            LogTemplateMiner.from_dict({**data, "spans": spans})
    old = {key: value for key, value in data.items() if key != "spans"}
    assert LogTemplateMiner.from_dict({**old, "version": 4}).transform(["(**) Power Button: Applying InputClass "
                                                                         "libinput"]).tolist() == [0]


def test_a_list_of_quoted_words_is_one_slot_of_any_length():
    snaps = ['"core20"', '"firefox"', '"lxd"', '"code"', '"slack"', '"microk8s"']
    messages = [f"cannot refresh: snap has no updates available: {', '.join(snaps[i:i + n])}"
                for n in (2, 3, 4) for i in range(3)]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(messages))) == 1, miner.templates_["template"].tolist()
    # Unlisted quoted words stay words: each its own token.
    assert LogTemplateMiner()._tokenize('moved "a" to "b"') == ["moved", '"a"', "to", '"b"']


def test_quoted_values_of_different_kinds_are_fields_not_a_list():
    # vsftpd writes OK DOWNLOAD: Client "198.18.4.5", "/pub/fw.bin", 34705 bytes: the address and the path read as a
    # list of quoted words, so the template was Client <*> <NUM> bytes, its fields and their quotes gone. Values
    # of different kinds are fields; a list of addresses (names and numbers) or of an id's forms stays one value.
    miner = LogTemplateMiner()
    assert miner._tokenize('Client "<IP>", "<PATH>", <NUM> bytes') == ["Client", '"<IP>",', '"<PATH>",', "<NUM>",
                                                                       "bytes"]
    assert miner._tokenize('hosts "<IP>", "<HOST>", "<IP>" up') == ["hosts", "<*>", "up"]
    assert miner._tokenize('ids "<NUM>", "<HEX>" up') == ["ids", "<*>", "up"]


def test_first_words_of_one_family_are_names():
    # config-ssh, config-locale, ... lead one event each, yet share their family's prefix: module names, no verbs.
    modules = ["config-ssh", "config-locale", "config-ntp", "config-mounts", "config-puppet", "config-runcmd",
               "config-users", "config-growpart"]
    ids = LogTemplateMiner().fit_transform([f"{m} already ran (freq=once)" for m in modules])
    assert len(set(ids)) == 1
    # Eight plain words that lead nothing else stay apart.
    words = [m.split("-")[1] for m in modules]
    assert len(set(LogTemplateMiner().fit_transform([f"{w} already ran (freq=once)" for w in words]))) == 8


def test_first_words_that_are_paths_of_names_are_one_slot():
    # Tasmota logs each MQTT message as "<topic> = <payload>": each topic (tele/plug/STATE, stat/plug/RESULT) led one
    # event, so the format's one event took a template per topic. No verb holds a "/": a path of three names or more
    # is a name, and a slot's count of them suffices; two-part words (read/write) stay apart, as plain words do.
    topics = ["tele/plug/STATE", "tele/plug/SENSOR", "stat/plug/RESULT", "stat/plug/STATUS"]
    messages = [f'{t} = {{"Time":"2023-05-10T00:0{i}:52","Count":{i}}}' for t in topics for i in range(3)]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids)) == 1 and list(miner.template_of(ids[:1])) == ["<*> = <VAL>"]
    pairs = ["read/write", "send/recv", "open/close", "get/set"]
    assert len(set(LogTemplateMiner().fit_transform([f"{p} = {{}}" for p in pairs for _ in range(3)]))) == 4


def test_first_words_that_masking_took_each_for_a_variable_are_one_slot_however_few():
    # systemd's units: a scope masks as <NUM>.scope:, a service as a value; no verb is masked, so two such first
    # words suffice, where two plain words (verbs) stay apart, and so does a plain word beside a masked one.
    units = ["106.scope", "100.scope", "pve-daily-update.service"]
    messages = [f"{u}: {event}" for u in units for event in ("Deactivated successfully.", "Consumed 4.398s CPU time.")]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids)) == 2 and list(miner.template_of(ids[:1])) == ["<*>: Deactivated successfully."]
    verbs = [f"{v} job {i} now" for i in range(3) for v in ("Starting", "Stopping")]
    assert len(set(LogTemplateMiner().fit_transform(verbs))) == 2
    mixed = [f"{u}: Deactivated successfully." for u in ("106.scope", "cron")]
    assert len(set(LogTemplateMiner().fit_transform(mixed))) == 2


def test_first_words_wrapped_whole_around_a_masked_value_are_one_slot_however_few():
    # Neo4j's database tag ([neo4j/<HEX>], [system/<NUM>]) and a game server's quoted player
    # ("alice<3><<ID>><CT>"): brackets or quotes around a masked value make the first word a value, two suffice.
    tags = ["[neo4j/5f3a9c1b7e2d]", "[system/1]"]
    messages = [f"{t} Checkpoint triggered by scheduler @ txId: {i} checkpoint {e}"
                for i, t in enumerate(tags) for e in ("started...", "completed in 12ms")]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids)) == 2 and miner.template_of(ids[:1])[0].startswith("[<*>] Checkpoint")
    players = [f'"{p}<{i}><STEAM_1:0:{i}77><CT>" {e}' for i, p in enumerate(("ann", "bo"))
               for e in ("left buyzone with [ weapon_knife ]", 'triggered "Got_The_Bomb"')]
    assert len(set(LogTemplateMiner().fit_transform(players))) == 2
    # A plain word beside such a tag, or a word before the bracket (a verb), stays apart from as few.
    mixed = [f"{t} Checkpoint triggered by scheduler" for t in ("[main]", "[system/1]")]
    assert len(set(LogTemplateMiner().fit_transform(mixed))) == 2


def test_a_parenthesis_a_label_opens_holds_one_value_of_any_length():
    # Mumble's "Client version 1.5.517 (X11: Ubuntu 22.04.3 LTS)": the platform and its version, two to five
    # tokens, in a parenthesis its label opens; reasons in plain parentheses stay the event's.
    systems = ["Win: 10.0.19045", "OSX: 14.2", "X11: Arch Linux", "X11: Ubuntu 22.04.3 LTS",
               "X11: Debian GNU/Linux 12 (bookworm)", "Android: 13"]
    messages = [f"{i} => <{i}:({i})> Client version 1.5.{i} ({s})" for i, s in enumerate(systems * 2)]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(messages))) == 1, miner.templates_["template"].tolist()
    reasons = [f"Refreshing app status ({r}) on node{i} now" for i, r in
               enumerate(["normal refresh requested", "hard refresh", "spec differs from live state"] * 3)]
    assert len(set(LogTemplateMiner().fit_transform(reasons))) == 3


def test_a_labelled_parenthesis_reads_the_same_with_or_without_a_leading_field():
    # Mumble's "1 => <1:(-1)> Client version 1.4.287 (Win: 10.0.19045)": with no format the server id "1 =>" is
    # a header field, and the two words left outside the parenthesis still make the platform one value.
    systems = ["Win: 10.0.19045", "OSX: 14.2", "X11: Arch Linux", "X11: Ubuntu 22.04.3 LTS",
               "X11: Debian GNU/Linux 12 (bookworm)", "Android: 13"]
    for lead in ("", "1 => "):
        messages = [f"{lead}<{i}:({i})> Client version 1.5.{i} ({s})" for i, s in enumerate(systems * 2)]
        miner = LogTemplateMiner()
        ids = miner.fit_transform(messages)
        templates = miner.templates_["template"].tolist()
        assert miner.template_of(ids[:1])[0].endswith("Client version <NUM> (<*>)"), templates
        assert len(set(ids)) == 1


def test_first_words_glued_to_one_key_are_its_values():
    # HiveServer2's "Service:OperationManager is inited.": one key glued by ":" or "=" to each first word makes
    # them a field's values, no verbs, as a field after the first word: a slot's count of them suffices.
    services = ["OperationManager", "SessionManager", "CLIService", "ThriftBinaryCLIService", "MetaStore"]
    for glue in (":", "="):
        messages = [f"Service{glue}{s} is {state}." for state in ("inited", "started") for s in services]
        miner = LogTemplateMiner()
        ids = miner.fit_transform(messages)
        assert len(set(ids[:5])) == 1 and len(set(ids[5:])) == 1 and ids[0] != ids[5], glue
        assert miner.templates_["template"].iloc[0] == f"Service{glue}<*> is inited."
    # Fewer values than a slot's count, two keys, or states after the key stay apart.
    assert len(set(LogTemplateMiner().fit_transform(messages[:3]))) == 3
    keys = [f"{k}:{s} is inited." for k, s in zip(("Service", "Module", "Service", "Module"), services)]
    assert len(set(LogTemplateMiner().fit_transform(keys))) == 4
    states = [f"state={s} reached" for s in ("RUNNING", "FAILED", "STOPPED", "PENDING", "DONE")]
    assert len(set(LogTemplateMiner().fit_transform(states))) == 5
    # A level glued to the message's first word is no key: what failed is the event.
    for level in ("ERROR:", "WARN:", "Error="):
        failed = [f"{level}{w} failed on node {i}" for i in range(3) for w in ("Mount", "Login", "Backup", "Upload")]
        assert len(set(LogTemplateMiner().fit_transform(failed))) == 4, level


def test_a_list_in_braces_or_brackets_is_one_value():
    etypes = ["aes256-cts(18)", "aes128-cts(17)", "camellia256-cts(26)", "arcfour-hmac(23)"]
    messages = [f"AS_REQ ({n} etypes {{{', '.join(etypes[:n])}}}) 10.0.0.{n}: ISSUE" for n in (1, 2, 3, 4)]
    commands = [["systemctl", "restart", "nginx"], ["netplan", "generate"], ["udevadm", "settle"],
                ["locale-gen", "en_US"], ["ip", "-o", "link", "show"]]
    messages += [f"Running command {c} with allowed return codes [0]" for c in commands]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids[:4])) == 1 and len(set(ids[4:])) == 1, miner.templates_["template"].tolist()
    # One item, or items without ", ", stay tokens; so do a mapping's (its keys name the event) and, in a model
    # saved before version 5, a list's.
    assert LogTemplateMiner()._tokenize("etypes {aes256-cts(18)} [a,b] [x y]") == [
        "etypes", "{aes256-cts(18)}", "[a,b]", "[x", "y]"]
    for mapping in ('{"user": "bob", "action": "login"}', "{rep=aes(18), tkt=aes(17)}"):
        assert LogTemplateMiner()._tokenize(f"Request {mapping} done") == ["Request", *mapping.split(), "done"]
    old = {**miner.to_dict(), "version": 4}
    del old["params"]["bracket_lists"], old["params"]["name_spans"], old["spans"]
    assert LogTemplateMiner.from_dict(old)._tokenize(messages[1])[3:5] == ["{aes256-cts(18),", "aes128-cts(17)})"]


def test_a_list_of_varied_length_shows_as_one_wildcard_in_its_brackets():
    # The items all lines share would read the longer lists as the shorter ones with a tail glued on.
    etypes = ["aes256-cts(18)", "aes128-cts(17)", "camellia256-cts(26)", "arcfour-hmac(23)"]
    messages = [f"TGS_REQ ({n} etypes {{{', '.join(etypes[:n])}}}) 10.0.0.{n}: ISSUE" for n in (2, 3, 4)]
    miner = LogTemplateMiner()
    miner.fit(messages)
    assert miner.templates_["template"].tolist() == ["TGS_REQ (<NUM> etypes {<*>}) <IP>: ISSUE"]
    # Lists of one length keep the items they share.
    miner.fit([f"users [alice, {user}] joined" for user in ("bob", "carol", "dave")])
    assert miner.templates_["template"].tolist() == ["users [alice, <*>] joined"]
    # Commas in a mapping's quoted value count no items.
    sqls = ["select a from t", "select a, b from t", "select a, b, c from u", "select id, name from users"]
    miner.fit([f'Slow query detected {{"sql":"{sql}","time":{40 + n}}}' for n, sql in enumerate(sqls)])
    assert miner.templates_["template"].tolist() == ['Slow query detected {"sql":"select <*>","time":<NUM>}']


def test_a_list_of_values_in_brackets_written_with_spaces_is_one_item():
    # Pebble (CockroachDB's storage) writes a compaction's files as "L5 [547157 643464]": lists of any length, in
    # three places of one message, are one event.
    files = ["[547157]", "[547157 643464]", "[175477 395071 173203]"]
    messages = [f"[JOB {i}] compacted(default) L4 {files[i % 3]} (2 M) + L5 {files[(i + 1) % 3]} (3 M) -> L5 "
                f"{files[(i + 2) % 3]} (4 M), in 2.0s" for i in range(9)]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(messages))) == 1, miner.templates_["template"].tolist()
    assert "L4 [<NUM>] (<SIZE>)" in miner.templates_["template"][0]
    # Ids of several kinds are one item too; values of other types, or words, stay tokens, and so do they in a
    # model saved before version 8.
    assert LogTemplateMiner()._tokenize("ids [<NUM> <HEX> <ID>] at [<IP> <NUM>] [x y]") == [
        "ids", "[<*>]", "at", "[<IP>", "<NUM>]", "[x", "y]"]
    old = {**miner.to_dict(), "version": 7}
    del old["params"]["spaced_lists"]
    assert LogTemplateMiner.from_dict(old)._tokenize("L5 [<NUM> <NUM>] (x)") == ["L5", "[<NUM>", "<NUM>]", "(x)"]


def test_a_quoted_message_of_another_program_keeps_its_words():
    # php-fpm quotes a child's stderr: each PHP message is an event of its own, not one quoted value.
    quoted = ["PHP Warning:  Undefined variable $args in /var/www/a.php on line 12",
              "PHP Deprecated:  Creation of dynamic property Cart::$data is deprecated in /var/www/b.php on line 9",
              "PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted in /var/www/c.php on line 3"]
    messages = [f'[pool www] child {1000 + i} said into stderr: "NOTICE: PHP message: {quoted[i % 3]}"'
                for i in range(30)]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(messages))) == 3, miner.templates_["template"].tolist()
    # A quoted phrase that opens with no label stays one value; a model saved before version 6 reads it so too.
    assert len(LogTemplateMiner()._tokenize('GET /x 200 "Mozilla/5.0 (X11; Linux) Gecko/20100101"')) == 4
    old = {**miner.to_dict(), "version": 5}
    del old["params"]["nested_messages"]
    assert not LogTemplateMiner.from_dict(old).nested_messages


def test_a_backquoted_name_is_one_value():
    # Odoo's cron writes "Job `Mail: Fetchmail Service` done.": job names of any length are one slot.
    jobs = ["Mail: Fetchmail Service", "Mail: Email Queue Manager", "Payment: Post-process transactions",
            "Discuss: channel member unmute", "Base: Auto-vacuum internal data"]
    messages = [f"Job `{jobs[i % 5]}` done." for i in range(20)]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(messages))) == 1, miner.templates_["template"].tolist()
    # GNU's `word' is no span; a model saved before version 7 reads backquotes as words, as it was fitted.
    assert LogTemplateMiner()._tokenize("cannot stat `a b': No such file or `c d'") == [
        "cannot", "stat", "`a", "b':", "No", "such", "file", "or", "`c", "d'"]
    old = {**miner.to_dict(), "version": 6}
    del old["params"]["backquoted_phrases"]
    assert LogTemplateMiner.from_dict(old)._tokenize(messages[1])[1:3] == ["`Mail:", "Email"]
    # Quotes inside backquotes it reads as it read them: a backquote opens no span that would hide them.
    assert len(LogTemplateMiner.from_dict(old)._tokenize("ran `echo 'a b c'` now")) == 4


def test_a_set_of_flags_is_one_value():
    # A DNS reply's flags (CoreDNS' query log): which are set is data, not a second event per set.
    messages = [f'10.0.0.{i}:5353 - {i} "A IN a{i}.example. udp 40 false 512" NOERROR {flags} 90 0.0003s'
                for i, flags in enumerate(["qr,aa,rd", "qr,rd,ra"] * 10)]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(messages))) == 1, miner.templates_["template"].tolist()
    # Words of no common flag stay apart: two lists that share none name two events.
    other = [f"mount /dev/sd{i} {opts}" for i, opts in enumerate(["rw,noatime", "ro,sync"] * 5)]
    assert len(set(LogTemplateMiner().fit_transform(other))) == 2


SHOWS = ["Friends", "House", "Severance", "Vikings", "The Bear", "The Boys", "The Expanse", "The Mandalorian",
         "Slow Horses", "Breaking Bad", "Game of Thrones", "Stranger Things", "Bluey (2018)"]


def test_a_name_of_several_words_is_one_value_with_a_merged_word_or_a_year_in_it():
    # "The Bear", "The Boys", ... merge first as "The <*>", and "(2018)" is masked: both are still a name's run.
    messages = [f"Scanning disk for {name}" for name in SHOWS]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(messages))) == 1, miner.templates_["template"].tolist()
    assert miner.templates_["template"].tolist() == ["Scanning disk for <*>"]
    # A value in parentheses alone is no name.
    assert len(set(LogTemplateMiner().fit_transform(["Scanning disk for (2018)", "Scanning disk for Bluey"]))) == 2


def test_brackets_glued_together_hold_one_run():
    # [id][name]: the first bracket closes inside the first token, the second holds a name of several words.
    messages = [f"Starting episode info refresh for: [{100 + k}][{name}]" for k, name in enumerate(SHOWS)]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(messages))) == 1, miner.templates_["template"].tolist()
    # Apart by words, they stay two runs ("[a] started [b]").
    assert len(set(LogTemplateMiner().fit_transform(["job [a] started [b] done here now",
                                                     "job [a] stopped [b] done here now"]))) == 2


def test_a_run_in_brackets_is_one_value_from_three():
    names = ["[Abandoned connection cleanup thread]", "[OkHttp ConnectionPool]", "[pool-7 housekeeper]"]
    messages = [f"The web application appears to have started a thread named {n} but has failed to stop it"
                for n in names]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(messages))) == 1, miner.templates_["template"].tolist()
    assert miner.templates_["template"].iloc[0] == ("The web application appears to have started a thread named [<*>] "
                                                    "but has failed to stop it")
    assert len(set(LogTemplateMiner().fit_transform(messages[:2]))) == 2
    # Not two bracket groups and the words between them, nor levels in brackets; a new run is read only whole.
    assert miner.transform([messages[0].replace(names[0], "[a] deleted [b]")]).tolist() == [-1]
    for forms in (["job [a] started [b] done here now", "job [a] stopped [b] done here now",
                   "job [a] was killed [b] done here now"],
                  ["2024 app [INFO ] cache warmup finished ok", "2024 app [WARN ] cache warmup finished ok",
                   "2024 app [ERROR] cache warmup finished ok"]):
        assert len(set(LogTemplateMiner().fit_transform(forms))) == 3, forms
    # A run that opens with a variable keeps its bracket: [<*>], not [<<*>].
    numbered = [f"pool thread named [{i} {n}] exited cleanly now" for n in ("worker", "io pool", "a b c")
                for i in range(3)]
    assert LogTemplateMiner().fit(numbered).templates_["template"].tolist() == [
        "pool thread named [<*>] exited cleanly now"]
    # Nor one that closes with a variable: [<*>], not [<*>>].
    closing = [f"pool thread named [{n} {i}] exited cleanly now" for n in ("worker", "io pool", "a b c")
               for i in range(3)]
    assert LogTemplateMiner().fit(closing).templates_["template"].tolist() == [
        "pool thread named [<*>] exited cleanly now"]
    # Unbracketed, three names are too few.
    assert len(set(LogTemplateMiner().fit_transform([m.replace("[", "").replace("]", "") for m in messages]))) == 3


def test_a_bracket_after_a_key_is_one_value_when_its_words_vary_together():
    # An agent's "Enable extension: [bin/custom-script-shim enable]": each extension's command, two tokens in
    # brackets after a key, split the event in four, as runs of one length are left to the slot passes (which read
    # two words varying together as a phrase's) and two words outside the bracket were too few for a span.
    commands = ["[./shim.sh -enable]", "[bin/custom-script-shim enable]", "[bin/run-command-shim enable]",
                "[bin/guest-configuration-shim enable]"]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform([f"Enable extension: {c}" for c in commands * 3]))) == 1
    assert miner.templates_["template"].tolist() == ["Enable extension: [<*>]"]
    # Runs equal but in one word are the slot passes' (a few states in brackets name their events), and so are
    # brackets after no key.
    for forms in ([f"Queue: [{w} priority]" for w in ("high", "low", "normal")],
                  [f"Enable extension {c}" for c in commands]):
        assert len(set(LogTemplateMiner().fit_transform(forms * 3))) == len(forms), forms


def test_a_run_in_brackets_where_single_values_make_a_wildcard_is_one_value():
    # A state's name in brackets: one token in most lines, a command with options in a few. The single names
    # already make [<*>] (two values or more), so one run of words beside them is the third value.
    names = ["python3-pip", "nginx", "curl", "vim", "git", "htop"]
    messages = [f"Running state [{n}] at time 10:00:0{k}" for k, n in enumerate(names)]
    messages.append("Running state [/usr/bin/pip install --noinput] at time 10:00:09")
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(messages))) == 1, miner.templates_["template"].tolist()
    assert miner.templates_["template"].tolist() == ["Running state [<*>] at time <DATETIME>"]
    # Two runs of words, with no single values, stay apart; so do a word that is one value and a run beside it.
    assert len(set(LogTemplateMiner().fit_transform([messages[-1], messages[-1].replace("pip", "apt -y")]))) == 2
    assert len(set(LogTemplateMiner().fit_transform(messages[:1] + messages[-1:]))) == 2


def test_a_payload_in_brackets_longer_than_a_name_is_one_value():
    sentences = ["the quick brown fox jumps over the lazy dog", "an apple a day keeps the doctor away",
                 "a journey of a thousand miles begins with a single step", "all that glitters is not gold",
                 "keep the log fine and tidy for the night", "to be or not to be that is the question",
                 "the cow jumped over the moon", "storm processes unbounded streams of data"]
    messages = [f"Emitting: kafka-spout default [{s}] to bolt" for s in sentences]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(messages))) == 1, miner.templates_["template"].tolist()
    assert miner.templates_["template"].tolist() == ["Emitting: kafka-spout default [<*>] to bolt"]
    # A few bracketed sentences longer than a name are as many events, not one payload.
    assert len(set(LogTemplateMiner().fit_transform(messages[:4]))) == 4
    # A bracket that does not close within the bound is no payload.
    long = [m.replace("[", "[" + "w " * 12) for m in messages]
    assert len(set(LogTemplateMiner().fit_transform(long))) == 8
    # Unbracketed, a name of more words than a name holds stays apart, however many there are.
    words = "Alpha Bravo Charlie Delta Echo Foxtrot Golf Hotel India Juliet Kilo Lima Mike November Oscar Papa".split()
    names = [f"Starting worker pool {' '.join(words[k:k + 7 + k % 3])} for tenant acme" for k in range(8)]
    assert len(set(LogTemplateMiner().fit_transform(names))) == 8
    assert len(set(LogTemplateMiner().fit_transform([n.replace("pool ", "pool [").replace(" for", "] for")
                                                     for n in names]))) == 1
    # A level in the bracket after a thread's name is a state, upper case anywhere, lower case in a name.
    threads = ["main", "OkHttp ConnectionPool", "Abandoned connection cleanup thread"]
    levels = ["INFO", "WARN", "ERROR"]
    assert len(set(LogTemplateMiner().fit_transform([f"2024 app [{t} {v}] cache warmup finished ok"
                                                     for t in threads for v in levels]))) == 9
    states = ("disk error", "disk space warning", "disk space low critical")
    assert len(set(LogTemplateMiner().fit_transform([f"Health check [{s}] on node n1 done ok" for s in states]))) == 3
    # A long run among a few names leaves the names to merge by the names' rule.
    named = LogTemplateMiner().fit([f"The web application started a thread named {n} but failed to stop it" for n in
                                    ("[Abandoned connection cleanup thread]", "[OkHttp ConnectionPool]", "[pool-7 x]",
                                     "[grpc default executor thread for the billing service client]")])
    assert named.templates_["template"].tolist()[0] == ("The web application started a thread named [<*>] "
                                                        "but failed to stop it")
    assert len(named.templates_) == 2


def test_covers_absorbed_after_the_later_passes_equal_a_full_pass():
    # The echo and one-slot passes left the cover's template as it was but joined its keys: it must be tried
    # again, as a full pass over every template would.
    messages = ["link for status=vm project=us", "link for status=vm user=Read", "link for status=bob type=a1",
                "link for status=ci project=b2", "link for status=root project=us", "link for status=db project=us",
                "link for status=ct project=us", "link for status=Read project=b2", "link for status=ct project=b2",
                "link for status=Apply project=b2", "link for status=root user=Read"]
    miner = LogTemplateMiner()
    miner.fit(messages)
    full = LogTemplateMiner()
    again = full._absorb_covered
    full._absorb_covered = lambda templates, keys, parent, alive, fresh=None: again(templates, keys, parent, alive)
    full.fit(messages)
    # Fields of other keys (project=, user=, type=) stay apart (test_fields_of_other_keys_in_one_slot_stay_apart).
    assert miner.templates_["template"].tolist() == full.templates_["template"].tolist() == [
        "link for status=<*> project=<*>", "link for status=<*> user=Read", "link for status=bob type=<VAL>"]


def test_a_first_word_that_differs_only_inside_its_brackets_holds_a_value():
    # Apache MINA's sessions in Gerrit's log: the user inside the brackets varies, the word around it is the event.
    users = ["alice", "bob.smith", "ci-bot", "jenkins"]
    messages = [f"Disconnecting(ServerSessionImpl[{u}@/10.0.0.{i}:22]): idle timeout" for i, u in enumerate(users)]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(messages))) == 1
    assert list(miner.templates_["template"]) == ["Disconnecting(ServerSessionImpl[<*>@/<IP>:<NUM>]): idle timeout"]
    # Three values suffice, two do not; levels and states inside the brackets stay apart.
    assert len(set(LogTemplateMiner().fit_transform(messages[:3]))) == 1
    assert len(set(LogTemplateMiner().fit_transform(messages[:2]))) == 2
    for words in (("INFO", "WARN", "ERROR", "DEBUG"), ("OK", "FAILED", "PENDING", "RUNNING")):
        levels = [f"Job[{w}]: done in 5 ms" for w in words]
        assert len(set(LogTemplateMiner().fit_transform(levels))) == 4, words
    assert len(set(LogTemplateMiner(slot_min_values=0).fit_transform(messages))) == 4


def test_a_call_whose_bracket_stays_open_past_the_first_word_holds_a_value():
    # MinIO's "API: GetObject(bucket=x, object=y) Error: ..." with its "API:" read as a component: the first word
    # leaves the call's bracket open. A bracket that opens a phrase holds words of the event, as elsewhere.
    buckets = ["invoices", "backups", "db-dumps", "ml-datasets"]
    calls = [f"GetObject(bucket={b}, object=f{i}.gz) Error: read quorum lost" for i, b in enumerate(buckets * 3)]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(calls))) == 1
    assert miner.templates_["template"].tolist() == ["GetObject(bucket=<*>, object=<PATH>) Error: read quorum lost"]
    modes = [f"refresh ({m} refresh requested), level ({i})"
             for i, m in enumerate(["normal", "hard", "controller"] * 3)]
    assert len(set(LogTemplateMiner().fit_transform(modes))) == 3


def test_two_runs_in_brackets_that_vary_together_are_two_values_from_three():
    # Elasticsearch's "moving index [<index>] ... in policy [<policy>]": each index under one policy, so the
    # events differ in two bracketed slots at once, the policy taking three names.
    pairs = [("nginx-access", "logs"), ("system-metrics", "metrics"), ("apm-traces", "traces"),
             ("syslog-events", "logs")]
    moves = [f"moving index [{i}] from [hot] to [warm] in policy [{p}]" for i, p in pairs for _ in range(3)]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(moves))) == 1, miner.templates_["template"].tolist()
    assert miner.templates_["template"].tolist() == ["moving index [<*>] from [hot] to [warm] in policy [<*>]"]
    # Unbracketed, three policies are too few for a parameter: the pairs stay apart.
    bare = [m.replace("[", "").replace("]", "") for m in moves]
    assert len(set(LogTemplateMiner().fit_transform(bare))) == 4


def test_an_error_fields_quoted_text_names_its_own_event():
    # klog's and zap's err="...": the error's text is a message, not one value; other quoted fields stay one value.
    errors = ["image pull back off for container", "context deadline exceeded while waiting",
              "volume mount timed out after retries", "container exited with non zero code"]
    lines = [f'"Error syncing pod, skipping" err="{e}" pod="ns/{p}"' for e in errors for p in ("web", "db", "cache")]
    assert len(set(LogTemplateMiner().fit_transform(lines))) == 4
    scopes = [f'"Token issued" scope="{s}" client="{c}"' for s in ("openid email", "openid profile",
                                                                   "read write", "admin all")
              for c in ("web", "db", "cache")]
    assert len(set(LogTemplateMiner().fit_transform(scopes))) == 1


def test_a_run_of_one_placeholder_collapsed_to_one_leaves_no_separator_behind():
    # "7, 4096" is one value in the template: its comma is no constant of the event ("order: <NUM>, bytes" was).
    miner = LogTemplateMiner()
    ids = miner.fit_transform(["cache entries: 16 (order: 7, 4096 bytes)", "hosts 10.0.0.1, 10.0.0.2 up"])
    texts = miner.templates_.set_index("template_id").loc[ids, "template"].tolist()
    assert texts == ["cache entries: <NUM> (order: <NUM> bytes)", "hosts <IP> up"]


def test_a_leading_message_id_with_digits_starts_no_run():
    # z/OS's IEF403I names the event: a job name with digits after it (PAYROLL1) is no second item of one list, or
    # the jobs with digits in their names would leave the event's id out of their template.
    jobs = ["SMFDUMP", "PAYROLL1", "GLDAILY", "HRSYNC02", "INVRPT3", "CLMPOST"]
    miner = LogTemplateMiner()
    ids = miner.fit_transform([f"IEF403I {job} - STARTED - TIME={i}" for i, job in enumerate(jobs)])
    assert len(set(ids)) == 1 and miner.template_of(ids[:1]) == [f"IEF403I {WILDCARD} - STARTED - TIME=<NUM>"]


def test_an_http_status_class_stays_in_the_template():
    # Masked to its class after a request line, a status names the event: a burst of 5xx answers must not hide in the
    # template of the 2xx ones.
    statuses = [200, 200, 201, 304, 404, 500, 503, 200] * 6
    lines = [f'"{m} /api/items/{i} HTTP/1.1" {s} {100 + i}' for i, (m, s) in enumerate(zip(["GET", "POST"] * 24,
                                                                                           statuses))]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(lines)
    templates = miner.template_of(ids)
    assert len(set(ids)) == 6  # the (method, class) pairs: GET and POST 2xx and 5xx, GET 4xx, POST 3xx
    assert templates[5] == '"POST <PATH> HTTP/<NUM>" <HTTPSERVERERR> <NUM>' and templates[0].endswith("<HTTPOK> <NUM>")


def test_fields_a_console_encoder_writes_after_the_message_are_no_part_of_its_template():
    # zap's console encoder: the call's fields as a JSON object after a tab, on some calls; under an error, the
    # logging call's stack, which names no event of its own (the same call, the same stack): no part of the template.
    from logad_utils.io import parse_lines

    lines = []
    for i in range(40):
        fields = f'\t{{"user": "u{i}", "attempt": {i % 3}}}' if i % 2 else ""
        level, message = ("ERROR", f"payment declined for order {i}") if i % 10 == 9 else ("INFO", f"user u{i} in")
        lines.append(f"2026-12-01T10:00:{i:02d}.123Z\t{level}\tserver/handler.go:{40 + i % 5}\t{message}{fields}")
        lines += ["main.handle", "\t/app/server/handler.go:88"] if level == "ERROR" else []
    frame = mine_templates(parse_lines(lines))
    assert set(frame["template"]) == {"user <*> in", "payment declined for order <NUM>"}
    assert frame["content"].iloc[1] == 'user u1 in\t{"user": "u1", "attempt": 1}'
    # A message whose tail is no JSON object keeps it.
    assert mine_templates(pd.DataFrame({"content": ["fields\t{\"a\": 1", "fields\t{\"a\": 2"]}))["template"].eq(
        'fields {"a": <NUM>').all()


def test_fields_after_a_message_come_off_among_blank_empty_and_missing_messages():
    # The search for fields leaves out missing messages (None, NaN) and finds them past those and empty ones.
    from logad_utils.templates import template_text

    for missing in (None, float("nan")):
        content = [None, "", 'user u1 in\t{"user": "u1"}', missing, 'user u2 in\t{"user": "u2"}']
        text, blank = template_text(pd.DataFrame({"content": content}))
        assert text.tolist()[2::2] == ["user u1 in", "user u2 in"]
        assert blank.tolist() == [True, False, False, True, False]


def test_the_search_for_fields_without_a_filter_finds_what_the_filtered_one_finds():
    # Messages joined as they are where all are text: the same answer as joining the true ones, whatever the
    # chunk holds (missing, empty, falsy or non-text values, the mark split over two messages).
    from logad_utils.templates import FIELDS_MARK, _holds_fields

    def filtered(values: list) -> bool:
        try:
            return FIELDS_MARK in "\n".join(filter(None, values))
        except TypeError:
            return True

    pool = ["a", "", "  ", "x\t", '{"k": 1}', 'x\t{"k": 1}', "\t{", '"', None, float("nan"), 0, False, b"\t{\"", "\n"]
    rng = random.Random(7)
    for _ in range(3000):
        values = [rng.choice(pool) for _ in range(rng.randint(0, 6))]
        assert _holds_fields(pd.Series(values, dtype=object)) == filtered(values), values


def test_an_empty_message_is_an_event_of_its_own_and_a_blank_line_none():
    # A header with nothing after it ("... INFO ") is an event; a line with nothing on it is not.
    content = ["disk full", "", "done", "  ", "disk full", None, "", "done"]
    frame = pd.DataFrame({"content": content, "blank": [False, False, False, False, False, True, True, False]})
    out = mine_templates(frame)
    assert out["template_id"].tolist() == [0, 1, 2, 1, 0, -1, -1, 2]
    assert out["template"].tolist() == ["disk full", "<empty>", "done", "<empty>", "disk full", "", "", "done"]
    miner = LogTemplateMiner().fit(["done", "", "done"])
    assert miner.templates_["count"].tolist() == [2, 1] and miner.transform(["", "  ", "gone"]).tolist() == [1, 1, -1]


def test_a_trace_line_holding_a_json_object_leaves_its_heads_fields_out_of_the_template():
    # A continuation line '\t{"retry": 2}' under a head with fields put the head's fields back in its template.
    from logad_utils.io import parse_lines

    lines = []
    for i in range(12):
        lines.append(f'2026-12-01T10:00:{i:02d}.123Z\tINFO\tserver/sync.go:12\tsync failed\t{{"id": {i}}}')
        lines += ['\t{"retry": 2}'] if i % 2 == 0 else []
    frame = mine_templates(parse_lines(lines))
    assert frame["template"].str.startswith("sync failed").all() and not frame["template"].str.contains('"id"').any()


def test_a_quoted_phrase_opening_with_a_label_that_is_no_level_stays_one_value():
    # A subject, a commit message, a header line or an exception's text opens with a label and a colon, but is free
    # text: one value, so that each opening label does not make an event of its own.
    for quoted in (["Re: lunch on friday", "Fwd: quarterly report draft", "Re: invoice 4411 overdue"],
                   ["fix: handle empty cart", "feat: add export button", "chore: bump deps"],
                   ["Content-Type: text/html", "Via: 1.1 edge (squid)", "X-Forwarded-For: 10.0.0.1"],
                   ["Error: connection refused", "TypeError: x is undefined", "Error: read timeout"]):
        messages = [f'request {i} sent "{quoted[i % 3]}"' for i in range(30)]
        templates = LogTemplateMiner().fit(messages).templates_["template"].tolist()
        assert templates == ['request <NUM> sent "<*>"'], templates


def test_a_fields_key_with_a_digit_stays_in_its_template():
    # A key is a name, whatever its digits (an audit record's a0=, a1=): only its value varies. The key was read as
    # part of a variable and left out ('<*>" <*>"'), so the template no longer said which fields the event had.
    commands = [("systemctl", "status", "nginx"), ("ls", "-la", "/var/log"), ("curl", "-s", "http://x/y.sh"),
                ("bash", "-c", "id"), ("tar", "-xf", "a.tgz")]
    messages = [f'argc=3 a0="{a}" a1="{b}" a2="{c}"' for a, b, c in commands * 6]
    templates = LogTemplateMiner().fit(messages).templates_["template"].tolist()
    assert all('a0="' in t and 'a1="' in t and 'a2="' in t for t in templates), templates


def test_a_records_subject_set_apart_by_a_colon_is_a_parameter():
    # 'alice : TTY=pts/0 ; ... ; COMMAND=...': the name before the lone colon is whom the record is about, one of a
    # few users; each user's record was a template of its own, and a user's first such record a 'new' template.
    users = ["alice", "bob", "carol", "deploy", "svc_backup"]
    messages = [f"{u} : TTY=pts/{i % 4} ; PWD=/home/{u} ; USER=root ; COMMAND=/usr/bin/{c} status"
                for i, (u, c) in enumerate((u, c) for u in users for c in ("systemctl", "journalctl"))] * 3
    templates = LogTemplateMiner().fit(messages).templates_["template"].tolist()
    assert not any(t.startswith(tuple(users)) for t in templates), templates


def test_sudo_commands_with_any_arguments_share_one_template():
    lines = [f"{u} : TTY=pts/{i} ; PWD=/home/{u} ; USER=root ; COMMAND={c}"
             for i, (u, c) in enumerate([("alice", "/usr/bin/apt install -y nginx"), ("bob", "/bin/bash"),
                                         ("carol", "/usr/bin/systemctl restart nginx"), ("dave", "/bin/ls -l /root"),
                                         ("erin", "/usr/bin/tail -n 200 /var/log/syslog")])]
    assert len(set(LogTemplateMiner().fit_transform(lines))) == 1


def test_a_word_among_values_alone_names_its_event():
    # ntpd's peer events: "<address> <status word> <code> <event>". The event word is the message's only constant:
    # eleven events were merged into "<IP> <*> <*> <*>", which says nothing. Short hex values (961a, 8a) and masked
    # ones (8014 84) are one run of values, so the messages of one event have one length.
    events = ["sys_peer", "reachable", "unreachable", "clock_sync", "freq_mode", "restart", "leap_armed"]
    codes = ["961a 8a", "8014 84", "c016 06", "901a 5f", "9614 <NUM>"]
    lines = [f"10.0.{i % 7}.{i} {codes[i % 5]} {events[i % 7]}" for i in range(70)]
    ids = LogTemplateMiner().fit_transform(lines)
    assert len(set(ids)) == len(events) and all(ids[i] == ids[i % 7] for i in range(70)), ids
    # A longer id that happens to be hex (c20a676 among 1mxyz2k, 9q8w7e6) is one token, as its other values are.
    ids = ["c20a676", "1mxyz2k", "9q8w7e6", "0k2j4h5", "7t6y5u4"]
    sessions = [f"session <NUM> {ids[i % 5]} opened for user{i % 3}x" for i in range(30)]
    assert len(set(LogTemplateMiner().fit_transform(sessions))) == 1
    # A word glued to a value names the event too (etcd's "trace[<NUM>] range", "... put"): those stay merged.
    traces = [f"trace[{i}] {['range', 'put', 'compact', 'transaction'][i % 4]}" for i in range(40)]
    assert len(set(LogTemplateMiner().fit_transform(traces))) == 1


def test_hex_sequence_numbers_with_no_digit_are_one_list_with_the_others():
    # Corosync's "Retransmit List: cfb cfc cfd" beside "1a2 1a3" and "ddab ddac ...": a-f letters alone read as
    # words, so the event split by how many of them a list held. Hex numbers one apart are a list's items; words of
    # a-f letters (add, bad, face) are not, nor a single one.
    lists = ["1a2 1a3", "76a", "cfb cfc cfd", "cfd cfe", "ddab ddac ddad ddae ddaf", "cfe cff d00 d01", "bbbf bbc0",
             "1027e 1027f 10280"]
    ids = LogTemplateMiner().fit_transform([f"Retransmit List: {items}" for items in lists] * 3)
    assert len(set(ids)) == 1, ids
    words = "we add a bad face, dead beef and cafe fade"
    assert LogTemplateMiner()._tokenize(words) == words.split()
    # Nor a word and the hex number one from it: prose's "add adc" is no list of sequence numbers.
    for words in ("we add adc here", "went bad bae then", "a cafe cafd", "the dead deae", "Face Facf"):
        assert LogTemplateMiner()._tokenize(words) == words.split(), words


def test_connections_of_different_users_share_one_template():
    # PgBouncer's db/user@host:port and OpenVPN's client/host:port: the user is a parameter, not a word.
    lines = [f"{d}/{u}@10.0.4.{i}:5{i}465 closing because: client close request"
             for i, (d, u) in enumerate([("billing", "billing_rw"), ("shop", "app"), ("auth", "keycloak")])]
    lines += [f"{u}/203.0.113.{i}:4954{i} SIGTERM[soft,remote-exit] received" for i, u in enumerate(["bob", "carol"])]
    assert LogTemplateMiner().fit_transform(lines).tolist() == [0, 0, 0, 1, 1]


def test_a_slash_that_opens_every_value_is_the_paths_not_the_templates():
    # Mount points of one segment (/live, (/autodj)) are paths the masker leaves as words (not a quoted one): their
    # shared "/" is part of the value, as a masked path's is; a "/" after a word or a number (api/<*>, <NUM>/<*>)
    # stays constant.
    mounts = ["live", "autodj", "relay", "jazz", "talk", "news"]
    messages = [f"listener count on /{m} now {n}" for n, m in enumerate(mounts)]
    messages += [f"passing {n} listeners to (/{m})" for n, m in enumerate(mounts)]
    messages += [f"fetched api/{m} in {n} ms" for n, m in enumerate(mounts)]
    shown = set(LogTemplateMiner().fit(messages).templates_["template"])
    assert shown == {"listener count on <*> now <NUM>", "passing <NUM> listeners to (<*>)",
                     "fetched api/<*> in <DURATION> ms"}


def test_a_redacted_value_whose_run_only_changes_length_is_a_bare_wildcard():
    # FileZilla Server writes a password as a run of asterisks as long as it (PASS ***********): the shared
    # asterisks were kept as the template's (PASS ******<*>); an option's shared dashes stay (--<*>).
    messages = ["PASS " + "*" * n for n in (16, 11, 16, 10, 14, 8)] + [f"opt --{w}" for w in ("all", "none", "x", "v")]
    shown = set(LogTemplateMiner().fit(messages).templates_["template"])
    assert shown == {"PASS <*>", "opt --<*>"}


def test_a_quoted_message_in_brackets_that_opens_the_line_stays_words():
    # TiDB's unified format writes the message as ["..."], its fields after it: each message names its event, as a
    # message that opens with a quote does (klog's); it was one quoted value, and two events of one field each one.
    messages = []
    for i in range(3):
        messages += [f'["[gc worker] start delete ranges"] [uuid=f616d3fd808b828] [ranges={i}]',
                     f'["[gc worker] sent safe point to PD"] [uuid=f616d3fd808b828] ["safe point"=4482749385468806{i}]',
                     f'["got signal to exit"] [signal=hangup{i}]', f'["loaded config"] [config=a{i}]']
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert ids[4:8].tolist() == ids[:4].tolist() and len(set(ids)) == 4
    assert miner.template_of(ids[:1]) == ['["[gc worker] start delete ranges"] [uuid=<HEX>] [ranges=<NUM>]']


@pytest.mark.parametrize("names, text, template", [
    # A webhook's event types (charge.refunded) are names in a namespace, values as quoted words are.
    (["payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded"],
     "webhook received: {} for order {}", f"webhook received: {WILDCARD} for order <NUM>"),
    # A server's slow queries by name (countOpenOrders): names in code, which no prose word is written as.
    (["countOpenOrders", "lockStockRow", "findOrdersByCustomer"],
     "WARN slow query {} took {}7 ms", f"WARN slow query {WILDCARD} took <DURATION> ms"),
])
def test_three_names_in_a_slot_are_one_value(names, text, template):
    # Three such names suffice, where three plain words (started / stopped / failed) stay three events.
    messages = [text.format(name, i) for i in range(1, 4) for name in names]
    messages += [f"job {w} for order {i}" for i in range(3) for w in ("started", "stopped", "failed")]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids[:9])) == 1 and len(set(ids[9:])) == 3
    assert miner.template_of(ids[:1]) == [template]


def test_an_exception_printed_into_a_message_is_one_value():
    # An application server's "ExecuteRequest failed <e>." with three exceptions, their messages of different lengths
    # (e.toString() printed into the message): one event, where each exception was a template of its own. An event
    # that always prints one exception keeps it as text, and plain words after the same words still split.
    errors = ["java.lang.NullPointerException", "java.lang.IllegalStateException: Response already committed",
              "java.lang.OutOfMemoryError: GC overhead limit exceeded"]
    messages = [f"ExecuteRequest failed on queue {q} {e}." for q in range(3) for e in errors]
    messages += [f"Servlet failed on queue {q} javax.net.ssl.SSLException: Received fatal alert" for q in range(3)]
    messages += [f"job failed on queue {q} {w} now" for q in range(3) for w in ("stopped", "restarted", "aborted")]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids[:9])) == 1 and len(set(ids[9:12])) == 1 and len(set(ids[12:])) == 3
    assert miner.template_of(ids[:1]) == [f"ExecuteRequest failed on queue <NUM> {WILDCARD}."]
    assert miner.template_of(ids[9:10]) == ["Servlet failed on queue <NUM> javax.net.ssl.SSLException: Received fatal "
                                            "alert"]
    assert miner.transform(["ExecuteRequest failed on queue 7 java.io.IOException: Broken pipe."])[0] == ids[0]


def test_the_message_after_an_error_code_is_one_value():
    # ProxySQL's "Error during query on (...): 1213, Deadlock found when trying to get lock; ..." split into one event
    # per MySQL error, their messages of different lengths. Two sentences after a number are too few to tell from
    # two events.
    errors = ["1213, Deadlock found when trying to get lock; try restarting transaction",
              "1205, Lock wait timeout exceeded", "1146, Table 'shop.tmp' doesn't exist",
              "3024, Query execution was interrupted, maximum statement execution time exceeded"]
    messages = [f"Error during query on ({h},10.0.1.{h},3306,{h * 7}): {e}" for h in range(3) for e in errors]
    messages += [f"Backup of disk {d}: {n}, {w} now" for d in range(3) for n, w in ((5, "files copied"),
                                                                                  (7, "Skipped files"))]
    # A number and ":" after a word is an id as often (a job's lines, their header unread): its events stay apart.
    messages += [f"backup-dir JobId {j}: {e}" for j in range(3) for e in ("Begin pruning Files.", "Pruned 3 jobs",
                                                                         "Start Backup JobId now")]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids[:12])) == 1 and len(set(ids[12:18])) == 2 and len(set(ids[18:])) == 3
    assert miner.template_of(ids[:1]) == [f"Error during query on (<NUM>,<IP>,<NUM>,<NUM>): <NUM>, {WILDCARD}"]
    assert miner.transform(["Error during query on (1,10.0.1.1,3306,9): 1062, Duplicate entry"])[0] == ids[0]


def test_a_ruby_exception_message_and_class_are_one_value():
    # Unicorn's "app error: <message> (<class>)", as Ruby's Logger writes an exception: one event per message and
    # class, where the message comes first and the class ends it in parentheses. A word in parentheses is no class.
    errors = ["undefined method `sku' for nil:NilClass (NoMethodError)", "Timeout::Error (Rack::Timeout::Timeout)",
              "Redis::CannotConnectError: Error connecting to Redis on 10.0.3.7:6379 (Redis::CannotConnectError)",
              "stack level too deep (SystemStackError)"]
    messages = [f"app error: {e}" for e in errors] * 2
    messages += [f"worker stopped: {w} (Disabled)" for w in ("by signal", "on request now", "idle too long here")] * 2
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids[:8])) == 1 and len(set(ids[8:])) == 3
    # The class's ")" closes the run's own "(": no bracket is left outside the wildcard.
    assert miner.template_of(ids[:1]) == [f"app error: {WILDCARD}"]


def test_an_exception_in_brackets_ends_where_they_close():
    # Spring's "threw exception [Request processing failed: <e>] with root cause": the exception's message ends
    # where the bracket open before it closes, and the words after it are the event's.
    errors = ["java.lang.NullPointerException: Cannot invoke getId()",
              "java.lang.IllegalStateException: Order 7 shipped",
              "org.springframework.dao.DataIntegrityViolationException: could not execute statement"]
    messages = [f"Servlet threw exception [Request processing failed: {e}] with root cause" for e in errors]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids)) == 1
    assert miner.template_of(ids[:1]) == [f"Servlet threw exception [Request processing failed: {WILDCARD}] with root "
                                          "cause"]


def test_an_exception_that_names_the_event_stays_text():
    # One word before the exception ("Resolved [<e>]"), or words after its message that every message shares
    # ("... checking remote, content not in cache."): the exception is the event's own, or its message is not alone.
    errors = ["java.net.SocketTimeoutException: Read timed out", "org.apache.http.HttpHostConnectException: refused",
              "org.apache.http.ConnectTimeoutException: Connect timed out after a while"]
    messages = [f"Resolved [{e}]" for e in errors]
    messages += [f"Proxy fetch failed with {e} checking remote, content not in cache." for e in errors]
    ids = LogTemplateMiner().fit_transform(messages)
    assert len(set(ids)) == 6


def test_quoted_values_that_vary_together_are_one_events():
    # A game server's "<attacker>" attacked "<victim>" with "<weapon>" (hitgroup "<part>"): the quoted values vary
    # together, the attacker leads the line, and every merge pass needed all other slots equal, so the event split
    # into one template per attacker and more. Words outside the quotes still name events (attacked / killed), and
    # UPPER_CASE quoted values ("RUNNING") are states.
    rng = random.Random(3)
    players = [f"{p}<{i}><STEAM_1:0:{i * 7919}>" for i, p in enumerate(["Kuba", "pingu", "zzz", "Ronja", "s1mple fan"])]
    weapons, parts = ["glock", "ak47", "awp", "famas", "deagle"], ["head", "chest", "left leg", "stomach"]
    messages = []
    for verb in ("attacked", "killed"):
        for _ in range(40):
            a, v = rng.sample(players, 2)
            weapon, part = rng.choice(weapons), rng.choice(parts)
            messages.append(f'"{a}<CT>" [{rng.randint(-900, 900)} 12 -164] {verb} "{v}<TERRORIST>" [-1314 773 -50] '
                            f'with "{weapon}" (damage "{rng.randint(1, 99)}") (hitgroup "{part}")')
    states = ("QUEUED", "RUNNING", "DONE")
    messages += [f'job "{j}" on "{n}" now "{s}"' for j, n in zip(weapons, parts * 2) for s in states]
    ids = LogTemplateMiner().fit_transform(messages)
    assert len(set(ids[:40])) == 1 and len(set(ids[40:80])) == 1 and ids[0] != ids[40], ids
    assert len(set(ids[80:])) == 3, ids[80:]
    # A quoted message after its caller ([server.go:905] ["start drain clients"]) keeps no word outside the quotes:
    # each message names its event.
    said = ["start drain clients", "kill all connections", "full load and reset schema", "setting server unhealthy"]
    files = zip(["server", "domain", "callback", "ddl"], [905, 610, 13, 7], said)
    lines = [f'[{f}.go:{n}] ["{m}"]' for f, n, m in files]
    assert len(set(LogTemplateMiner().fit_transform(lines * 2))) == 4


def test_a_delimited_record_is_read_cell_by_cell():
    # A firewall's filterlog writes each packet as one comma-separated record: its cells are fields in fixed places.
    # An action, an interface, a flag, a list of options or an empty cell (no acknowledgement yet) are values of one
    # event; a cell holding words in some records and numbers in others (an ICMP type, a UDP port) is another shape.
    rng = random.Random(3)

    def tcp() -> str:
        ack = rng.choice(["", str(rng.randrange(10 ** 9))])
        return (f"5,,,100000,{rng.choice(['em0', 'em1'])},match,{rng.choice(['block', 'pass'])},in,4,0x0,,64,"
                f"{rng.randrange(65535)},0,{rng.choice(['DF', 'none'])},6,tcp,60,10.0.0.{rng.randrange(255)},"
                f"192.0.2.1,{rng.randrange(1024, 65535)},443,0,{rng.choice(['S', 'SA', 'RA'])},"
                f"{rng.randrange(10 ** 9)},{ack},{rng.randrange(65535)},,{rng.choice(['', 'mss', 'mss;nop;TS'])}")

    def other(kind: str, last: str) -> str:
        return (f"5,,,100000,{rng.choice(['em0', 'em1'])},match,{rng.choice(['block', 'pass'])},in,4,0x0,,64,"
                f"{rng.randrange(65535)},0,none,{kind},10.0.0.{rng.randrange(255)},192.0.2.1,{last},"
                f"{rng.randrange(65535)},{rng.randrange(99)}")

    messages = [tcp() for _ in range(40)] + [other("17,udp,84", str(rng.randrange(65535))) for _ in range(20)]
    messages += [other("1,icmp,84", "request") for _ in range(20)]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids[:40])) == 1 and len(set(ids[40:60])) == 1 and len(set(ids[60:])) == 1
    assert len(set(ids)) == 3, miner.templates_["template"].tolist()
    assert miner.template_of(ids[:1])[0] == ("<NUM>,,,<NUM>,<*>,match,<*>,in,<NUM>,<HEX>,,<NUM>,<NUM>,<NUM>,<*>,"
                                             "<NUM>,tcp,<NUM>,<IP>,<IP>,<NUM>,<NUM>,<NUM>,<*>,<NUM>,<*>,<NUM>,,<*>")
    assert "<IP>,<IP>,request," in miner.template_of(ids[60:61])[0]
    # Lists are no records: no empty item ("rw,noatime,..."), or a quote or bracket (JSON); nor a short record.
    assert LogTemplateMiner()._tokenize("opts rw,noatime,a,b,c,d [1,,2,3,4,5,6] a,,b,c") == [
        "opts", "rw,noatime,a,b,c,d", "[1,,2,3,4,5,6]", "a,,b,c"]
    old = {**miner.to_dict(), "version": 8}
    del old["params"]["delimited_records"]
    assert LogTemplateMiner.from_dict(old)._tokenize("<NUM>,,,a,b,c") == ["<NUM>,,,a,b,c"]


def test_a_delimited_record_with_spaces_in_its_cells_is_read_cell_by_cell():
    # A firewall's CSV record writes a country with a space ("United States") and a text with commas in quotes: the
    # record was read as words, so a country of two words made another event and the quoted text one value. Its
    # cells are now fields in fixed places, their spaces kept, and the quoted text's words name the event.
    rng = random.Random(4)
    countries = ["Germany", "France", "United States", "Russian Federation", "Japan"]

    def record(country: str) -> str:
        return (f"1,2023/05/10 09:{rng.randrange(60):02d}:00,0132,TRAFFIC,end,,10.0.0.{rng.randrange(255)},"
                f"198.51.100.{rng.randrange(255)},{rng.choice(['web', 'dns'])},,{country},{rng.randrange(9999)}")

    def system(text: str) -> str:
        return f"1,2023/05/10 09:{rng.randrange(60):02d}:00,0132,SYSTEM,general,,0,{text},{rng.randrange(9999)},,fw1"

    messages = [record(rng.choice(countries)) for _ in range(40)]
    messages += [system(f'"User {u} logged in via Web from 10.0.0.{rng.randrange(255)}, using https"')
                 for u in ["ann", "bob", "cy", "dee", "eve"] * 4]
    messages += [system(f'"User {u} logged out via Web from 10.0.0.{rng.randrange(255)}"')
                 for u in ["ann", "bob", "cy", "dee", "eve"] * 4]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids)) == 3, miner.templates_["template"].tolist()
    assert len(set(ids[:40])) == len(set(ids[40:60])) == len(set(ids[60:])) == 1
    assert ',"User <*> logged out via Web from <IP>",' in miner.template_of(ids[60:61])[0].replace(", ", ",")
    # Words before the record are the message's (a host no header took); prose is no record: a comma before a
    # space, or half the cells holding spaces.
    assert LogTemplateMiner()._tokenize("fw1 1,a,,United States,b,c") == [
        "fw1", "1", "\ue001,a", "\ue001,", "\ue001,United\ue000States", "\ue001,b", "\ue001,c"]
    assert LogTemplateMiner()._tokenize("a b,c d,,e f,g h,i") == ["a", "b,c", "d,,e", "f,g", "h,i"]
    assert LogTemplateMiner()._tokenize("so a,b,, c,d,e f,g") == ["so", "a,b,,", "c,d,e", "f,g"]
    # A record of plain cells is the delimited rule's, read as it was: a list in brackets at the end is one token.
    # So are words after a record, which name the event: no last cell takes them.
    for text in ("msg ok (a,b,,c,d,e,f)", "x {a,b,,c,d,e}", "VALUES 'a',,'b','c','d','e'",
                 "id 5,,a,United States,c,d,e job done", 'id 5,,a,"b c",d,e,f key=val'):
        assert LogTemplateMiner()._tokenize(text) == LogTemplateMiner(spaced_records=False)._tokenize(text), text
    old = {**miner.to_dict(), "version": 11}
    del old["params"]["spaced_records"]
    assert LogTemplateMiner.from_dict(old)._tokenize("1,a,,United States,b,c") == ["1,a,,United", "States,b,c"]


def test_a_record_cell_of_many_words_takes_masked_values_too():
    # A firewall's record writes where an address is: a country (many names) or, for a private one, its range: a
    # range beside names read as another shape of record, so each direction of traffic was another event. A cell of
    # many words is a field of names; a few words beside numbers still say another shape (filterlog's ICMP type).
    rng = random.Random(6)
    countries, private = ["Germany", "France", "Brazil", "Japan", "Canada", "Spain"], "10.0.0.0-10.255.255.255"

    def record(outbound: bool) -> str:
        country = rng.choice(countries)
        places = f"trust,untrust,{private},{country}" if outbound else f"untrust,dmz,{country},{private}"
        return f"{rng.randrange(9999)},,TRAFFIC,10.0.0.{rng.randrange(255)},{places},,{rng.randrange(9999)},tcp"

    miner = LogTemplateMiner()
    ids = miner.fit_transform([record(rng.random() < 0.7) for _ in range(60)])
    assert len(set(ids)) == 1, miner.templates_["template"].tolist()
    assert miner.template_of(ids[:1])[0] == "<NUM>,,TRAFFIC,<IP>,<*>,<*>,<*>,<*>,,<NUM>,tcp"


def test_a_keyed_record_glued_by_semicolons_keeps_every_key():
    # Kamailio's ACC writes a call as one token of key=value fields glued by ";": one wildcard slot kept only what
    # its values shared at the token's ends ("timestamp=<NUM>;method=<*>"), losing every key after the first. Each
    # field is now a cell in place: the keys stay, the values that vary are <*>, and a value with spaces between
    # two glued keys stays one value (masking's kv_listed).
    rng = random.Random(5)

    def acc(event: str, reason: str) -> str:
        return (f"ACC: {event}: timestamp={1712135569 + rng.randrange(10 ** 5)};"
                f"method={rng.choice(['INVITE', 'BYE', 'UPDATE'])};from_tag={rng.randrange(16 ** 8):08x};"
                f"call_id={rng.randrange(16 ** 12):x}@10.1.1.{rng.randrange(255)};code={rng.choice([200, 487])};"
                f"reason={reason};src_user={rng.randrange(1000, 1100)};src_domain=voip.example.com")

    messages = [acc("transaction answered", rng.choice(["OK", "Accepted"])) for _ in range(40)]
    messages += [acc("call missed", rng.choice(["Request Terminated", "Busy Here"])) for _ in range(20)]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids[:40])) == 1 and len(set(ids[40:])) == 1 and ids[0] != ids[40], ids
    assert miner.template_of(ids[:1])[0] == ("ACC: transaction answered: timestamp=<NUM>;method=<*>;from_tag=<HEX>;"
                                             "call_id=<HEX>@<IP>;code=<NUM>;reason=<*>;src_user=<NUM>;"
                                             "src_domain=<HOST>")
    assert ";reason=<VAL>;src_user=<NUM>;" in miner.template_of(ids[40:41])[0]
    # Two fields, or a value with a space, are no record; nor a token with a word between its fields.
    assert LogTemplateMiner()._tokenize("a=1;b=2 x=1;y=2;z=3 w a=1;b;c=2;d=3") == [
        "a=1;b=2", "x=1", "\ue001;y=2", "\ue001;z=3", "w", "a=1;b;c=2;d=3"]
    # A record of another key in one place is another event's: the key stays in its template.
    other = LogTemplateMiner().fit(["acc a=1;b=x;c=y done", "acc a=1;q=z;c=y done", "acc a=1;b=w;c=y done"])
    assert sorted(other.templates_["template"]) == ["acc a=<NUM>;b=<*>;c=y done", "acc a=<NUM>;q=z;c=y done"]
    old = {**miner.to_dict(), "version": 9}
    del old["params"]["keyed_records"]
    assert LogTemplateMiner.from_dict(old)._tokenize("x=1;y=2;z=3") == ["x=1;y=2;z=3"]


def test_a_chain_of_parenthesised_fields_is_read_field_by_field():
    # Oracle's listener writes a connect descriptor as one token of parenthesised key=value fields: it was one <*>,
    # so a status command and a service's update (service_update * orcl * 0) were one event, and a value with spaces
    # (PROGRAM=JDBC Thin Client) cut one event's lines into several. Each field is now a cell in place, a value's
    # spaces kept in it.
    rng = random.Random(7)

    def command(verb: str) -> str:
        return (f"(CONNECT_DATA=(CID=(PROGRAM={rng.choice(['perl', 'lsnrctl', ''])})(HOST=db{rng.randrange(9)})"
                f"(USER={rng.choice(['oracle', 'grid'])}))(COMMAND={verb})(ARGUMENTS=64)(SERVICE=LISTENER)"
                f"(VERSION={rng.randrange(10 ** 9)})) * {verb} * 0")

    def connect() -> str:
        program = rng.choice(["JDBC Thin Client", "sqlplus", "C:\\Program Files\\Toad for Oracle\\Toad.exe"])
        return (f"(CONNECT_DATA=(SERVICE_NAME={rng.choice(['FIN', 'HR', 'APEX'])})(CID=(PROGRAM={program})"
                f"(HOST=wks{rng.randrange(99)})(USER={rng.choice(['alice', 'bob', 'carol'])}))) * "
                f"(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.{rng.randrange(255)})(PORT={rng.randrange(1024, 65535)})) * "
                f"establish * FIN * 0")

    messages = [command("status") for _ in range(30)] + [f"service_update * orcl{i % 3} * 0" for i in range(30)]
    messages += [connect() for _ in range(60)]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert [len(set(ids[k:k + 30])) for k in (0, 30)] == [1, 1] and len(set(ids[60:])) == 1, miner.templates_
    assert len(set(ids)) == 3
    assert miner.template_of(ids[:1])[0] == ("(CONNECT_DATA=(CID=(PROGRAM=<*>)(HOST=<VAL>)(USER=<*>))(COMMAND=status)"
                                             "(ARGUMENTS=<NUM>)(SERVICE=LISTENER)(VERSION=<NUM>)) * status * <NUM>")
    assert miner.template_of(ids[60:61])[0].startswith("(CONNECT_DATA=(SERVICE_NAME=<*>)(CID=(PROGRAM=<*>)(HOST=<VAL>)"
                                                       "(USER=<*>))) * (ADDRESS=(PROTOCOL=tcp)(HOST=<IP>)")
    # A paren of a value's own stays in it; a parenthesised remark with one field, or whose parens do not pair,
    # is no chain, and its words stay apart.
    assert LogTemplateMiner()._tokenize("(A=(P=x (TNS V1))(H=h)) (took=5 more) (a=(b=1)(c=2)") == [
        "(A=", "\ue001(P=x\ue000(TNS\ue000V1)", "\ue001)(H=h", "\ue001))", "(took=5", "more)", "(a=(b=1)(c=2)"]
    old = {**miner.to_dict(), "version": 10}
    del old["params"]["nested_records"]
    assert LogTemplateMiner.from_dict(old)._tokenize("(a=(b=1)(c=2))") == ["(a=(b=1)(c=2))"]


def test_the_parse_benchmarks_masked_drain3_reference_takes_logads_rules(monkeypatch):
    # drain3 has no rule that keeps its text (logad's call site): the reference leaves such rules out.
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location("bench_parse", ROOT / "benchmarks" / "bench_parse.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.drain3_seconds(["reflector.go:169 took 5 ms", "job 7 done"], masked=True) >= 0


def test_slot_index_groups_clusters_equal_but_at_each_position_as_a_plain_grouping_does():
    # Clusters of one length, many near copies: each position's groups of two or more, in order of their first.
    rng = random.Random(3)
    for length, words in ((1, "ab"), (4, "abc"), (9, "ab")):
        keys = {c: tuple(rng.choice(words) for _ in range(length)) for c in range(40)}
        group = sorted(keys)
        index = _SlotIndex(group, keys)
        for pos in range(length):
            plain: dict = {}
            for c in group:
                plain.setdefault(keys[c][:pos] + keys[c][pos + 1:], []).append(c)
            assert index.slots(pos) == [m for m in plain.values() if len(m) > 1]



def test_slot_index_rebuilt_from_the_last_one_after_merges_groups_as_a_fresh_one():
    # After a merge the index is rebuilt from the last one: the merged-away clusters leave, a survivor's new key
    # (a new object, new words) is read anew, the others keep their rows; the groups are a plain grouping's.
    rng = random.Random(5)
    keys = {c: tuple(rng.choice("ab") for _ in range(5)) for c in range(60)}
    group = sorted(keys)
    index = _SlotIndex(group, keys)
    for step in range(3):
        group = [c for c in group if c % (step + 3)]
        for c in group[::7]:
            keys[c] = (*keys[c][:2], f"<*>{step}", *keys[c][3:])
        index = _SlotIndex(group, keys, index)
        for pos in range(5):
            plain: dict = {}
            for c in group:
                plain.setdefault(keys[c][:pos] + keys[c][pos + 1:], []).append(c)
            assert index.slots(pos) == [m for m in plain.values() if len(m) > 1]

def _columns_by_brute_force(table: np.ndarray, live: list[int], p: int, first: int, last: int) -> list[int]:
    """The columns q in [first, last) where two live rows are equal everywhere but at p and q."""
    return [q for q in range(first, last)
            if any(all(a == b for col, (a, b) in enumerate(zip(table[i], table[j])) if col not in (p, q))
                   for n, i in enumerate(live) for j in live[n + 1:])]


def test_close_pairs_name_the_columns_where_two_rows_are_equal_but_at_two_slots_through_merges():
    # The pair pass asks, per slot p, which q to try: the same answer as comparing every pair of rows, also after
    # a row changes (a merge writes <*>) and others die.
    rng = np.random.default_rng(5)
    for length, rows in ((3, 4), (6, 5), (8, 3), (12, 6)):
        base = rng.integers(0, 3, size=length)
        table = np.array([np.where(rng.random(length) < 0.2, rng.integers(0, 3, size=length), base)
                          for _ in range(rows)], dtype=np.uint64)
        close, live = _ClosePairs(table), list(range(rows))
        for step in range(3):
            for p in range(length - 1):
                for first, last in ((p + 2, length), (p + 1, p + 2)):
                    assert close.columns(p, first, last) == _columns_by_brute_force(table, live, p, first, last)
            if len(live) > 2:
                keep, dead = live[0], live.pop()
                table[keep, rng.integers(0, length)] = 7 + step
                close.refresh(keep, [dead], np.array(live))



def test_a_description_that_several_events_write_after_a_name_is_the_names():
    # systemd writes each unit's description after its name: Starting <unit> - <description>..., then Finished
    # <unit> - <description>. The descriptions follow several events' words, so they are the units', not events.
    units = {"logrotate.service": "Rotate log files", "man-db.service": "Daily man-db regeneration",
             "phpsessionclean.service": "Clean php session files", "apt-daily.service": "Daily apt download activities",
             "fwupd-refresh.service": "Refresh fwupd metadata and update motd"}
    messages = [f"{verb} {unit} - {text}{stop}" for unit, text in units.items()
                for verb, stop in (("Starting", "..."), ("Finished", "."))]
    targets = {"basic.target": "Basic System", "sockets.target": "Sockets", "timers.target": "Timers",
               "default.target": "Main User Target"}
    messages += [f"{verb} target {unit} - {text}." for unit, text in targets.items() for verb in ("Reached", "Stopped")]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(messages))) == 4, miner.templates_["template"].tolist()
    assert sorted(miner.templates_["template"]) == ["Finished <VAL> - <*>.", "Reached target <*>.target - <*>.",
                                                    "Starting <VAL> - <*>...", "Stopped target <*>.target - <*>."]
    assert miner.transform(["Starting nginx.service - A high performance web server..."]).tolist() == [
        miner.transform([messages[0]])[0]]
    # An event's own text after a name follows no other words: each stays an event.
    events = ["Shutting down...", "Exiting completed", "Started up successfully", "Welcome from the leader",
              "Leader is moving node up", "Marking node as reachable"]
    node = [f"Cluster Node [akka://sys@10.0.0.{k}:2552] - {text}" for text in events for k in range(3)]
    assert len(set(LogTemplateMiner().fit_transform(node))) == len(events)


def test_a_state_that_several_kinds_of_instance_write_after_their_number_stays_an_event():
    # "Job 3 - completed successfully", "Task 3 - completed successfully": the text after a number, a host or an
    # address is what happened to that instance (it names no unit that carries a description): each state its own.
    states = ["completed successfully", "failed with errors", "was cancelled by user", "is waiting for resources"]
    for name in ("{k}", "worker-{k}.example.com", "10.0.0.{k}"):
        messages = [f"{head} {name.format(k=k)} - {state}" for head in ("Job", "Task") for state in states
                    for k in range(1, 6)]
        assert len(set(LogTemplateMiner().fit_transform(messages))) == 2 * len(states), name


def test_upper_case_keys_before_their_values_name_their_events():
    keys = {"RESTART-VER:": "3.5", "RESTART-KCUR:": "6.5.0-1014-aws", "RESTART-KEXP:": "6.5.0-1015-aws",
            "RESTART-KSTA:": "3", "IMAGE:": "ami-0701b644a7b29dd34"}
    messages = [f"ui: builder-{b}: {k} {v}" for b in ("arm64", "amd64") for k, v in keys.items()]
    templates = set(LogTemplateMiner().fit(messages).templates_["template"])
    assert len(templates) == 5, templates  # a key names what its value is: five events
    # Many keys are a parameter after all, as many UPPER_CASE words are.
    many = [f"ui: builder-{b}: KEY-{k}: {i}" for b in ("arm64", "amd64") for i, k in enumerate("ABCDEFGH")]
    assert len(LogTemplateMiner().fit(many).templates_["template"]) == 1


def test_a_past_participle_that_ends_a_label_before_its_value_names_its_event():
    counts = {"inspected:": 309202, "updated:": 8, "deleted:": 0, "expired:": 17, "failed:": 5}
    messages = [f"Total number of objects {k} {v + day}" for day in range(3) for k, v in counts.items()]
    templates = set(LogTemplateMiner().fit(messages).templates_["template"])
    assert len(templates) == 5, templates  # what was done to the objects names the count: five events
    # A name before a colon is a value still.
    names = [f"Disk usage for {d} {p}%" for d in ("sda:", "sdb:", "vda:", "nvme:", "xvda:") for p in (40, 75)]
    assert len(LogTemplateMiner().fit(names).templates_["template"]) == 1


def test_wildcard_text_ignores_repeated_values():
    """A wildcard's text depends on the set of values its messages held there, not on how often each came."""
    values = ["user=<NUM>", "user=alice", "***", "****", "[a, b]", "[a, b, c]", "user=<NUM>:x", "user=", "x"]
    rng = random.Random(7)
    for _ in range(300):
        picked = rng.sample(values, rng.randint(1, 4))
        once, repeated = _Around(), _Around()
        for v in picked:
            once.add(v)
        for v in picked + rng.choices(picked, k=6):
            repeated.add(v)
        assert repeated.text() == once.text(), picked


def test_a_tally_in_parentheses_holds_one_value_of_any_length():
    # Open vSwitch's "12 flow_mods 15 s ago (10 adds, 2 deletes)" lists only the kinds it counted: each list
    # of kinds was an event of its own.
    tallies = ["3 adds", "2 adds, 1 deletes", "1 deletes, 4 modifications", "2 adds, 1 deletes, 5 modifications",
               "6 modifications"]
    messages = [f"br{i % 3}: {i + 2} flow_mods {i % 50 + 1} s ago ({t})" for i, t in enumerate(tallies * 3)]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(messages))) == 1, miner.templates_["template"].tolist()
    assert miner.templates_["template"].iloc[0].endswith("s ago (<*>)")
    # Counts that are no tally (a word not after each count) stay the event's.
    reasons = [f"Refreshing app status ({r}) on node{i} now" for i, r in
               enumerate(["2 retries left", "3 of 5 done", "4 hard refresh"] * 3)]
    assert len(set(LogTemplateMiner().fit_transform(reasons))) == 3


def test_a_last_field_whose_value_runs_to_the_end_is_one_value():
    # An accounting log writes the command as its last field, spaces and all, unquoted ("... priv-lvl=15 cmd=show ip
    # route"): each command's words made another template where the event is one.
    commands = ["show version", "show running-config", "configure", "show ip route vrf PROD", "write memory",
                "interface Ethernet<NUM>", "show lldp neighbors", "end"]
    messages = [f"netops vty<NUM> <IP> stop task_id=<NUM> start_time=<NUM> service=shell priv-lvl=<NUM> cmd={c}"
                for c in commands]
    miner = LogTemplateMiner()
    assert len(set(miner.fit_transform(messages, masked=True))) == 1
    assert miner.templates_["template"].iloc[0].endswith(" priv-lvl=<NUM> cmd=<*>")
    # Fewer fields before it, a message field, a value that opens with no letter, a field after it, fields of a
    # comma list or a reason in parentheses after the value (Postfix's status=sent (250 ...)): words.
    for text in ("user=a cmd=show version", "a=1 b=2 c=3 msg=Connection closed by peer", "a=1 b=2 c=3 d=<NUM> done",
                 "a=1 b=2 c=3 d=show x e=5", "a=1 b=2 c=3 and d=show x", "a=1, b=2, c=3, d=sent ok",
                 "a=1 b=2 c=3 status=sent (250 Ok: queued)"):
        assert LogTemplateMiner()._tokenize(text) == text.split(), text
    old = {**miner.to_dict(), "version": 12}
    del old["params"]["trailing_values"]
    assert LogTemplateMiner.from_dict(old)._tokenize("a=1 b=2 c=3 d=show x") == ["a=1", "b=2", "c=3", "d=show", "x"]


def _around(*tokens: str) -> str:
    """The wildcard text of the tokens seen at one slot."""
    around = _Around()
    for token in tokens:
        around.add(token)
    return around.text()


def test_a_wildcard_holds_no_quote_whose_pair_its_values_hold():
    # klog writes each flag as --name="value" (KubeScheduler's 'FLAG: --help="false"'): the values' shared end '"'
    # closed a quote that opened inside the wildcard, '--<*>"'; each token is a flag and its value, '--<*>=<*>'.
    assert _around('--help="false"', '--config=""', '--bind-address="<IP>"') == "--<*>=<*>"
    assert _around("'a b'", "'c'") == "'<*>'"  # a quote the shared start opens is the wildcard's pair
    assert _around('x"', 'y"') == '<*>"'  # a token that closes a quote opened before it keeps it
    assert _around("user=a", "user=b") == "user=<*>"  # a constant key stays
    assert _around("env:host.name=a", "env:java.version=<NUM>") == "env:<*>"  # no flag: one value, as it was
    # A list glued into one token, its items holding keys, is no field (Cassandra's [BigTableReader(path='...')]);
    # nor are tokens of which one has no "=".
    glued = "[Reader(path='<PATH>'),\ue000Reader(path='<PATH>')]"
    assert _around("[Reader(path='<PATH>')]", glued) == "[<*>]"
    assert _around("--a", "--b=1") == "--<*>"
    assert _around("-a=x", "-b=y") == "-<*>=<*>"


def test_a_bracketed_sentence_keeps_its_full_stop_in_the_wildcard():
    # A span of sentences in brackets showed the sentences' common full stop outside the wildcard ("[<*>.]").
    sentences = ["Mapping failed with event.", "Retrying after error.", "Retrying after response.",
                 "Request timed out after the deadline.", "Dropped a batch of events.", "Lost the connection."]
    miner = LogTemplateMiner()
    ids = miner.fit_transform([f"Internal log [{s}] has been suppressed {i} times." for i, s in
                               enumerate(sentences * 2)])
    assert len(set(ids)) == 1
    assert miner.templates_["template"].tolist() == ["Internal log [<*>] has been suppressed <NUM> times."]


def test_a_run_of_values_keeps_the_comma_after_its_last():
    # "MB 11 48, bytestream -7": the run collapsed to its first value and dropped the comma that ends the clause,
    # which a run of one keeps.
    miner = LogTemplateMiner()
    ids = miner.fit_transform([f"error while decoding MB {i} {i * 7 % 60}, bytestream -{i % 9 + 1}" for i in range(8)])
    assert len(set(ids)) == 1
    assert miner.templates_["template"].tolist() == ["error while decoding MB <NUM>, bytestream <NUM>"]


def test_two_names_other_events_took_as_a_parameter_are_one_where_the_same_token_took_others():
    # Many apps fill three events' slots; two of them alone are advanced by iterations, after the token whose
    # slot took the others' weights: the two names are that parameter. After a token no merge took, they stay.
    apps = ["cart.shop", "orders.prod", "auth.identity", "podinfo.test", "web.front", "search.prod"]
    messages = [f"{verb} {app}" for verb in ("Starting analysis for", "Scaling up", "Scaling down") for app in apps]
    messages += [f"Advance {app} weight {w}" for app in apps[:4] for w in (10, 20)]
    messages += [f"Advance {app} iteration {i}/10" for app in apps[4:] for i in (1, 2, 3)]
    messages += [f"Rollback {app} skipped" for app in apps[4:] for _ in range(3)]
    templates = set(LogTemplateMiner().fit(messages).templates_["template"])
    assert "Advance <*> iteration <NUM>/<NUM>" in templates, templates
    assert {"Rollback web.front skipped", "Rollback search.prod skipped"} <= templates, templates


def test_two_words_of_letters_other_events_took_as_commands_stay_the_events_own():
    # Commands fill three events' slots (start, stop, ...) and a slot after "to" took hosts: "Failed to start unit"
    # and "Failed to stop unit" were one template, though such words are the events' own where names are not.
    commands = ["start", "stop", "status", "reload", "restart", "enable"]
    messages = [f"{lead} {c} {tail} {i}" for lead, tail in (("received command", "from client"), ("executing action",
                "now"), ("request", "finished with code")) for c in commands for i in range(2)]
    messages += [f"Connecting to {h} on port {i}" for h in ("alpha", "beta", "gamma", "delta", "zeta") for i in (1, 2)]
    messages += [f"Failed to {c} unit {i}" for c in ("start", "stop") for i in range(5)]
    templates = set(LogTemplateMiner().fit(messages).templates_["template"])
    assert {"Failed to start unit <NUM>", "Failed to stop unit <NUM>"} <= templates, templates


def test_a_word_and_a_number_after_the_same_verb_are_two_events():
    # A resolver's "cached nxdomain <name>" was merged into "cached <type> <name>": the number's placeholder read as
    # any text and covered the word, though a code there names no event the word does.
    names = ["www.example.com.", "api.example.org.", "mail.example.net.", "cdn.example.com."]
    messages = [f"cached {t} {n}" for t in (1, 28, 12, 15) for n in names]
    messages += [f"cached nxdomain {n}" for n in names[:2] * 3]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids[:16])) == 1 and len(set(ids[16:])) == 1 and ids[0] != ids[16], miner.templates_


def test_first_words_an_auxiliary_follows_are_subjects():
    # An FTP server's "<user> is now logged in": each user led that one event, so four users were four templates.
    # No verb that names an event is followed by "is", "has" or "was": the word before it is the sentence's subject,
    # a name, and a slot's count of them suffices, however few events each leads.
    users = ["alice", "webdev", "k.nguyen", "deploy"]
    for tail in ("is now logged in", "has left the session", "was disconnected by the server"):
        ids = LogTemplateMiner().fit_transform([f"{u} {tail}" for u in users])
        assert len(set(ids)) == 1, tail
    # Three stay apart (fewer than a slot's count), and so do capitalised words: a sentence about a thing (Server,
    # Cache) names its event; so do plain words before another verb.
    assert len(set(LogTemplateMiner().fit_transform([f"{u} is now logged in" for u in users[:3]]))) == 3
    things = ["Server", "Cache", "Queue", "Scheduler"]
    assert len(set(LogTemplateMiner().fit_transform([f"{t} is ready to serve" for t in things]))) == 4
    assert len(set(LogTemplateMiner().fit_transform([f"{u} logged in now" for u in users]))) == 4


def test_a_cover_does_not_take_a_value_another_call_names():
    # name(value) tokens: "pool(<*>): new worker(<*>)" made of named workers covered "API: new session(<IP>:<NUM>)",
    # its session( counted as no word for the value it holds, though the call's name says what the value is, as a
    # field's key does: two events of any program that writes values in named parentheses.
    messages = [f"pool({p}): new worker({w})" for p in ("alpha", "beta", "gamma") for w in ("ingest", "export",
                                                                                         "render", "notify")]
    messages += [f"API: new session(10.0.0.{i}:{4000 + i})" for i in range(6)]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids[:12])) == 1 and len(set(ids[12:])) == 1 and ids[0] != ids[12], miner.templates_
    fields: dict = {}
    _note_fields(fields, 0, ["API:", "new", "session(<IP>:<NUM>)", "f(a)b", "rpc=Read"])
    assert fields == {0: [None, None, "session(", None, "rpc="]}


def test_calls_of_two_names_before_the_same_words_are_two_events_holding_their_values():
    # name(value) leading a message: the queues and the workers closing were weighed as one slot of ten first words,
    # each leading one event, and stayed ten templates; then, once merged, as two bare "<*> closing" that any later
    # pass joined. Each call's name says what its value is, as a key does, in any program that writes them so.
    queues, workers = ["alpha", "beta", "gamma", "delta"], ["ingest", "export", "render", "notify", "mailer", "audit"]
    messages = [f"queue({q}): closing" for q in queues] + [f"worker({w}): closing" for w in workers]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert sorted(miner.templates_["template"]) == ["queue(<*>): closing", "worker(<*>): closing"]
    assert len(set(ids[:4])) == 1 and len(set(ids[4:])) == 1
    # A value with digits keeps its call's name too: "queue(<*>):", not "<*>):".
    miner = LogTemplateMiner().fit([f"queue(tmp{n}#x): deleting" for n in (229365, 283509, 477484)])
    assert miner.templates_["template"].tolist() == ["queue(<*>): deleting"]


def test_a_word_in_a_record_of_colon_fields_is_its_value():
    # Fields written key:value (Go's %+v of a struct: "volume:6 collection:photos replicaPlacement:000") or
    # "key: value" with a masked value after the next key: a field's word that another field follows is data however
    # few words it takes, as key=value's is (protocol=tcp sport=...); three collections made three events.
    names = ("photos", "logs", "backups")
    messages = [f"In dir /data adds volume:{i} collection:{c} replicaPlacement:00{i % 2} ttl:"
                for i in range(6) for c in names]
    messages += [f"Start vacuum with threshold: 0.3 collection: {c} volumeId: {i}" for i in range(6) for c in names]
    # A reason's words after "error:" stay the event's where the next key holds words ("dial tcp: lookup").
    messages += [f"request {i} failed: error: {op} tcp: lookup db" for i in range(4) for op in ("dial", "read")]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids[:18])) == 1 and len(set(ids[18:36])) == 1, miner.templates_
    assert "collection:<*>" in miner.template_of([ids[0]])[0] and "collection: <*>" in miner.template_of([ids[18]])[0]
    assert len(set(ids[36:])) == 2


def test_a_bracket_the_values_close_inside_stays_out_of_the_wildcards_edges():
    # A general shape: values that end alike in a bracket they open themselves (exceptions printed as repr, Python's
    # "TimeoutError()" beside "KeyError('id')", any "name(args)" call) left the ")" outside the wildcard, "<*>)",
    # a bracket that pairs with none, whether the values are one token or several. Brackets held whole stay.
    errors = ["TimeoutError()", "KeyError('customer_id')", "ConnectionError('Connection aborted.')",
              "ValueError('bad value here')"]
    messages = [f"Task failed with exception: {e} - Retries are exhausted" for e in errors] * 2
    messages += [f"Queue drained in {n} ({n * 3}) steps" for n in (4, 17, 250)] * 2
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids[:8])) == 1
    assert miner.template_of(ids[:1]) == [f"Task failed with exception: {WILDCARD} - Retries are exhausted"]
    assert miner.template_of(ids[8:9]) == ["Queue drained in <NUM> (<NUM>) steps"]
    miner = LogTemplateMiner()
    ids = miner.fit_transform([f"call {t} done" for t in ("TimeoutError()", "KeyError(x)", "Foo(a,b)", "Bar(1)") * 2])
    assert miner.template_of(ids[:1]) == [f"call {WILDCARD} done"]


def test_a_description_in_the_parenthesis_that_ends_the_message_is_one_value():
    # A general shape: "<event words> <id> (<description>)", a test's, job's or check's description in the
    # parenthesis that closes the message, of any length. Only descriptions of up to six words, no variable inside,
    # were a span: the longer ones ("Check for running NTP daemon or client") and those holding a path stayed
    # events of their own. Bounded by its bracket at the message's end, the run is one value, as a bracket's is.
    descriptions = ["Running sysctl key analysis", "Check if USB storage is disabled", "Check for GRUB boot password",
                    "Check for running NTP daemon or client", "Checking remote logging",
                    "Checking presence password strength testing tools (PAM)", "Postfix configuration",
                    "Checking specific defined options in /tmp/lynis.a1b2c3d4e5", "Check for malware scanner"]
    messages = [f"Performing test ID TEST-{1000 + 7 * i} ({d})" for i, d in enumerate(descriptions)] * 2
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids)) == 1 and miner.template_of(ids[:1]) == [f"Performing test ID <ID> ({WILDCARD})"]


def test_a_number_in_a_list_of_key_value_fields_is_no_error_code():
    # "Src Port: 51899, Dst Port: 80, ..., Hit-count = 7": the number and "," after a key opened what was read as an
    # error code's sentence, and every field after the first port became one <*> of any length, flows with and
    # without a count one event. A clause that opens with a key of two words is the next field of any program's
    # "Key: value, Key: value" list.
    flows = [f"Src Host: 10.0.0.{i}, Src Port: {4000 + i}, Dst Port: {p}, In Intf: eth0, Proto: {proto}"
             for i, (p, proto) in enumerate(((80, "TCP"), (53, "UDP"), (443, "ICMP")))]
    counted = [f"{flow}, Hit-count = {7 * i}" for i, flow in enumerate(flows)]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(flows * 2 + counted * 2)
    assert not set(ids[:6]) & set(ids[6:]), miner.templates_
    assert miner.template_of(ids[6:7]) == ["Src Host: <IP>, Src Port: <NUM>, Dst Port: <NUM>, In Intf: eth0, "
                                           "Proto: TCP, Hit-count = <NUM>"]


def test_on_or_off_after_a_key_is_a_switchs_value():
    # "Flow Control state changed to on" / "... to off", "POWER = ON" / "POWER = OFF": one event per value of a switch
    # that any program writes as on or off where others write true or false, after a key or "to", glued to its key
    # or quoted. After a verb they are the verb's (logged on, Turning OFF): events, as are words that hold them
    # (on-line, off-line) and other words beside on.
    messages = [f"Interface eth{i}, flow control state changed to {v}" for i in range(3) for v in ("on", "off")]
    messages += [f"stat/plug{i}/POWER = {v}" for i in range(3) for v in ("ON", "OFF")]
    messages += [f"Manager 'admin{i}' logged {v} from 10.0.0.{i}" for i in range(3) for v in ("on", "off")]
    messages += [f"port {i} is now {v}-line" for i in range(3) for v in ("on", "off")]
    messages += [f"backup stored {w} volume {i}" for i in range(3) for w in ("on", "in")]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(messages)
    assert len(set(ids[:6])) == 1 and len(set(ids[6:12])) == 1, miner.templates_
    assert all(len(set(ids[k:k + 6])) == 2 for k in (12, 18, 24)), miner.templates_
    assert miner.template_of(ids[:1]) == ["Interface <*>, flow control state changed to <*>"]
    assert miner.template_of(ids[6:7]) == ["stat/<*>/POWER = <*>"]


def test_exceptions_whose_classes_and_messages_cross_are_one_value():
    # "exceptionCaught(Session[bob@/<IP>:<NUM>])[state=Opened] IOException: Broken pipe", the same three messages
    # under IOException and SshException: six events, as the session's token, merged as a lead, left no word before
    # the exception to say the event. Where each message comes with two classes or more, class and message vary
    # apart in any program's log: one value. Exceptions that each keep their own message may name their events.
    crossed = [f"{user}: {cls}: {msg}" for user in ("alice", "bob", "carol", "dave", "erin")
               for cls in ("IOException", "SshException") for msg in ("Broken pipe", "Connection reset by peer",
                                                                    "Connection timed out")]
    own = [f"job {user}: {cls}: {msg}" for user in ("alice", "bob", "carol", "dave", "erin")
           for cls, msg in (("QuotaException", "Disk full"), ("LockException", "Lock held by other writer"),
                            ("AuthException", "Token expired"))]
    miner = LogTemplateMiner()
    ids = miner.fit_transform(crossed + own)
    assert len(set(ids[:30])) == 1 and len(set(ids[30:])) == 3 and not set(ids[:30]) & set(ids[30:]), \
        miner.templates_
    assert miner.template_of(ids[:1]) == [f"{WILDCARD}: {WILDCARD}"]


def test_two_colon_fields_alone_are_a_reason_not_a_record():
    # A general shape: "<level>: <what> failed: <path>", a reason's words after a colon, where the next word ends
    # with a colon before a masked value ("error: open failed: /x", "Warning: disk full: /dev/sda1"): two such
    # fields alone are no record of colon fields, so each operation stays its own event; three are one.
    messages = [f"error: {op} failed: /var/lib/app/f{i}.db" for i in range(5) for op in ("open", "read", "write")]
    # A third field before or after, or a separator after the word, shows a record: one event each.
    messages += [f"limit: {i} collection: {c} volumeId: {i}" for i in range(5) for c in ("logs", "photos", "mail")]
    messages += [f"Installing module: {m}, version: 1.2.{i}" for i in range(5) for m in ("influxdb", "mqtt", "ui")]
    messages += [f"finished chaincode: {c} duration: {i}ms channel=trade" for i in range(5) for c in ("a", "b", "c")]
    ids = LogTemplateMiner().fit_transform(messages)
    assert len(set(ids[:15])) == 3 and [len(set(ids[k:k + 15])) for k in (15, 30, 45)] == [1, 1, 1]
