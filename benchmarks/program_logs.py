"""Template and layout accuracy on generated logs of programs outside Loghub, with and without their format.

Usage::

    python benchmarks/program_logs.py [--no-write]

``benchmarks/programs/<set>/`` holds, per program, a 1,500-line log imitating
the real program's header and messages (``<Name>.log.gz``), its true template
per line in Loghub's style (``<Name>.templates.csv.gz``: ``LineId``,
``EventTemplate``) and its header format in Loghub notation
(``<Name>.format``; ``json`` or ``logfmt`` for structured lines). The
``tuning`` set was read while writing rules; ``read_later`` was held out until
its first scores were published, then its three worst logs were read;
``read_later_2`` and ``held_out`` were each written by another author who never
saw logad's code, following Loghub-2.0's principle (a template is the source's
format string: whatever a variable fills is ``<*>``, state words included).
``read_later_2`` was scored blind, then two of its logs were read; the failures
of ``held_out`` were never looked at; ``read_later_3``, a fourth author's, was
scored blind, then two of its logs were read; so was ``read_later_4``, a fifth author's; ``read_later_5``, a
sixth author's, was scored blind, then four of its logs were read; ``read_later_6``, a seventh author's, was scored
blind, then six of its logs were read; ``read_later_7``, an eighth author's, was scored blind, then seven of its
logs were read; ``read_later_10``, an eleventh author's, and ``read_later_11``, a twelfth's, were each scored blind,
then all their logs were read; so was ``read_later_12``, a thirteenth author's; so was ``read_later_13``, a
fourteenth author's, ``read_later_14``, a fifteenth's, ``read_later_15``, a sixteenth's, and
``read_later_16``, a seventeenth's; ``read_later_17``, an eighteenth's, and ``read_later_18``, a nineteenth's,
were each scored blind, then read; so were ``read_later_19``, a twentieth's, ``read_later_20``, a
twenty-first's, ``read_later_21``, a twenty-second's, and ``read_later_22``, a twenty-third's;
so were ``read_later_23``, a twenty-fourth's, ``read_later_24``, a twenty-fifth's, ``read_later_25``, a
twenty-sixth's, and ``read_later_26``, a twenty-seventh's; ``read_later_27``, a twenty-eighth's, was scored
blind, then read; so was ``read_later_28``, a twenty-ninth's; ``read_later_29``, a thirtieth's, was scored
blind, then read; ``read_later_30``, a thirty-first's, was scored blind, then read; ``read_later_31``, a
thirty-second's, was scored blind, then read; ``read_later_32``, a thirty-third's, was scored blind, then
read; ``read_later_33``, a thirty-fourth's, was scored blind and not read. Each log is
read twice, with its true format and
with none (``--format auto``), and mined with the default miner. Columns: GA,
FGA, PA and FTA against the true templates, and the share of lines given a
timestamp with no format. Writes the ``program_logs`` section of
``benchmarks/RESULTS.md``.
"""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Sequence

import pandas as pd

from common import ROOT, markdown_table, publish
from logad_utils.evaluate import parsing_metrics
from logad_utils.pipeline import parse_logs

SECTION = "program_logs"
PROGRAMS = ROOT / "benchmarks" / "programs"
SETS = {"tuning": "read while writing rules",
        "read_later": "held out until its first scores were published, then its three worst logs were read",
        "read_later_2": "written by another author who never saw logad's code; scored blind, then its MySQL and "
                        "Envoy logs were read",
        "held_out": "written by a third author who never saw logad's code (three of its logs hold Java stack "
                    "traces, whose frames are lines of their own templates); never read",
        "read_later_3": "written by a fourth author who never saw logad's code, after every rule above; scored "
                        "blind (GA with no format 0.674, with the true format 0.617, the Zabbix agent 0.013), then "
                        "its Zabbix agent and Gitea logs were read",
        "read_later_4": "written by a fifth author who never saw logad's code; scored blind (GA with no format "
                        "0.654, with the true format 0.647, timestamps on 90 % of lines), then its Synapse, Kibana, "
                        "Nagios, Linkerd and Dnsmasq logs were read: their losses are stack-trace lines (one "
                        "template per event here, one per line there), and values that take two or three forms "
                        "(an HTTP method, an interface, an error reason, a state word) that these annotators make "
                        "`<*>` and Loghub-2.0's corrected templates keep as constants (BGL's `ciod: Error ... : "
                        "Permission denied` beside `... : Bad file descriptor`), so no rule changed for them; "
                        "Linkerd's seconds since start with their unit (`[ 1721.265856s]`) are read as times now",
        "read_later_5": "written by a sixth author who never saw logad's code; scored blind (GA with no format "
                        "0.660, with the true format 0.660; PA 0.482 and 0.544; FTA 0.375 and 0.433; timestamps "
                        "on 99.6 % of lines), then its Salt minion, MariaDB Galera, Kong and Suricata logs were read: "
                        "Suricata's own level names beside the usual ones, a UUID cut after its first groups and a "
                        "bracketed command beside one-word values in the same place were read as general rules; "
                        "most of what is left is convention (an HTTP method, an error reason, a user name of two or "
                        "three values made `<*>`; a stack trace or a cluster view one template per line)",
        "read_later_6": "written by a seventh author who never saw logad's code (application frameworks: Spring Boot, "
                        "ASP.NET Core, Go's log, Python's logging, Rails, Phoenix, php-fpm; GlusterFS, SSSD, "
                        "libvirtd); scored blind (GA with no format 0.559, with the true format 0.564; PA 0.324 and "
                        "0.340; FTA 0.291 and 0.312; timestamps on 100 % of lines), then its Go, Rails, php-fpm, "
                        "ASP.NET Core, Spring Boot and Phoenix logs were read: .NET's `info: Category[14]` header "
                        "and short levels (`fail`, `dbug`) and a quoted message of another program's (`said into "
                        "stderr: \"NOTICE: PHP message: ...\"`) were read as general rules; most of what is left is "
                        "convention: the annotator makes an HTTP method, a status phrase, a currency or a queue name "
                        "`<*>` and an error text after a colon one `<*>`, which Loghub-2.0 keeps as words (BGL's "
                        "`ciod: Error creating node map from file <*>: Bad file descriptor`)",
        "read_later_7": "written by an eighth author who never saw logad's code (Suricata, fail2ban, WildFly, docker "
                        "compose output, supervisord, Rust's tracing, Bitcoin Core, a Minecraft server, SQL Server, "
                        "Home Assistant); scored blind (GA with no format 0.629, with the true format 0.665; PA 0.437 "
                        "and 0.447; FTA 0.291 and 0.315; timestamps on 82.1 % of lines), then its Home Assistant, "
                        "Suricata, docker compose, Minecraft, supervisord, SQL Server and Rust logs were read: a "
                        "name that opens the message before a colon, a date and clock joined by a dash, lines of "
                        "several writers each in its own layout, and a clock shared by two dated layouts were read "
                        "as general rules; what is left is mostly convention (an exit reason, a list of names, a "
                        "player's chat line made `<*>`)",
        "read_later_8": "written by a ninth author who never saw logad's code (a JVM's unified GC log, PgBouncer, "
                        "Serilog's console output, Python's `basicConfig` format, IIS W3C files, an AWS load "
                        "balancer's access log, slurmctld, Ansible, Caddy's JSON, Nomad); scored blind (GA with no "
                        "format 0.524, with the true format 0.536; PA 0.314 and 0.383; FTA 0.310 and 0.363; "
                        "timestamps on 89.9 % of lines, all but those of the Python log, which writes none), then "
                        "its Python, Serilog, PgBouncer, GC and load balancer logs were read: every header was "
                        "inferred; the two access logs are annotated as one template for all their requests (every "
                        "field a variable), which a split by method or scheme scores 0; the rest is convention (a "
                        "queue, a health check or an HTTP method of a few values, a whole SQL statement made `<*>`; "
                        "region kinds of a GC log made words)",
        "read_later_9": "written by a tenth author who never saw logad's code (Snort's fast alerts, Zeek's conn.log, "
                        "Quarkus, CouchDB, lighttpd's error log, RFC 5424 syslog, a container's JSON log around a "
                        "Go service, pacman's log, SonarQube, Xorg); scored blind (GA with no format 0.447, with "
                        "the true format 0.457; PA 0.188 and 0.271; FTA 0.141 and 0.236; timestamps on 99.8 % of "
                        "lines), then all ten were read: a source file and line in parentheses as the component "
                        "(lighttpd), a name with bracketed fields glued on (SonarQube's `web[id][logger]`), the "
                        "lines of a JSON log's message layout that lack its level, systemd unit names and package "
                        "versions with a revision were read as general rules; most of what is left is convention "
                        "(Zeek's records one template per set of unset fields, an HTTP method or an error reason "
                        "made `<*>`, each Snort rule its own template)",
        "read_later_10": "written by an eleventh author who never saw logad's code (nginx's access log, OpenSMTPD, "
                         "ntpd, avahi-daemon, GitLab Runner, Pulsar, Alertmanager, Jetty, ISC dhcpd, Knot DNS); "
                         "scored blind at the end of the stop that read the tenth set (GA with no format 0.673, with "
                         "the true format 0.619; PA 0.363 and 0.407; FTA 0.364 and 0.390; timestamps on every "
                         "line), then read: Jetty's thread after fields glued by colons, a Java object's identity "
                         "hash (`ServerConnector@6c4e9a`) and ntpd's peer events (a word that is its message's only "
                         "constant names the event; short hex values beside masked ones are one run) were read as "
                         "general rules; most of what is left is convention (an access log's requests one template "
                         "per route with the method and status variables, a `result=` or `reason=` word made `<*>`)",
        "read_later_11": "written by a twelfth author who never saw logad's code (Telegraf, strongSwan's charon, "
                         "Pi-hole FTL, Loki's logfmt, a Fastify service's pino JSON, Jira, cloud-init, ClamAV, "
                         "Bacula, Akka); scored blind with the rules above (GA with no format 0.800, with the true "
                         "format 0.824; PA 0.370 and 0.560; FTA 0.302 and 0.491; timestamps on 99.5 % of lines), "
                         "then read: Telegraf's marked level letters (`I!`, `E!`) were read as a general rule, and "
                         "the short hex rule above, which had split Jira's seven-digit session ids, was narrowed to "
                         "two to four digits; left: Akka's marker bracket glued to its time (4.5 % of its lines "
                         "keep no time), strongSwan's `15[NET]` thread and subsystem and Bacula's `JobId N:` stay "
                         "in the message, and Jira's header of varying width is not read (its level and logger stay "
                         "in the message; GA 0.904 all the same)",
        "read_later_12": "written by a thirteenth author who never saw logad's code (CoreDNS, Teleport, Zimbra, Odoo, "
                         "Rspamd, qmail under multilog, Micronaut, InfluxDB's and Argo CD's logfmt, Docker "
                         "Registry's JSON); scored blind with every rule above (GA with no format 0.661, with the "
                         "true format 0.661; PA 0.398 and 0.471; FTA 0.361 and 0.403; timestamps on 90.0 % of "
                         "lines: qmail's TAI64N labels were no time to logad); TAI64N labels were read as times "
                         "after that score, from the format line the author gave, the logs unread (timestamps on "
                         "every line, PA with no format 0.471); then read: a call site (`reflector.go:169`) kept as "
                         "written, backquoted names and comma lists of flags (`qr,aa,rd`) as one value, ISO 8601 "
                         "durations and Go's `+0000 UTC m=+0.01` as times; left, as these annotators' convention: "
                         "CoreDNS' rcode (`NXDOMAIN`) and an access line's method and status class kept as words, "
                         "Zimbra's request name before `elapsed=`, Teleport's Go slices (`[root ubuntu]`)",
        "read_later_13": "written by a fourteenth author who never saw logad's code (a Zabbix server, Cisco IOS, "
                         "MikroTik, Jaeger's JSON, Tempo's logfmt, Jellyfin, Syncthing, NiFi, Terraform, WireGuard "
                         "under dmesg); scored blind with every rule above (GA with no format 0.749, with the true "
                         "format 0.747; PA 0.479 and 0.492; FTA 0.419 and 0.428; timestamps on 99.98 % of lines); "
                         "the code at the start of that stop scored the same; then read (GA 0.755, PA 0.496): zap's "
                         "`stacktrace` key (a Go stack) adds nothing to its message, and a `-` joining two addresses "
                         "is no sign; left: Syncthing's quoted folder names (2-3 values, fewer than a slot needs), "
                         "Cisco's and Terraform's state words (`changed state to down`), MikroTik's topic list "
                         "(`dhcp,info`) not read as its header's level, an address and its port one `<*>`",
        "read_later_14": "written by a fifteenth author who never saw logad's code (Neo4j, CockroachDB, Thanos' "
                         "logfmt, Mattermost's JSON, Laravel, Plex, OpenWrt's logread, BIG-IP LTM, Nexus "
                         "Repository, SpamAssassin); scored blind with every rule above (GA 0.648 with and without "
                         "a format; PA 0.387; FTA 0.409; timestamps on every line); the code at the start of that "
                         "stop scored the same; then read (GA 0.754, PA 0.444, FTA 0.441): a span such as `1s "
                         "378ms` one duration, values in guillemets (`‹running›`) quoted, a bracketed list written "
                         "with spaces one value, two adjacent slots that quote or bracket their values merged, two "
                         "or three names that split several events the same way (`amavis:<NUM>` / "
                         "`debian-spamd:<NUM>`, `DHCPACK(br-lan)`) a parameter; left: BIG-IP's message codes "
                         "(`01010012:5:`) made `<*>` by the annotator, Plex's request method, hostapd's event names "
                         "with a digit (`EAPOL-4WAY-HS-COMPLETED`), Laravel's SQL after `SQL:`",
        "read_later_15": "written by a sixteenth author who never saw logad's code (smartd, Network UPS Tools, "
                         "Harbor under syslog, Zigbee2MQTT, Node-RED, Graylog, Confluence, Tekton's JSON, Mimir's "
                         "logfmt, Icecast); scored blind with every rule above but the two reading it added (GA "
                         "with no format 0.764, with the true format 0.754; PA 0.238 and 0.442; FTA 0.308 and "
                         "0.448; timestamps on every line); the code at the start of that stop scored the same; "
                         "then read (no format: GA 0.765, PA 0.385, FTA 0.332): a program name with its level "
                         "glued on (`Zigbee2MQTT:info`) read as both, a colon glued to the time ends the header, "
                         "a bracket glued to the header's last on some lines an optional field, a `/` that opens "
                         "every value goes with it; left: smartd's attribute names, Node-RED's debug payloads and "
                         "Confluence's method word after the logger (on three lines of four), Icecast's "
                         "`main/main` after the level",
        "read_later_16": "written by a seventeenth author who never saw logad's code (cron, Junos, TiDB, "
                         "FreeSWITCH, a Source game server, Knative's JSON, Dex's logfmt, Django, Storm, "
                         "Pgpool-II); scored blind with every rule above (GA with no format 0.559, with the true "
                         "format 0.594; PA 0.301 and 0.397; FTA 0.226 and 0.310; timestamps on every line); the "
                         "code at the start of that stop scored within 0.001 of it; then read (no format: GA "
                         "0.682, PA 0.410, FTA 0.323): a quoted phrase that opens a message before words one value "
                         "(a player), a bracketed list of quoted words written with spaces one value, a few dotted "
                         "names values, quoted values that vary together at several positions one event, a quoted "
                         "message in brackets its words; with no format, a bracket holding a quoted text ends the "
                         "header, two numbers before the message are a process and its thread, a source file and "
                         "its line the component, a name written with spaces before the level stays in the header; "
                         "left: Junos' policy names and close reasons, FreeSWITCH's UPPER_CASE states and Dex's "
                         "LDAP filters made `<*>`, cron's command text",
        "read_later_17": "written by an eighteenth author who never saw logad's code (Locust, Artifactory, Veeam "
                         "Backup, Factorio, Drone CI's JSON, k6's logfmt, Redis Sentinel, OpenDKIM, Cyrus IMAP, "
                         "Monit); scored blind with every rule above (GA with no format 0.548, with the true format "
                         "0.624; PA 0.470 and 0.529; FTA 0.410 and 0.455; timestamps on 80 % of lines: Factorio "
                         "writes seconds since its start, Monit's time opens with a zone name); the code at the "
                         "start of that stop scored GA 0.548 and 0.607; then read (no format: GA 0.803, PA 0.575, "
                         "FTA 0.507; timestamps on every line): a given format's first field read after its padding, "
                         "a few names written alone after a word of the format a parameter (not after another value), "
                         "with no format seconds since a start that open each line a time, a zone name before the "
                         "date a time's, a level letter glued to a date of digits, a name, the level and the logger "
                         "joined by slashes the header; left: Artifactory's repository names that each lead two "
                         "events, Veeam's and Cyrus' few-valued words made `<*>`, error tails",
        "read_later_18": "written by a nineteenth author who never saw logad's code (Cisco ASA, Filebeat's JSON, "
                         "Argo Workflows' logfmt, NestJS, pfSense, Packer, a Valheim server, NetApp ONTAP, Heroku, "
                         "Apache Druid); scored blind with every rule above (GA with no format 0.636, with the true "
                         "format 0.637; PA 0.307 and 0.331; FTA 0.356 and 0.397; timestamps on every line); the code "
                         "at the start of that stop scored the same; then read (no format: GA 0.778, PA 0.343, FTA "
                         "0.412, as with the true format): a comma-separated record (pfSense's filterlog) read cell "
                         "by cell, an HTTP method as a field's value a parameter, Go's year-first date and a "
                         "segment id with glued times one value, logfmt's bare and quoted keys read; with no format "
                         "a program's instance in brackets (Heroku's app[web.1]:) ends the header, a short date "
                         "before a comma dates the time, a zone after a weekday's time is read; left: Cisco ASA's "
                         "interfaces and teardown reasons, NestJS' +38ms and user agents, NetApp ONTAP's error "
                         "tails, Packer's plugin names made `<*>`",
        "read_later_19": "written by a twentieth author who never saw logad's code (Corosync, BIRD, ejabberd, an "
                         "Unreal Engine dedicated server, z/OS SYSLOG, CRI-O's logfmt, Temporal's JSON, Kamailio, "
                         "NATS server, coturn); scored blind with the code at the start of the stop that added it "
                         "(GA with no format 0.684, with the true format 0.684; PA 0.406 and 0.434; FTA 0.398 and "
                         "0.453; timestamps on 80 % of lines) and with every rule above (the same but z/OS SYSLOG: "
                         "GA 0.491 -> 0.495, FTA 0.204 -> 0.200); then read (no format: GA 0.754, PA 0.435, FTA "
                         "0.441; timestamps on 90 % of lines): a line missing a preset's layout keeps its leading "
                         "fields, an ordinal date (YYDDD) beside a clock, Unreal Engine's dotted time and Erlang's "
                         "logger caller read with no format; a protected leading id starts no list, a name leading "
                         "several events no longer merges them, hex sequence numbers a list, spelled-out dates and "
                         "Erlang pids one value, an empty bracket read by a filled one, a ';'-glued key=value "
                         "record field by field; left: Kamailio's SIP methods and reply phrases, coturn's packet "
                         "types and BIRD's message kinds made `<*>`, coturn's uptime (no time), error tails",
        "read_later_20": "written by a twenty-first author who never saw logad's code (MinIO's JSON, Velero's "
                         "logfmt, an Oracle listener, Kubernetes' controller manager, snapd, HiveServer2, a TeamSpeak "
                         "3 server, FortiGate, Tinyproxy, Privoxy); scored blind with the code at the start of the "
                         "stop that added it (GA with no format 0.648, with the true format 0.677; PA 0.429 and "
                         "0.430; FTA 0.379 and 0.390; timestamps on every line) and with every rule above (the "
                         "same); then read (no format: GA 0.811, PA 0.473, FTA 0.424; with the true format GA 0.801): "
                         "an Oracle TNS descriptor (a chain of parenthesised key=value fields) read field by field, "
                         "a drive's path that stops at its parentheses, a quoted record of fields its fields, a "
                         "field's quoted phrase naming its event by its first word, first words glued to one key a "
                         "field's values, a host with a path and a container image one value; with no format a "
                         "month in capitals (12-MAR-2024), a lone '*' after the time, level columns before the time "
                         "and padded between pipes, and a date key and a clock key one time; left: FortiGate's "
                         "quoted values and Velero's resource kinds made `<*>`, klog's quotes, names of two values "
                         "(invokername=Grimm / Mara), error tails",
        "read_later_21": "written by a twenty-second author who never saw logad's code (Kea's DHCPv4 server, hostapd, "
                         "a 7 Days to Die server, a Windows event log exported as CSV, rclone, Hazelcast, Flux's "
                         "JSON, ExternalDNS' logfmt, Courier's mail server, OpenPBS); scored blind with the code at "
                         "the start of the stop that added it (GA with no format 0.691, with the true format 0.653; "
                         "PA 0.226 and 0.314; FTA 0.247 and 0.308; timestamps on every line with no format, on 90 % "
                         "with the true format: hostapd's epoch seconds, named <Epoch>, were no time) and with every "
                         "rule of its stop (GA 0.704 and 0.666; PA 0.237 and 0.325; FTA 0.249 and 0.311); then "
                         "read: a dotted run of long hex groups one id, a run of more than six octets one MAC, "
                         "upper-case event codes with a digit (EAPOL-4WAY-HS-COMPLETED) words, durations in other "
                         "units one slot, a bracketed no-value phrase (cid=[no info]) a field's value, quoted "
                         "values holding a variable one parameter, a bracketed record's first field a field; with no "
                         "format padded levels ([ INFO], INFO  :), a colon after a bracket ending the header, names "
                         "about as many as their lines (file paths) left in the message, and a format's <Epoch> a "
                         "time; left: Hazelcast's cluster name and Windows' state words made `<*>`, service names "
                         "of several words with fewer than eight values, hostapd's interface read as the component "
                         "with no format, error tails",
        "read_later_22": "written by a twenty-third author who never saw logad's code (an Oracle WebLogic managed "
                         "server, IBM WebSphere Liberty, a Huawei VRP switch, ipmitool's SEL listing, Falco's JSON "
                         "alerts, Dapr's logfmt, a Proxmox VE node's journal, Fluentd, a Mumble server, Prosody); "
                         "scored blind with the code at the start of the stop that added it (GA with no format "
                         "0.739, with the true format 0.742; PA 0.246 and 0.428; FTA 0.180 and 0.291; timestamps on "
                         "90 % of lines either way) and with every rule above (the same); then read (no format: GA 0.775, "
                         "PA 0.384, FTA 0.283; with the true format GA 0.794, PA 0.438, FTA 0.305; timestamps on "
                         "every line either way): an exception printed into a message with its text one value where "
                         "one event prints three or more, lowerCamelCase names in a slot values from three, escaped "
                         "quotes inside a quoted value, first words that are or wrap a masked value merged from two, "
                         "colon-joined ids with three long hex groups one id, a parenthesis a label opens "
                         "(`(X11: Ubuntu 22.04.3 LTS)`) one value, `kiB` a size, a short hex id after `#`; with no "
                         "format a year's time followed by its zone, Java's short date with colon milliseconds, a "
                         "pipe table's date cell and clock cell one time, fields in angle brackets, a message glued "
                         "to the colon after a name's bracket, a column of single capitals the level; left: Huawei "
                         "VRP's state words and reasons in its `(Key=value)` lists and Dapr's and Proxmox VE's "
                         "few-valued words made `<*>`, Falco's alert text not taken as the message (its `rule` names "
                         "the event: GA 1.0, PA 0), free-text reasons after a colon, Mumble's server id a component "
                         "with no format, error tails",
        "read_later_23": "written by a twenty-fourth author who never saw logad's code (Karpenter's JSON, Authelia's "
                         "logfmt, amavisd-new under syslog, a Cisco Meraki appliance, FileZilla Server, PHP's error "
                         "log, go-ethereum, the OpenTelemetry Collector, Vaultwarden, openHAB); scored blind with the "
                         "code at the start of the stop that added it (GA with no format 0.484, with the true format "
                         "0.570; PA 0.265 and 0.322; FTA 0.307 and 0.387; timestamps on 90 % of lines with no format, "
                         "on every line with the true format) and with every rule above (the same); then read (no "
                         "format: GA 0.658, PA 0.292, FTA 0.323; with the true format GA 0.720, PA 0.354, FTA "
                         "0.403; timestamps on every line either way): an HTTP method after the word method and a "
                         "name after the word type a field's value, the word of a named field that another field "
                         "follows a value however few its words, a duration or size after a comma no member of a "
                         "list, hashes abbreviated to their ends (980356..02b3e2) one value, a redacted secret's run "
                         "of asterisks a bare `<*>`, a quoted one-segment path a path; with no format a date and a "
                         "clock joined by a pipe, a padded level glued to the time's bracket, a session number in "
                         "brackets glued to the date; left: Vaultwarden's request method and route, openHAB's item "
                         "states and song titles, amavisd-new's verdicts (`Passed CLEAN`) made `<*>`, the "
                         "OpenTelemetry Collector's trailing JSON fields kept in its templates, FileZilla's user "
                         "and address before `>` left in the message with no format, Meraki's host and program "
                         "word read with no format only as message words",
        "read_later_24": "written by a twenty-fifth author who never saw logad's code (Open Policy Agent's JSON, "
                         "Watchtower's logfmt, systemd under syslog, MIT Kerberos' KDC and kadmind, ESPHome, a "
                         "Citrix NetScaler appliance, xrdp, stunnel, NFS-Ganesha, Chef Infra Client); scored blind "
                         "with the code at the start of the stop that added it (GA with no format 0.789, with the "
                         "true format 0.791; PA 0.437 and 0.575; FTA 0.367 and 0.488; timestamps on every line with "
                         "no format, on 86 % with the true format) and with every rule above (the same, but timestamps "
                         "on 90 % of lines with the true format: a given format's time layout is guessed once a "
                         "file); then read (no format: GA 0.906, PA 0.507, FTA 0.450; with the true format GA "
                         "0.908, PA 0.634, FTA 0.539; timestamps on every line either way): systemd's `Started "
                         "<unit> - <description>.` one event per verb, a distinguished name (a certificate's "
                         "subject) one value, a list of varying length one value in its "
                         "brackets, a unit that varies with a quoted name part of the event, an ellipsis after a "
                         "path the sentence's, a number after a lone capital and a dot a word (X.509); with no "
                         "format a level in parentheses after the pid (`krb5kdc[1432](info):`) and a syslog "
                         "facility.severity; with the true format two time runs in one header (the first the "
                         "time); left: NFS-Ganesha's `:COMPONENT :LEVEL :` and NetScaler's fields parted by ` : ` "
                         "left in the message with no format (one program each), older systemd's `Starting "
                         "<description>...` (two annotators disagree), free-text error tails, ESPHome's "
                         "`ON`/`OFF` states and quoted sensor names",
        "read_later_25": "written by a twenty-sixth author who never saw logad's code (the AWS Load Balancer "
                         "Controller's JSON, CrowdSec's and Kapacitor's logfmt, HCL Domino, a Palo Alto PAN-OS "
                         "firewall, pppd, ProxySQL, rsyncd, Tasmota, Unicorn); scored blind with the code at the start "
                         "of the stop that added it (GA 0.601 with and without the true format, PA 0.453, FTA 0.503, "
                         "timestamps on every line) and with every rule above (the same on every log); then read (GA 0.736 "
                         "with no format, 0.735 with the true format; PA 0.594 either way; FTA 0.528; timestamps "
                         "on every line): a CSV record with spaced or quoted cells read cell by cell and a cell of "
                         "many names filled by masked values too, an error code's message one value, Ruby's "
                         "objects, backtrace frames and `message (Class)` exceptions, a JSON payload after a "
                         "spaced `=` one value, a path of three names leading an event a name, a version with a "
                         "letter suffix or a lettered build tag one number, an UPPER_CASE key before its value "
                         "the event's; left: the Palo Alto annotator's `<*>` for every CSV field (constants too), "
                         "Tasmota's ON/OFF and CrowdSec's HTTP methods made `<*>`, rsync's on/to, free text after "
                         "a colon in pppd's CHAP messages",
        "read_later_26": "written by a twenty-seventh author who never saw logad's code (Cloudflare's cloudflared, "
                         "authentik's JSON, K3s' logfmt, a SonicWall firewall, multipathd, Configuration Manager's "
                         "CMTrace log, IBM Storage Protect's scheduler, VMware ESXi's hostd, Splunk's splunkd, "
                         "Apache Guacamole); scored blind with the code at the start of the stop that added it (GA "
                         "0.779 with no format, 0.720 with the true format; PA 0.466 and 0.478; FTA 0.364 and 0.390; "
                         "timestamps on 90 % of lines either way) and with every rule above (the same but K3s' FTA, "
                         "0.476 -> 0.495); then read (GA 0.820 with no format, 0.820 with the true format; PA 0.559 "
                         "and 0.559; FTA 0.471 and 0.471; timestamps on every line either way): CMTrace's header "
                         "after its message read by a preset, its records of several lines one event each, an offset "
                         "after a short date's clock the time's, a GUID's braces and a Go map one value, a "
                         "document's spaced file name part of its path, a colon in a URL's query, a day-first "
                         "spelled date with a comma one time, a device's or map's name before a colon a value "
                         "(leading the same events, or numbered: sda, sdb), a task named again as its module path's "
                         "last part, a participle before a count naming it; left: K3s' and cloudflared's annotators' "
                         "`<*>` for a whole SQL statement or error text, SonicWall's `<*>` for every key's value "
                         "(constants too), ESXi's VM state transitions kept as words",
        "read_later_27": "written by a twenty-eighth author who never saw logad's code (kube-scheduler's JSON, "
                         "node_exporter's logfmt, Net-SNMP's snmpd, vsftpd, an Arista EOS switch, rsnapshot, "
                         "FRRouting, Open vSwitch, Aerospike, a Brocade FOS switch); scored blind with the code at "
                         "the start of the stop that added it (GA 0.597 with and without the true format; PA 0.250 "
                         "with no format, 0.346 with the true format; FTA 0.192 and 0.295; timestamps on 90 % of "
                         "lines with no format, every line with the true format) and with every rule above (the same "
                         "on every log); then read (GA 0.773 with no format, 0.773 with the true format; PA 0.584 "
                         "and 0.584; FTA 0.424 and 0.424; timestamps on every line either way): a device's "
                         "%FAC-SEV-MNEMONIC tag kept, a transport's bracketed endpoints, a link between two "
                         "endpoints (a<->b) and an address's glued (name) one value each, many bracketed user names "
                         "and braced namespaces a parameter, a tally in parentheses one value, an unquoted command "
                         "ending a record of key=value fields that field's value, a flag's --<*>=<*>, a rate's unit "
                         "kept, a quoted path with spaces one path and quoted values of different kinds apart; with "
                         "no format a year-first date joined to its clock by a dash, a header whose fields commas "
                         "part read as cells, a name in parentheses after the level the component, a labelled [pid "
                         "N] the pid; left: FRRouting's message ids (one per event) masked as ids, state transitions"
                         " and status words the annotators made <*>, rsnapshot's paths and flags written <*>/<*>, "
                         "Open vSwitch's three bridge names",
        "read_later_28": "written by a twenty-ninth author who never saw logad's code (tailscaled, Ory Kratos' JSON,"
                         " Prysm's logfmt, a Sophos UTM firewall, 389 Directory Server's access log, HTCondor's "
                         "StartLog, Greenbone's gvmd, Hyperledger Fabric's peer, the Rook Ceph operator, Sonarr); "
                         "scored blind with the code at the start of the stop that added it (GA 0.700 with no "
                         "format, 0.719 with the true format; PA 0.441 and 0.552; FTA 0.317 and 0.426; timestamps on"
                         " 70 % of lines with no format, 80 % with the true format) and with every rule above (the "
                         "same on every log); then read (GA 0.790 with and without the true format; PA 0.524 with no"
                         " format, 0.599 with it; FTA 0.432 and 0.474; timestamps on every line either way): states "
                         "either side of an arrow one slot when a state is both left and entered, a name holding a "
                         "value or a (year) one value, brackets glued together one run, fields of a few keys in one "
                         "slot apart by key, a Go duration of several units one value, a hash cut short by an "
                         "ellipsis one value, a path's full stop before a capitalised word the sentence's, two "
                         "numbers alone in parentheses a pair; a Common Log Format time with a fraction, a year-"
                         "first date written with colons, an h-clock glued after a colon, GLib's name:LEVEL before "
                         "the time, a bracketed logger before a function the component, and a given format's zone "
                         "field read with its time; left: the annotators' empty quoted values kept apart and event "
                         "codes kept as words, unquoted paths with spaces",
        "read_later_29": "written by a thirtieth author who never saw logad's code (CometBFT, Grafana Alloy's "
                         "logfmt, Vector's JSON, an HPE ProCurve switch, syslog-ng, collectd, Kodi, Uptime Kuma, "
                         "MiniDLNA, qBittorrent); scored blind with the code at the start of the stop that added it "
                         "(GA 0.771 with and without the true format; PA 0.560; FTA 0.516; a timestamp on every line"
                         " either way) and with every rule above (the same on every log); then read (GA 0.845, PA "
                         "0.656, FTA 0.567 with and without the true format): a record of 'Key: value' items a "
                         "spaced '|' parts one value per item, a user's name after 'user:' a parameter however few, "
                         "a path or URL ending the message with spaces in its folders one value, a sentence's stop "
                         "inside its brackets, a run of values keeping its last comma; with no format level letters "
                         "in parentheses before the time and a component in angle brackets; left: the annotators' "
                         "<*> for error reasons and for words of two or three values (ProCurve's session kinds), "
                         "msg= words kept as the event's (CometBFT), whole quoted values (syslog-ng)",
        "read_later_30": "written by a thirty-first author who never saw logad's code (Flagger's JSON, Tyk's logfmt,"
                         " dhcpcd, Wazuh, Weave Net, the Azure Linux agent, a Dell iDRAC, Metabase, frps, dnscache);"
                         " scored blind with the code at the start of the stop that added it (GA 0.717 without a "
                         "format, 0.722 with it; PA 0.129 and 0.331; FTA 0.150 and 0.405; a timestamp on every line)"
                         " and with every rule above (the same on every log); then read (GA 0.854 either way, PA "
                         "0.508 and 0.536, FTA 0.427 and 0.461): an UPPER_CASE name after 'using' or 'via' a "
                         "parameter, names that fill several events' slots a parameter where the same token took "
                         "others, a bracket after a key one value, a fully qualified name with its root dot one "
                         "host, an address with its prefix length and a MAC address with its name one value, hex "
                         "fields after a hex address values, a number and a word after the leading word two events, "
                         "a cover that takes masked values loses no word; with no format a program's name with its "
                         "module, interfaces no sub-programs, a level before the time on every line no two-line "
                         "record, ' :: ' a separator, a list of labelled values no header, a thread's name written "
                         "twice; left: the annotators' <*> for name.namespace (Flagger), error reasons and "
                         "two-valued words, frp's bracketed prefixes kept in the message, Metabase's methods and "
                         "databases",
        "read_later_31": "written by a thirty-second author who never saw logad's code (an Aruba controller, "
                         "Blackbox Exporter's logfmt, External Secrets' JSON, Grid Engine, a Netgear router, nsqd, "
                         "Patroni, Pure-FTPd, Roundcube, Spectrum Scale); scored blind with the code at the start of"
                         " the stop that added it (GA 0.766 without a format, 0.784 with it; PA 0.311 and 0.547; FTA"
                         " 0.368 and 0.543; a timestamp on 80 % of lines without a format, 90 % with it) and with "
                         "every rule above (GA 0.764 and 0.781: nsqd 0.153 -> 0.124); then read (GA 0.800, PA 0.656,"
                         " FTA 0.580 with and without the true format, a timestamp on every line): a first word "
                         "before an auxiliary ('alice is now logged in') a subject, a numbered member joined by "
                         "dashes (pg-node2) one value, a query string making one segment or the root a path, a "
                         "call's name (channel(a)) naming its value as a key does; with no format an ISO date and "
                         "clock joined by '_', a date and clock ending most lines the time and words in angle "
                         "brackets opening most messages header fields; left: the annotators' <*> for failure kinds,"
                         " attack and service categories and whole error texts, nsqd's GET and POST made one event, "
                         "Roundcube's SMTP reply one value",
        "read_later_32": "written by a thirty-third author who never saw logad's code (a Cisco NX-OS switch, "
                         "wpa_supplicant, ScyllaDB, Prefect, Minetest, SeaweedFS, Gitaly's JSON, Promtail's logfmt, "
                         "Lynis, Gerrit); scored blind with the code at the start of the stop that added it (GA "
                         "0.749 with and without the true format; PA 0.476 without a format, 0.487 with it; FTA "
                         "0.426 and 0.450; a timestamp on every line) and with every rule above (the same on every "
                         "log); then read (GA 0.863, PA 0.698, FTA 0.533 with and without the true format): a number"
                         " in a list of 'Key: value' fields no error code, on or off written as a value a parameter,"
                         " exceptions whose classes and messages cross one value, a word in a record of colon fields"
                         " its value, a comma list of signed numbers no grouped number, an interface named as udev "
                         "names it (wlp2s0) a value, a description in the parenthesis ending a message one value; "
                         "with no format a logger named with spaces before ' - ' the header's; left: the annotators'"
                         " <*> for error reasons and states, a chat message's free text one template per message, "
                         "states of different shapes (Completed(), Failed('...')) apart",
        "read_later_33": "written by a thirty-fourth author who never saw logad's code (a Cisco wireless LAN "
                         "controller, Ghost, ArangoDB, Torque, Starbound, BeeGFS, Cowrie, Pomerium's JSON, "
                         "ChirpStack's logfmt, UniFi Network); scored blind with the code at the start of the stop "
                         "that added it (GA 0.642 with and without the true format; PA 0.294 without a format, 0.537"
                         " with it; FTA 0.292 and 0.481; a timestamp on 99.7 % of lines without a format, 90 % with "
                         "it) and with every rule above (GA 0.657 without a format: BeeGFS 0.735 -> 0.890; the rest "
                         "the same); not read"}
STRUCTURED = ("json", "logfmt")  # no header format: the reader finds the keys, as with no format given


def evaluate(log: Path) -> dict:
    """One program's row: its metrics with the true format and with none."""
    name = log.name.removesuffix(".log.gz")
    truth = pd.read_csv(log.with_name(f"{name}.templates.csv.gz"), keep_default_na=False)["EventTemplate"]
    fmt = log.with_name(f"{name}.format").read_text(encoding="utf-8").strip("\n")
    row = {"set": log.parent.name, "program": name, "lines": len(truth), "templates": int(truth.nunique())}
    for mode, given in (("true format", "auto" if fmt in STRUCTURED else fmt), ("no format", "auto")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a year-less timestamp's warning is expected here
            frame = parse_logs(str(log), fmt=given, warn=False)
        metrics = parsing_metrics(truth, frame["template_id"], frame["template"])
        row.update({f"{k.upper()} {mode}": v for k, v in metrics.items()})
        row[f"timestamp {mode}"] = float(frame["timestamp"].notna().mean()) if "timestamp" in frame else 0.0
    return row


def markdown(results: pd.DataFrame) -> str:
    """Body of the RESULTS.md section."""
    shown = ["set", "program", "templates", "GA true format", "GA no format", "FGA no format", "PA no format",
             "FTA no format", "timestamp no format"]
    numeric = [c for c in shown if c not in ("set", "program", "templates")]
    summary = results.groupby("set", sort=False)[numeric].mean().reset_index()
    summary.insert(1, "program", "**average**")
    summary.insert(2, "templates", "")
    lows = [f"{s}: lowest GA with no format {g['GA no format'].min():.3f} ({g.loc[g['GA no format'].idxmin(), 'program']}), "
            f"largest loss against the true format {(g['GA true format'] - g['GA no format']).max():+.3f}"
            for s, g in results.groupby("set", sort=False)]
    out = ["## Programs outside Loghub (generated, with and without their format)", "",
           "`python benchmarks/program_logs.py`. 1,500-line logs of programs that are neither among Loghub's "
           "systems nor in the tests, written by generators that imitate each program's real header and message "
           "wording, with Loghub-style true templates (every token that varies between occurrences of one event "
           "is `<*>`). " + "; ".join(f"*{s}*: {d}" for s, d in SETS.items()) + ". Default miner, no setting "
           "per program; *no format* is `--format auto` (presets plus layout inference); JSON and logfmt logs have "
           "no header format, so both columns read them the same way. PA and FTA compare template text, and the "
           "generators' annotators kept constants Loghub-2.0's corrected templates make variables (a port apart "
           "from its host, `HTTP/<*>`): read them as a lower bound. These are generated logs, not real ones: "
           "they test breadth, not the wording of any real deployment.", "",
           markdown_table(pd.concat([results[shown], summary[shown]], ignore_index=True)), "",
           *(f"- {line}" for line in lows)]
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args(argv)
    logs = [log for s in SETS for log in sorted((PROGRAMS / s).glob("*.log.gz"))]
    results = pd.DataFrame([evaluate(log) for log in logs])
    publish(SECTION, results, markdown(results), not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
