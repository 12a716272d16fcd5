"""Masking rules: typed placeholders, whole-token matching, idempotence, editing and saving rule sets."""
import json
import re
import time
import uuid

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from logad_utils import masking
from logad_utils.masking import DEFAULT_RULES, Masker, MaskRule, mask

M = Masker()


def masked_alike(masker: Masker, texts: list[str]) -> list[str]:
    """The texts masked one by one and in one batch by ``masker``, asserted the same either way."""
    alone = [masker.mask(t) for t in texts]
    assert masker.mask_many(texts) == alone
    return alone


@pytest.mark.parametrize("text, expected", [
    ("Connection from 10.0.0.1:8080 closed", "Connection from <IP>:<NUM> closed"),
    ("listening on [::1]:443 and fe80::1ff:fe23:4567:890a", "listening on <IP> and <IP>"),
    # An address in a named bracket keeps both brackets: the template stays balanced.
    ("listen on host[::], family[10] and host[fe80::1]", "listen on host[<IP>], family[<NUM>] and host[<IP>]"),
    # A colon that ends the token ends the address, as after a host.
    ("AS_REQ 2001:db8:c792:14::f8f: ISSUE and fe80::1:", "AS_REQ <IP>: ISSUE and <IP>:"),
    # Java's host/address: the host's name goes with its address (see addr_owner).
    ("Received from /10.251.43.21:50010 via host/10.0.0.2", "Received from <IP>:<NUM> via <VAL>/<IP>"),
    # An address with its prefix length is one network; glued to an interface or before "->", the number is a port,
    # and so is a length of 0 after any address but the default route's.
    ("adding route to 10.30.12.0/22, deleting 2001:db8:4c2:c::/64; outside:8.8.4.4/22 and 1.2.3.4/5->1.1.1.1/0",
     "adding route to <IP>, deleting <IP>; outside:<IP>/<NUM> and <IP>/<NUM>-><IP>/<NUM>"),
    ("route 0.0.0.0/0 and ::/0 via fe80::1, faddr 1.1.1.1/0 gaddr 10.0.0.1/29980",
     "route <IP> and <IP> via <IP>, faddr <IP>/<NUM> gaddr <IP>/<NUM>"),
    ("Deleting block blk_-1608999687919862906 file", "Deleting block <ID> file"),
    ("state 0x1f and 0xDEADbeef", "state <HEX> and <HEX>"),
    ("iar 003a90fc dear 0244c1dc", "iar <HEX> dear <HEX>"),
    ("request 550e8400-e29b-41d4-a716-446655440000 done", "request <UUID> done"),
    ("mac 00:1a:2b:3c:4d:5e up", "mac <MAC> up"),
    # Parts joined by colons, three of them long hex groups, are one id, the user glued to it too; a colon after
    # it is the sentence's. Two groups after a key stay a key and two values.
    ("shutdown CT 106: UPID:pve1:0002C973:0594E8DB:65E53495:vzshutdown:106:admin@pve: now, "
     "spi:5f3a9c1b7e2d4f60:9c1d2e3f4a5b6c7d", "shutdown CT <NUM>: <ID>: now, spi:<HEX>:<HEX>"),
    # Decimal first octets are no time of day: 12:34:56 would have been <DATETIME>.
    ("DHCPACK(eth1) 12:34:56:1b:f3:dc and 10-22-33-44-55-66", "DHCPACK(eth1) <MAC> and <MAC>"),
    ("Login OK: [00-11-22-33-44-55@corp.example.com]", "Login OK: [<EMAIL>]"),  # a MAC as an e-mail's user
    ("user aa:bb:cc:dd:ee:ff@wlan ok", "user <MAC>@wlan ok"),  # colons: no e-mail address
    # A longer run of octets is one value: a DHCP client id (01: and a MAC), a DUID; a colon after one ends it.
    ("cid=[01:58:2a:17:84:06:43], duid 00:01:00:01:2b:3c:4d:5e:00:11:22:33 and 58:2a:17:84:06:43: up",
     "cid=[<MAC>], duid <MAC> and <MAC>: up"),
    ("took 200ms, then 3.5 ms and 2 seconds", "took <DURATION>ms, then <DURATION> ms and <DURATION> seconds"),
    ("size 12KB free 5.2 KB of 4G", "size <SIZE> free <SIZE> of <SIZE>"),
    # A lower-case kilo before the binary "i" (Prosody's 271 kiB) is the same unit as KiB.
    ("slot for 271 kiB, then 3 KiB", "slot for <SIZE>, then <SIZE>"),
    ("open /var/log/messages and ./run.sh and C:\\Windows\\x.dll", "open <PATH> and <PATH> and <PATH>"),
    # A container image is one value, its tag or digest in it; a call site and a label key are not images.
    ("pull docker.io/library/nginx:1.25-alpine and registry.example.com/team/app:1.2, then ghcr.io/o/i@sha256:"
     + "a" * 64, "pull <URL> and <URL>, then <URL>"),
    ("at github.com/x/y.go:12 with app.kubernetes.io/name=web",
     "at <HOST>/x/y.go:<NUM> with app.kubernetes.io/name=web"),
    # A drive's path keeps a pair of parentheses, not one it sits in, nor a comma after it.
    ("log (C:\\x\\y.log) and C:\\a\\b(1).txt, done", "log (<PATH>) and <PATH>, done"),
    # A folder's name with spaces before a backslash is the path's, as is a share's; words after its end are not.
    ("load C:\\Program Files (x86)\\App\\app.exe and C:\\Program Files\\Common Files\\x.dll to C:\\tmp\\a b",
     "load <PATH> and <PATH> to <PATH> b"),
    # A Go map is one value, whatever its entries; an empty one or a word ending in "map" is none.
    ("Settings: map[config:/etc/x.yml no-autoupdate:true] and map[a:[1 2] b:map[c:d]], map[] roadmap[a:b]",
     "Settings: <VAL> and <VAL>, map[] roadmap[a:b]"),
    # A document's name with a space is the path's last part; a word before a program's file or after "to" is not.
    ("sent /home/bob/Downloads/invoice 7062.pdf [Sent], /etc/app conf.yml and /tmp/a to b.pdf",
     "sent <PATH> [Sent], <PATH> <PATH> and <PATH> to b.pdf"),
    ("open \\\\fs01\\share$\\dir\\file.txt failed, copy C:\\a\\b to D:\\c",
     "open <PATH> failed, copy <PATH> to <PATH>"),
    ("fetch hdfs://msra-sa-41:9000/tmp/job.jar now", "fetch hdfs://<URL> now"),
    # Closing punctuation ends the sentence, not the URL.
    ("on https://k8s.internal:443: timed out, [tcp://broker:1883], (http://x.org/a/b).",
     "on https://<URL>: timed out, [tcp://<URL>], (http://<URL>)."),
    ("see https://en.wikipedia.org/wiki/Mercury_(planet), http://[2001:db8::1]:8080/x and http://h/a?x=(1).",
     "see https://<URL>, http://<URL> and http://<URL>."),
    ("(http://a.org/x),(http://b.org/y)", "(http://<URL>),(http://<URL>)"),
    # An escaped quote (a Go error inside a JSON string) or a backtick ends it; a backslash elsewhere does not.
    ('err="Get \\"http://h:9090/api/v1\\": dial" at `https://x.org/a` or http://h/a\\b/c',
     'err="Get \\"http://<URL>\\": dial" at `https://<URL>` or http://<URL>'),
    ('Get \\\\\\"http://p:9090/q\\\\\\": dial', 'Get \\\\\\"http://<URL>\\\\\\": dial'),  # escaped twice
    ("GET http://h/" + "\\" * 20000 + '" done', "GET http://<URL>" + "\\" * 20000 + '" done'),  # one pass over them
    ("from lns-vlq-45-tou-82-252-162-81.adsl.proxad.net", "from <HOST>"),
    ("mail.example.com said hi", "<HOST> said hi"),
    ("query wpad.lan and ip-10-0-0-1.ec2.internal:5432 in io.netty.util.internal",
     "query <HOST> and <HOST>:<NUM> in io.netty.util.internal"),
    ('Client "::ffff:192.168.1.5" from ::ffff:10.0.0.1 and ::1', 'Client "<IP>" from <IP> and <IP>'),
    ("uid=CZLueLxq5dD5E7hrrE session <+75zIhEg+t4MQryC> id RsDxJrUYFtcMzK", "uid=<ID> session <<ID>> id <ID>"),
    ("NoRouteToHostException HeapDumpPath getHTTPResponseCode AbstractOAuth2IdentityProvider ifHCInOctets",
     "NoRouteToHostException HeapDumpPath getHTTPResponseCode AbstractOAuth2IdentityProvider ifHCInOctets"),
    ("getIPv4Address eBPFMapFDsLoaded -Djava.net.preferIPv4Stack=true IpClient.onIPv4ProvisioningFailure",
     "getIPv4Address eBPFMapFDsLoaded -Djava.net.preferIPv4Stack=true IpClient.onIPv4ProvisioningFailure"),
    ("query 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa IN PTR", "query <HOST> IN PTR"),
    # A dotted name with a digit that ends in a file extension is a file (a man page, a rotated log), not a host.
    ("--slave /usr/share/man/man1/pager.1.gz pager.1.gz, app.2.log and node1.cluster.lan",
     "--slave <PATH> <PATH>, <PATH> and <HOST>"),
    # Newer suffixes end a host after two labels; a package that deep opens with its reversed domain.
    ("server: blog.example.io, via api.staging.co:443 (x.app, java.io, org.apache.commons.io, java.io.File)",
     "server: <HOST>, via <HOST>:<NUM> (x.app, java.io, org.apache.commons.io, java.io.File)"),
    ("config.settings.dev kotlinx.coroutines.test myapp.wsgi.app app.kubernetes.io/name=web",
     "config.settings.dev kotlinx.coroutines.test myapp.wsgi.app app.kubernetes.io/name=web"),
    # Base64 ids with "/" or "+" inside are one id, not a class path or a camelCase name.
    ("session=<9maq8baTWc/71OEL> sid <YDdOhFVd/c+OWpuL> key=dGhp+cyBpcyBhIHRlc3Q= AQJHjwlkvBQU+tCn ok",
     "session=<<ID>> sid <<ID>> key=<ID> <ID> ok"),
    ("org/apache/hadoop/v2/MRAppMaster src/main/Foo/BarBaz2Qux NullPointerException+ClassCastException C++/Qt5",
     "org/apache/hadoop/v2/MRAppMaster src/main/Foo/BarBaz2Qux NullPointerException+ClassCastException C++/Qt5"),
    ("v1/GetUserByID api/v2/UserAPI io/grpc/v1/HTTPServerImpl",
     "v1/GetUserByID api/v2/UserAPI io/grpc/v1/HTTPServerImpl"),
    ("at Sun Jul 24 02:38:22 2005 ok", "at <DATETIME> ok"),
    ("next run: Tue Jan 16 08:50:00 UTC 2024 and Sun Jul 24 02:38:22 CEST 2005.",  # date(1), Java's Date
     "next run: <DATETIME> and <DATETIME>."),
    ("Jan 16 08:50:00 ERROR 2024 records", "<DATETIME> ERROR <NUM> records"),  # no weekday: no zone
    ("Tue Jan 16 08:50:00 ERROR 1045 (28000): denied", "<DATETIME> ERROR <NUM> (<NUM>): denied"),  # a level, no zone
    ("at [Wed, 14 May 2025 10:22:33.123 UTC] and Date: Tue, 3 Jun 2025 08:00:01 +0000",  # RFC 5322
     "at [<DATETIME>] and Date: <DATETIME>"),
    ("GET /v1/jobs?prefix=web&index=12 then /a/b?x and /a/b? done",  # a query string only after a key
     "GET <PATH> then <PATH>?x and <PATH>? done"),
    ("(see /docs/api?id=7) or /v1/items?page=2, /a/q?a=1.5,2;b=c. ok", "(see <PATH>) or <PATH>, <PATH>. ok"),
    ("open /a/b?ids=(1,2) and /a/b?x=[1]: done", "open <PATH> and <PATH>: done"),
    ("at 2015-10-18 18:01:47,978 ok", "at <DATETIME> ok"),
    ("built on 06/10/2013 17:26 GMT", "built on <DATETIME>"),
    # The year first (Go's log package): one time, not three numbers; not in a run of slashed numbers.
    ("plugin: 2024/03/09 10:02:11 Waiting, timers 2024/1/2/3",
     "plugin: <DATETIME> Waiting, timers <NUM>/<NUM>/<NUM>/<NUM>"),
    # Its clock glued by a dash (a switch's "2024/02/27-06:35:52"): one time, not a date with a zone and a number.
    ("changed at 2024/02/27-06:35:52, [FW-1424]", "changed at <DATETIME>, [<ID>]"),
    # Nor a relative path's dated folders, nor counts that no month and day could be.
    ("tail 2024/03/09/app.log and 2024/03/09/ counts 2010/30/15",
     "tail <PATH> and <NUM>/<NUM>/<NUM>/ counts <NUM>/<NUM>/<NUM>"),
    ("attempt_1445144423722_0020_m_000000_0 started", "<ID> started"),
    ("Block rdd_2_3 stored on msra-sa-41", "Block <ID> stored on <ID>"),
    # An upper-case event code whose digit counts (a 4-way handshake) is a word; an id's digits are not.
    ("wlan0: EAPOL-4WAY-HS-COMPLETED ticket JIRA-1234 SN-4F7A21 AB-2CD",
     "wlan0: EAPOL-4WAY-HS-COMPLETED ticket <ID> <ID> <ID>"),
    ("uid=0 tty=:0 user=root ruser= rhost=1.2.3.4", "uid=<NUM> tty=<VAL> user=root ruser= rhost=<IP>"),
    ("PendingReds:1 CPU#0 (pid 42) version v2.0.1", "PendingReds:<NUM> CPU#<NUM> (pid <NUM>) version <NUM>"),
    ("ipv4 ssh2 tty2 HTTP/1.1 -5", "ipv4 ssh2 tty2 HTTP/<NUM> <NUM>"),
    ("loss 1.23e-05 lr 3E+02 x=2.5e10 t -1e3", "loss <NUM> lr <NUM> x=<NUM> t <NUM>"),
    ("org.apache.hadoop.AmIpFilter job.xml mapred.tip.id", "org.apache.hadoop.AmIpFilter <PATH> mapred.tip.id"),
    ("", ""),
])
def test_default_rules_examples(text, expected):
    assert M.mask(text) == expected


def test_a_file_name_is_a_path_with_or_without_directories_and_hosts_classes_versions_stay():
    # Lint and test runners name the file a message is about: eight files must not make eight templates.
    assert M.mask("src/components/Panel0.tsx:10:5: 'x' is assigned a value but never used") == \
        "<PATH>:<NUM>:<NUM>: 'x' is assigned a value but never used"
    assert M.mask("warning in Panel7.tsx line 4, see README.md and app/models.py:3:1.") == \
        "warning in <PATH> line <NUM>, see <PATH> and <PATH>:<NUM>:<NUM>."
    # A test file's dotted name is no host (api0.test.ts looked like one).
    assert M.mask("PASS src/api/api0.test.ts (3.2 s) FAIL src/util/date7.spec.js api1.test.ts") == \
        "PASS <PATH> (<DURATION> s) FAIL <PATH> <PATH>"
    assert M.mask("at org.apache.Foo.bar(Foo.java:123) in org.mortbay.log java.class.path") == \
        "at org.apache.Foo.bar(<PATH>:<NUM>) in org.mortbay.log java.class.path"
    assert M.mask("to db.example.com web01.prod.local 62.99.164.82.sh.inode.at version 1.2.3 org.apache.Foo") == \
        "to <HOST> <HOST> <HOST> version <NUM> org.apache.Foo"
    assert M.mask("as application/json or image/svg+xml via k8s.io/api/core/v1.Pod") == \
        "as application/json or image/svg+xml via k8s.io/api/core/v1.Pod"


def test_a_package_version_with_a_revision_or_build_is_one_number_not_a_clock_or_a_sum_of_parts():
    # A package manager's log names thousands of versions: their suffixes must not make a template each.
    assert M.mask("status installed libc-bin:amd64 2.36-9+deb12u10") == "status installed libc-bin:amd64 <NUM>"
    assert M.mask("upgrade libsystemd0:amd64 252.36-1~deb12u1 252.38-1~deb12u1") == \
        "upgrade libsystemd0:amd64 <NUM> <NUM>"
    assert M.mask("x 1.2+nmu1, 2.1+dfsg+~1.3-1 2025b-0+deb12u1 1:2.3-4+b1 v 1.0.0-rc.1+build.5.") == \
        "x <NUM>, <NUM> <NUM> <NUM> v <NUM>."
    # Without "+" or "~" a version keeps its parts; a clock with a zone stays a time.
    assert M.mask("upgrade x 252.36-1 at 09:14:02+0000 or 14:02:03.123+02:00") == \
        "upgrade x <NUM>-<NUM> at <DATETIME> or <DATETIME>"


def test_a_version_with_a_letter_suffix_or_a_build_tag_is_one_number_and_a_unit_stays():
    # Three dotted numbers and a suffix or a "-" tag are one version, not a number and a word (1.1.1k) or two.
    assert M.mask("OpenSSL 1.1.1k, ntpd 4.2.8p15, Apache/2.4.57a, v1.2.3rc1 on 5.15.0-91-generic") == \
        "OpenSSL <NUM>, ntpd <NUM>, Apache/<NUM>, <NUM> on <NUM>"
    assert M.mask("nginx 1.24.3-1ubuntu2 crowdsec v1.5.2-debian-11-linux (4.4.3-P1) 1.0.0-rc.1.") == \
        "nginx <NUM> crowdsec <NUM> (<NUM>) <NUM>."
    # A number and its unit has one dot; a range of addresses, a version ending in "-" and digits alone after "-"
    # keep their parts, as a version of one dot does (a package manager's 1.2.3-4 beside 252.36-1).
    assert M.mask("speed 1.5x in 10ms, 3.5GB, 2h; 10.0.0.0-10.255.255.255 1.2.3- 1.2.3-4 252.36-1") == \
        "speed 1.5x in <DURATION>ms, <SIZE>, <DURATION>h; <IP>-<IP> <NUM>- <NUM>-<NUM> <NUM>-<NUM>"


def test_a_sum_or_a_range_of_plain_numbers_is_no_version():
    # Numbers joined by "+" or "~" with no dot before (arithmetic, a jitter range) keep their parts and units.
    assert M.mask("retry 3+1 times, jitter 100~200ms, used 10MB+5MB") == \
        "retry <NUM>+<NUM> times, jitter <NUM>~<DURATION>ms, used 10MB+<SIZE>"
    assert M.mask("java 17.0.9+9-LTS, ca 20230311+deb12u1, kmod 30+20221128-1, x 15+248+deb12u1.") == \
        "java <NUM>, ca <NUM>, kmod <NUM>, x <NUM>."


def test_numbers_only_as_whole_tokens():
    assert M.mask("abc123 123abc a_1 x1.5") == "abc123 123abc <ID> x1.5"
    assert M.mask("error 42, code=7;") == "error <NUM>, code=<NUM>;"


def test_numbers_grouped_in_thousands_are_one_number_and_lists_stay_lists():
    # Java's %,d (Cassandra's "in 1,234ms", Druid's "memory [1,073,741,824]").
    assert M.mask("memory [1,073,741,824] in 1,234ms, 2,048 KB, -1,000.5 rows") == \
        "memory [<NUM>] in <DURATION>ms, <SIZE>, <NUM> rows"
    assert M.mask("ids [1,2,3] 5,1,234 12345,678 1,5 1,234,5678 1,234,5 0,125") == (
        "ids [<NUM>,<NUM>,<NUM>] <NUM>,<NUM>,<NUM> <NUM>,<NUM> <NUM>,<NUM> <NUM>,<NUM>,<NUM> <NUM>,<NUM>,<NUM> "
        "<NUM>,<NUM>")
    # A dotted version after a comma is no fraction of a grouped number (it left digits unmasked).
    assert M.mask("versions 99,120.0.6099.71 and 2,345.1.2") == "versions <NUM>,<NUM> and <NUM>,<NUM>"
    # Two runs alone in parentheses are a pair, as the "(0,0)" beside them (Aerospike's ticker); a count keeps its unit.
    assert M.mask("bulk (0,0) ctrl (963,926) rw (1,234 rows) (1,234,567)") == (
        "bulk (<NUM>,<NUM>) ctrl (<NUM>,<NUM>) rw (<NUM> rows) (<NUM>)")
    texts = ["in 1,234ms", "in 9,876ms", "in 1,2345ms", "x 5,1,234", "x 5,9,876", "v 9,120.0.6099.71", "c (963,926)",
             "c (0,0)"]
    assert M.mask_many(texts) == [M.mask(t) for t in texts]


def test_a_comma_after_a_time_before_a_dotted_number_ends_the_time():
    # A CSV record writes a time and then an address (09:30:00,10.10.5.20): the comma and the address' first part
    # were read as the time's fraction, leaving "<DATETIME>.10.5.20". A comma fraction before a space stays the time's.
    texts = ["1,2023/05/10 09:30:00,10.10.5.20,vsys1", "at 09:30:00,5.2.1 done", "2024-01-01 10:02:11,123 INFO"]
    assert masked_alike(M, texts) == ["<NUM>,<DATETIME>,<IP>,vsys1", "at <DATETIME>,<NUM> done",
                                      "<DATETIME> INFO"]


def test_a_zone_name_and_gos_monotonic_clock_after_an_offset_are_part_of_the_time():
    # Go's time.Time prints "+0000 UTC m=+0.012"; the name and m= stayed literal, "m=<NUM>" in every template.
    assert M.mask("olderThan=2024-01-30 08:05:27.33 +0000 UTC m=+37810.27599, delete=true") == (
        "olderThan=<DATETIME>, delete=true")
    assert M.mask("reconciledAt: 2024-03-21 09:10:06 -0700 MST, expiry: 3m0s").startswith("reconciledAt: <DATETIME>,")
    # A level after the offset is the next field, not a zone.
    assert M.mask("2024-03-21 09:10:06 +0000 ERROR failed") == "<DATETIME> ERROR failed"
    # Nor is a status or a method: only the names tzdata writes are zones.
    assert M.mask("backup 2024-03-21 09:10:06 +0000 FAIL, sent 2024-03-21 09:10:06 +0200 GET /x") == (
        "backup <DATETIME> FAIL, sent <DATETIME> GET /x")
    assert M.mask("at 2024-03-21 09:10:06 +1100 AEDT, 2024-03-21 09:10:06 +0100 CET m=+0.5") == (
        "at <DATETIME>, <DATETIME>")


def test_an_offset_after_a_time_that_opens_with_a_month_is_part_of_it():
    # "May 5, 2024 10:00:00 +0000" masked the date and time and left the offset a number ("<DATETIME> <NUM>"), as
    # git's "Tue May 5 10:00:00 +0000 2024" left the offset and the year: the ISO form took its offset all along.
    for text in ("May 5, 2024 10:00:00 +0000", "Tue May 5 10:00:00 +0000 2024", "2024-05-05 10:00:00 +0000",
                 "Tue May 5 10:00:00 2024", "May 5 10:00:00 -05:00"):
        assert M.mask(f"pushed {text} by ci") == "pushed <DATETIME> by ci", text


def test_a_full_stop_after_a_path_ends_the_sentence_not_the_path():
    # The period stays a constant of the template, as Loghub-2.0 writes "... <*>." (it was part of <PATH>).
    assert M.mask("Deleted log /var/lib/kafka/data/orders-1/0000.log.deleted.") == "Deleted log <PATH>."
    assert M.mask("see ./conf/x.yml.") == "see <PATH>."
    # Before more words it may be the file's: Loghub-2.0 reads HDFS' as part of the value ("allocateBlock: <*> <*>").
    assert M.mask("allocateBlock: /user/rand/part-00590. blk_-17") == "allocateBlock: <PATH> <ID>"
    # Before a capitalised word it ends a sentence that the word starts (gvmd's "... at /run/x.sock. Trying again").
    assert M.mask("lost the scanner at /run/ospd/ospd-openvas.sock. Trying again") == (
        "lost the scanner at <PATH>. Trying again")
    # A dot after "/" or "." is the path's own.
    assert M.mask("in /a/b/. and ../.. and /a/.hidden/b.") == "in <PATH> and <PATH> and <PATH>."
    # An ellipsis after a name is the sentence's, as systemd writes "Starting ... from /etc/fstab..." and its
    # "Finished ... from /etc/fstab.": the path was <PATH> in one and <PATH>. in the other.
    assert M.mask("Starting Discard unused blocks on filesystems from /etc/fstab...") == (
        "Starting Discard unused blocks on filesystems from <PATH>...")
    assert M.mask("Mounting /run/user/1000... done") == "Mounting <PATH>... done"
    assert M.mask("ls /a/b/... and /a/.../b") == "ls <PATH> and <PATH>"


def _masking_seconds(text: str) -> float:
    """Best of three CPU times to mask ``text`` with a fresh masker (a masker keeps the forms it made); CPU time, as
    a loaded machine stretches wall time, not the work."""
    times = []
    for _ in range(3):
        masker = Masker()
        start = time.process_time()
        masker.mask(text)
        times.append(time.process_time() - start)
    return min(times)


def test_a_long_run_of_dots_after_a_path_takes_linear_time():
    # The ellipsis test read the run of dots to its end at every dot of it: 160,000 dots after "/a" took 7 s.
    short, long = (_masking_seconds("/a" + "." * n + "x") for n in (10_000, 80_000))
    assert long < 16 * short, (short, long)


def test_a_long_run_of_words_after_colons_takes_linear_time():
    # Every "word: " may open a piped item's value, and each was read to the line's end: 65,536 characters of
    # "ab: " took 7 s.
    short, long = (_masking_seconds("ab: " * n) for n in (2_000, 16_000))
    assert long < 16 * short, (short, long)


def test_module_level_mask_uses_default_rules():
    assert mask("port 22") == "port <NUM>"


def test_mask_many_matches_mask_and_keeps_order_and_duplicates():
    texts = ["a 1", "b 2", "a 1", "", "c 0x1"]
    assert M.mask_many(texts) == [M.mask(t) for t in texts]
    assert M.mask_many(iter(texts)) == [M.mask(t) for t in texts]


def test_mask_many_shares_work_between_digits_the_rules_cannot_tell_apart_and_keeps_the_originals():
    # 7 and 9 are alike for every rule, 255 and 256 are not (an IPv4 octet),
    # and digits a rule leaves alone must come back as written.
    texts = ["ssh7 port 7", "ssh9 port 9", "from 10.0.0.255", "from 10.0.0.256", "tty4 up 4 KB", "tty3 up 3 KB",
             "v9.9 x1.7 e9 9e 99999999f", "é 7 \ud800 9 ü"]
    got = M.mask_many(texts)
    assert got == [M.mask(t) for t in texts]
    assert got[:2] == ["ssh7 port <NUM>", "ssh9 port <NUM>"]
    assert got[2] != got[3]


def test_mask_many_runs_the_rules_once_per_masked_form_even_where_digits_stay():
    # The regex is most of masking's time: one pass gives both the masked text and the spans kept for digits left.
    masker, passes = Masker(), []
    regex = masker._regex

    class Counting:
        def __getattr__(self, name):
            passes.append(name)
            return getattr(regex, name)

    masker._regex, masker._sub = Counting(), lambda *a: passes.append("sub") or regex.sub(*a)
    texts = ["ssh7 port 7", "ssh8 port 8", "up 4 KB"]
    assert masker.mask_many(texts) == [M.mask(t) for t in texts] == ["ssh7 port <NUM>", "ssh8 port <NUM>", "up <SIZE>"]
    assert len(passes) == 2  # two masked forms, the digit of ssh7 kept as written


def test_digit_classes_come_from_the_rules_whatever_they_are():
    five = Masker([MaskRule("five", r"5\d", "<FIVE>")])
    assert five.mask_many(["51 61 15", "52 62 16"]) == ["<FIVE> 61 15", "<FIVE> 62 16"]
    pairs = Masker([MaskRule("low", r"[0-3](?=[4-6])", "<L>"), MaskRule("nine", r"(?<=9)[0-9]", "<N>")])
    texts = ["14 25 36 47 99 98 89", "04 35 26 57 97 91 19", "33 66 90 09"]
    assert pairs.mask_many(texts) == [pairs.mask(t) for t in texts]
    # A rule that needs a "." tells digits apart only in texts that have one; case folding
    # (the Kelvin sign matches k) leaves a rule without such a claim.
    guarded = Masker([MaskRule("dot5", r"\.5", "<D5>"), MaskRule("k5", r"(?i:k)5", "<K5>"),
                      MaskRule("n", r"\d+", "<N>")])
    texts = ["a .5 .6 5", "a .6 .5 6", "b 5 6", "b 6 5", "\u212a5 \u212a6 k5", "\u212a6 \u212a5 K6"]
    assert guarded.mask_many(texts) == [guarded.mask(t) for t in texts]
    digit_placeholder = Masker([MaskRule("n", r"\d+", "<N2>")])
    assert digit_placeholder.mask_many(["a1 7", "a2 8"]) == ["a1 <N2>", "a2 <N2>"]


def test_a_colon_or_dot_away_from_digits_leaves_the_digits_alike():
    # A clock (10:20:30), an IPv4 octet (.255) or an IPv6 address's dotted tail (::ffff:10.0.0.255) tells digits
    # apart only where its ':' or '.' touches a digit, so "sent: 60" and "sent: 70" share one masked form.
    forms = Masker()._digits
    texts = ["STAN 623939 sent: withdrawal 60 EUR", "STAN 115366 sent: withdrawal 20 EUR",
             "usage: 45%. 3 files", "usage: 97%. 8 files", "at 10:20:30", "at 19:29:39"]
    keys = forms.keys(texts)
    assert keys[0] == keys[1] and keys[2] == keys[3] and keys[4] != keys[5]
    assert keys == [forms.keys([t])[0] for t in texts]  # one text at a time: the same keys
    edges = ["", "1/2", "", "x 7", "a:5 ", ""]  # empty texts, the last one too, among marked ones
    assert forms.keys(edges) == [forms.keys([t])[0] for t in edges]
    tricky = ["at 10:20:30 up", "at 19:29:39 up", "::ffff:10.0.0.255 ok", "::ffff:10.0.0.256 ok", "fe80::1:255",
              "fe80::1:256", "x ::ffff:\u0663.0.0.1", "x ::ffff:3.0.0.1", "Tue Jan 16 08:50:00 UTC 2024",
              "Tue Jan 16 08:50:00 UTC 3024", "a 0x1f 1x1f", '"GET / HTTP/1.1" 404 7', '"GET / HTTP/1.1" 504 7']
    assert Masker().mask_many(tricky) == [M.mask(t) for t in tricky]
    # A part that folds case makes no claim, whatever it holds: the Kelvin sign matches k.
    kelvin = Masker([MaskRule("k5", r"[xy](?i:k(?:5))", "<KF>"), MaskRule("n", r"\d+", "<N>")])
    texts = ["x\u212a5 x\u212a6", "x\u212a6 x\u212a5", "xk5 7"]
    assert kelvin.mask_many(texts) == [kelvin.mask(t) for t in texts]
    # Nor is a folded non-ASCII class a digit next to a ':': it matches k and s too.
    for rule in (r":(?i:[\u212a\u017f])5", r"x(?i:[\u212a\u017f]):y5"):
        folded = Masker([MaskRule("r", rule, "<A>")])
        assert folded.mask_many([":k5", "xk:y5"]) == [folded.mask(":k5"), folded.mask("xk:y5")] != [":k5", "xk:y5"]


def test_a_part_s_digits_count_only_where_the_rule_around_it_can_match_too():
    # A part's own needs ("2:" a digit then ":") guard its digits only with the rule's ("#"): a text without
    # "#" has its digits alike however many "2:" it holds, one masked form, and a text with both is as before.
    masker = Masker([MaskRule("tag", r"#\.\w+(?:@v2:\w+)?", "<TAG>"), MaskRule("n", r"\d++", "<N>")])
    keys = masker._digits.keys(["STAN 12: 3", "STAN 13: 4", "#.a@v2:b 12: 3", "#.a@v3:b 12: 3"])
    assert keys[0] == keys[1] and keys[2] != keys[3]
    texts = ["#.a@v2:b 2: 3", "#.a@v3:b 2: 3", "#.a@v2:b 3: 3", "x@v2:b 12: 3"]
    assert masker.mask_many(texts) == [masker.mask(t) for t in texts] == [
        "<TAG> <N>: <N>", "<TAG>@v3:b <N>: <N>", "<TAG> <N>: <N>", "x@v2:b <N>: <N>"]
    # The default rules: an image's "sha256:" counts only with a "." (a journal's "STAN 205202: 00 approved").
    forms = Masker()._digits
    assert len(set(forms.keys(["STAN 205202: 00 approved", "STAN 213111: 00 approved"]))) == 1


def test_digits_inside_a_long_run_are_alike_where_no_rule_tests_that_place():
    # An IPv4 octet's 25[0-5] tests a run's first three digits, a code's [A-Z][1-9] its first: a block id's inner
    # digits and zeros (HDFS' blk_-1608999687919862906 beside an address) are tested by no rule, one masked form.
    forms = Masker()._digits
    ids = ["Received blk_-1608999687919862906 of size 67108864 from /10.250.10.6",
           "Received blk_-1608999607919862906 of size 67100864 from /10.250.10.6",
           "id 1000000255 at 10.0.0.1", "id 1000000256 at 10.0.0.1"]
    keys = forms.keys(ids)
    assert keys[0] == keys[1] and keys[2] == keys[3]
    assert keys == [forms.keys([t])[0] for t in ids]  # one text at a time: the same keys
    # Where a rule tests the digit, it stays apart: an octet's last digit, a code's first digit after a capital.
    tested = ["from /10.250.10.255 ok", "from /10.250.10.256 ok", "ID-A0_x up", "ID-A1_x up", "ID-A10 up",
              "ID-A11 up", "v 1.2.255.0", "v 1.2.256.0"]
    keys = forms.keys(tested)
    assert keys[0] != keys[1] and keys[2] != keys[3] and keys[4] == keys[5] and keys[6] != keys[7]
    assert M.mask_many(ids + tested) == [M.mask(t) for t in ids + tested]
    assert M.mask("from /10.250.10.255 ok") == "from <IP> ok" != M.mask("from /10.250.10.256 ok")
    # A rule's own look-arounds bound a run: after (?<=:) or (?<!\w) no digit stands before, before (?!\w) none after.
    rules = [MaskRule("tail", r"(?<=:)7\d(?!\w)", "<T>"), MaskRule("n", r"\d++", "<N>")]
    texts = [":71 x17 :712", ":71 x18 :812", ":81 x17 :712"]
    keys = Masker(rules)._digits.keys(texts)
    assert keys[0] == keys[1] != keys[2]
    assert Masker(rules).mask_many(texts) == [Masker(rules).mask(t) for t in texts] == [
        ":<T> x17 :<N>", ":<T> x18 :<N>", ":<N> x17 :<N>"]


def test_rules_that_need_the_same_characters_share_one_guard(monkeypatch):
    # The default rules hold more than 8 guarded rules (four of them need a '"'); keyed in one NumPy pass
    # they must be, for that pass takes at most 8 guards, and a text at a time is 6x slower.
    joined = []
    real = masking._DigitForms._joined_keys
    monkeypatch.setattr(masking._DigitForms, "_joined_keys",
                        lambda self, texts, data: joined.append(len(texts)) or real(self, texts, data))
    texts = ['a "x 12" at 10:20 from 10.0.0.255', 'a "x 13" at 10:21 from 10.0.0.256', "0x1F len 7", "b 7"]
    assert Masker().mask_many(texts) == [M.mask(t) for t in texts]
    assert joined == [4]
    nine = Masker([MaskRule(f"colon{d}", rf"{d}:\d", f"<{'ABCDEFGHI'[d]}>") for d in range(9)])
    texts = ["0:1 8:2", "1:1 8:3", "5 6"]
    assert nine.mask_many(texts) == [nine.mask(t) for t in texts] == ["<A> <I>", "<B> <I>", "5 6"]
    assert joined == [4, 3]


# --- properties ---------------------------------------------------------------

# Constant words: lower-case, not units (ms, kb, ...) nor month names.
WORDS = st.sampled_from(["error", "user", "connection", "from", "to", "closed", "block", "served",
                         "node", "failed", "request", "for", "port", "state", "ok", "the", "invalid"])
OCTET = st.integers(0, 255)
IPV4 = st.tuples(OCTET, OCTET, OCTET, OCTET, st.none() | st.integers(1, 65535)).map(
    lambda t: (".".join(map(str, t[:4])) + ("" if t[4] is None else f":{t[4]}"),
               "<IP>" if t[4] is None else "<IP>:<NUM>"))
NUMBER = st.one_of(st.integers(-10**12, 10**12).map(str),
                   st.floats(0, 1e6, allow_nan=False).map(lambda f: f"{f:.3f}"))
UUID = st.uuids().map(str)
HEX = st.integers(0, 2**64).map(hex)
VARIABLES = st.one_of(IPV4, NUMBER.map(lambda v: (v, "<NUM>")),
                      UUID.map(lambda v: (v, "<UUID>")), HEX.map(lambda v: (v, "<HEX>")))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(WORDS.map(lambda w: (w, w)), VARIABLES), min_size=1, max_size=12))
def test_placeholders_replace_exactly_the_variables(parts):
    text = " ".join(p[0] for p in parts)
    assert M.mask(text) == " ".join(p[1] for p in parts)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_never_raises_and_is_idempotent_on_any_text(text):
    once = M.mask(text)
    assert isinstance(once, str)
    assert M.mask(once) == once


LOGGY = st.lists(st.one_of(WORDS, VARIABLES.map(lambda v: v[0]),
                           st.sampled_from(["key=val", "a=b:c", "(x)", "[1]", "/a/b", "x.y.com", "::", "5 ms",
                                            "Jul 4 10:00:00", "=", "<NUM>", "0x", "-", "blk_", "v1.2"])),
                 max_size=15).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(LOGGY)
def test_idempotent_on_log_like_text(text):
    once = M.mask(text)
    assert M.mask(once) == once


@pytest.mark.parametrize("text", ["4/b/c", "copied 9~/f", "_64731-8./ce42", "1/b-Y/[~", "--3;Y5-4207Z1::"])
def test_no_variable_starts_right_after_a_placeholder(text):
    # A variable glued after a value (a path after "4") is not one after the value's placeholder ("<NUM>/b/c") either.
    once = M.mask(text)
    assert M.mask(once) == once


def test_a_word_after_a_placeholder_named_tag_is_masked():
    assert M.mask("<ID>42</ID>") == "<ID><NUM></ID>"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(LOGGY, st.text(max_size=40)), max_size=8))
def test_mask_many_is_mask_on_each_text(texts):
    # Texts that differ in a few digits share their masked form; all come out as mask() makes them.
    texts = texts + [t.translate(str.maketrans("0123456789", "9876543210")) for t in texts]
    assert M.mask_many(texts) == [M.mask(t) for t in texts]


def naive_mask(rules, text):
    """Reference: every rule tried, in order, at every boundary (no grouping by first character)."""
    regex = re.compile(r"(?<!\w)(?:" + "|".join(f"({r.pattern})" for r in rules) + ")")
    return regex.sub(lambda m: rules[m.lastindex - 1].placeholder, text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(LOGGY, st.text(max_size=120)))
@example("0=\x1b")  # a control character that \s does not match can start a value
def test_fast_compilation_equals_naive_alternation(text):
    # Checks the grouping by first character and the plain_words promises of the default rules.
    assert M.mask(text) == naive_mask(DEFAULT_RULES, text)


def test_uuid_sample():
    u = str(uuid.UUID(int=0x1234567890ABCDEF1234567890ABCDEF))
    assert M.mask(f"id {u}") == "id <UUID>"


# --- editing rule sets ------------------------------------------------------------

def test_earlier_rule_wins_and_reordering_changes_it():
    text = "took 5ms"
    assert M.mask(text) == "took <DURATION>ms"
    num_first = M.reordered(["num"])
    assert num_first.names[0] == "num"
    # At the same position, num now comes first but cannot match "5ms" as a whole token.
    assert num_first.mask(text) == "took <DURATION>ms"
    ident = MaskRule("anything", r"\d+ms", "<MS>", plain_words=False)
    assert M.with_rule(ident).mask(text) == "took <MS>"
    assert M.with_rule_last(ident).mask(text) == "took <DURATION>ms"
    assert M.with_rule(ident, before="duration").mask(text) == "took <MS>"


def test_without_and_errors():
    assert M.without("ipv4").mask("from 1.2.3.4") == "from <NUM>"
    assert "ipv4" not in M.without("ipv4").names
    with pytest.raises(KeyError):
        M.without("nope")
    with pytest.raises(KeyError):
        M.with_rule(MaskRule("x", "x", "<X>"), before="nope")
    with pytest.raises(KeyError):
        M.reordered(["nope"])


def test_with_rule_replaces_same_name():
    m = M.with_rule(MaskRule("num", r"\d+", "<N>", plain_words=False), before="kv")
    assert m.names.count("num") == 1
    assert m.mask("a 12") == "a <N>"


def test_user_rule_at_plain_words_and_ignorecase():
    user = MaskRule("user", r"(?<=user )[a-z]+", "<USER>")  # starts at a plain word
    assert M.with_rule(user).mask("session opened for user cyrus by root") == \
        "session opened for user <USER> by root"
    shout = MaskRule("shout", r"(?i:hello)", "<HI>")
    assert Masker([shout]).mask("HeLLo there, hello") == "<HI> there, <HI>"


@pytest.mark.parametrize("bad", [
    dict(name="a b", pattern="x", placeholder="<X>"),
    dict(name="cap", pattern="(x)", placeholder="<X>"),
    dict(name="empty", pattern="x*", placeholder="<X>"),
    dict(name="broken", pattern="(", placeholder="<X>"),
    dict(name="flags", pattern="(?i)x", placeholder="<X>"),
    # Failures re.compile raises outside re.error.
    dict(name="huge", pattern="a{99999999999}", placeholder="<X>"),
    dict(name="deep", pattern="(?:" * 2000 + "a" + ")" * 2000, placeholder="<X>"),
])
def test_invalid_rules_are_rejected(bad):
    with pytest.raises(ValueError):
        MaskRule(**bad)


def test_duplicate_rule_names_are_rejected():
    with pytest.raises(ValueError):
        Masker([MaskRule("a", "x", "<X>"), MaskRule("a", "y", "<Y>")])


def test_empty_rule_set_is_identity():
    assert Masker([]).mask("1.2.3.4") == "1.2.3.4"
    assert Masker([]).mask_many(["a", "b"]) == ["a", "b"]


def test_dict_and_json_round_trip():
    custom = M.with_rule(MaskRule("user", r"(?<=user )\w+", "<USER>"))
    data = json.loads(json.dumps(custom.to_dict()))
    back = Masker.from_dict(data)
    assert back == custom and back.names == custom.names
    assert Masker.from_json(custom.to_json()) == custom
    text = "session for user bob from 10.0.0.1 took 5 ms"
    assert back.mask(text) == custom.mask(text) == "session for user <USER> from <IP> took <DURATION> ms"


def test_default_rule_names_are_unique_and_placeholders_typed():
    names = [r.name for r in DEFAULT_RULES]
    assert len(names) == len(set(names))
    assert all(r.placeholder.startswith("<") and r.placeholder.endswith(">") for r in DEFAULT_RULES
               if r.placeholder is not None)


def test_an_http_status_after_a_request_line_keeps_its_class():
    line = '10.0.0.7 - - [01/Dec/2026:10:00:00 +0000] "GET /api/items/71 HTTP/1.1" {} 9151 "-" "curl/8.4"'
    masker = Masker()
    masked = masker.mask_many([line.format(code) for code in (200, 204, 302, 404, 503, 101)])
    assert [m.split('" ')[1].split()[0] for m in masked] == ["<HTTPOK>", "<HTTPOK>", "<HTTPREDIRECT>",
                                                              "<HTTPCLIENTERR>", "<HTTPSERVERERR>", "<HTTPINFO>"]
    assert masked == [masker.mask(line.format(code)) for code in (200, 204, 302, 404, 503, 101)]
    # Elsewhere a number is a number, and HTTP/2 without a minor version counts too.
    assert masker.mask("retry 500 times") == "retry <NUM> times"
    assert masker.mask('"POST /x HTTP/2" 500 0') == '"POST /x HTTP/<NUM>" <HTTPSERVERERR> <NUM>'


def test_a_run_of_slashed_numbers_is_no_date_however_its_digits_fall():
    masker = Masker()
    # HAProxy's timers (Tq/Tw/Tc/Tr/Tt): one masked form whatever the values, no date inside them.
    timers = ["web_back/web2 2/0/1/72/75 200", "web_back/web2 3/0/1/4/8 200", "web_back/web2 0/0/12/1/13 200"]
    assert set(masker.mask_many(timers)) == {"web_back/web2 <NUM>/<NUM>/<NUM>/<NUM>/<NUM> <NUM>"}
    assert masker.mask("due 12/31/2025, paid 1/5/26 10:00:00") == "due <DATETIME>, paid <DATETIME>"


def test_a_spelled_out_date_with_its_year_is_one_time_and_a_month_without_one_stays():
    # z/OS's "ON SUNDAY, JANUARY 14, 2024" was "ON SUNDAY, JANUARY <NUM>, <NUM>": one event per weekday and month.
    assert M.mask("LAST ACCESS AT 12:07:05 ON SUNDAY, JANUARY 14, 2024") == "LAST ACCESS AT <DATETIME> ON <DATETIME>"
    assert M.mask("on January 14, 2024, Jan 3, 1999. and Sunday, January 14, 2024") == \
        "on <DATETIME>, <DATETIME>. and <DATETIME>"
    assert M.mask("since 14 January 2024 and Sun, 3 Mar 2024 10:00:01 +0000 ok") == \
        "since <DATETIME> and <DATETIME> ok"
    # A month alone, or a day and a month without a year, may name a constant; a year that goes on is none.
    assert M.mask("in January, May 5, Monday 5 items, 12 Dec 2024.5") == \
        "in January, May <NUM>, Monday <NUM> items, <NUM> Dec <NUM>"
    texts = ["ON SUNDAY, JANUARY 14, 2024", "ON MONDAY, JANUARY 15, 2024", "x 1 May 2024", "x 12 May 1999"]
    assert M.mask_many(texts) == [M.mask(t) for t in texts] == ["ON <DATETIME>"] * 2 + ["x <DATETIME>"] * 2
    # ESXi's hostd writes a comma after the month too: "Monday, <NUM> March, <NUM> ..." was one event per weekday.
    texts = ["(login time: Monday, 04 March, 2024 01:31:59 AM, n: 5)", "(login time: Friday, 1 May, 2026 11:00:00 PM)"]
    assert M.mask_many(texts) == [M.mask(t) for t in texts] == ["(login time: <DATETIME> AM, n: <NUM>)",
                                                                "(login time: <DATETIME> PM)"]


def test_an_erlang_process_id_is_one_id():
    # ejabberd's "(tls|<0.1117.0>)" was "(tls|<<NUM>>)": a number in brackets, not the process it names.
    assert M.mask("<0.675.0>@ejabberd_config:load (tls|<0.1117.0>) pid=<0.9.0> ok") == \
        "<ID>@ejabberd_config:load (tls|<ID>) pid=<ID> ok"
    # Only three integers in angle brackets: a version, two parts or an address are no pid.
    assert M.mask("v 0.1.0 <0.1> <10.0.0.1>") == "v <NUM> <<NUM>> <<IP>>"


def test_a_value_of_words_joined_by_underscores_or_hyphens_names_a_mode():
    masker = Masker()
    assert masker.mask("action=order_created region=eu-west id=a_1 tty=:0") == \
        "action=order_created region=eu-west id=<ID> tty=<VAL>"


def test_a_random_looking_token_is_an_id_and_a_name_with_a_version_is_not():
    masker = Masker()
    # Exim's message ids, a Slack user, a base62 request id, an Elasticsearch index uuid: one form each.
    assert set(masker.mask_many(["1tXyZa-0004Kp-2B Completed", "1ausyw-ng8vCc-QD Completed"])) == {"<ID> Completed"}
    assert masker.mask("user U024BE7LH joined req Xk3j9aQ2LmN7 [logs/Xy3kP0aQRm2Kf1b9ZpQe_w]") == \
        "user <ID> joined req <ID> [logs/<ID>]"
    # After a number and its dash too (or with them, where the whole token is random-looking), but not inside a
    # word joined by dashes.
    assert masker.mask("job 20240312-Xk9pQ2mZ7 v1.2-14-gAb3De9F ref -Ab3De9Fg2Hk") == \
        "job <ID> <NUM>-<NUM>-<ID> ref -<ID>"
    names = "log4j2 utf8mb4 SHA256withRSA PKCS5Padding v1alpha1 Http2Stream IPv4Address ubuntu2204 3rd-party"
    assert masker.mask(names) == names


def test_a_go_duration_with_its_larger_units_is_one_duration():
    # Its last unit too: it comes with the larger ones, which vary with the value, so the span is the value whole
    # (remaining <*>); a lone unit stays, the message's constant (took <DURATION>ms).
    masker = Masker()
    assert masker.mask("took 1m20.5s, then 2h3m4s, then 5 ms; time=1m2.5s room 2h3, in 10m0s.") == \
        "took <DURATION>, then <DURATION>, then <DURATION> ms; time=<DURATION> room 2h3, in <DURATION>."
    assert masker.mask("took 20.5s, then 3ms, waited 1h30m") == \
        "took <DURATION>s, then <DURATION>ms, waited <DURATION>m"


def test_a_systemd_timespan_with_spaces_is_one_duration():
    masker = Masker()
    assert masker.mask("valid for 1h 30min, preferred for 45min 10.5s; 2d 3h left") == \
        "valid for <DURATION>min, preferred for <DURATION>s; <DURATION>h left"
    # A number after a duration that is no duration stays apart, and so do durations of one unit (a list).
    assert masker.mask("waited 5s 3 times") == "waited <DURATION>s <NUM> times"
    assert masker.mask("backoff 1s 2s 4s") == "backoff <DURATION>s <DURATION>s <DURATION>s"


def test_a_human_readable_span_in_minutes_or_seconds_is_one_duration():
    # Java's and others' spans write minutes as "m" and seconds before a smaller unit: one value, whose last unit
    # stays, so that "1s 378ms" and "378ms" give one template.
    masker = Masker()
    assert masker.mask("completed in 1s 378ms, then 378ms; every 1m 30s; took 1h 2m 3s 4ms") == \
        "completed in <DURATION>ms, then <DURATION>ms; every <DURATION>s; took <DURATION>ms"
    # Units that do not shrink are a list, and a number after one is no part of it.
    assert masker.mask("backoff 1s 2s, waits 1m 2m, 1s 3 times") == \
        "backoff <DURATION>s <DURATION>s, waits <DURATION>m <DURATION>m, <DURATION>s <NUM> times"


def test_a_number_before_a_key_named_like_a_unit_is_no_duration():
    # A firewall's "c=1024 m=14": the m is the next key, not the number's minutes; so are h= and s=.
    masker = Masker()
    assert masked_alike(masker, ["pri=6 c=1024 m=14 msg=x", "n=5 h=3", "took 5 m to run, 5 s, 5ms"]) == \
        ["pri=<NUM> c=<NUM> m=<NUM> msg=x", "n=<NUM> h=<NUM>", "took <DURATION> m to run, <DURATION> s, <DURATION>ms"]


def test_a_number_before_a_name_that_opens_like_a_unit_is_no_duration():
    # A resolver's "rr <id> 172800 1 ns-421.awsdns-52.com.": the record type 1 was read as "1 ns", a duration, and
    # split the lines naming such a server from the others of their event.
    masker = Masker()
    assert masked_alike(masker, ["rr c01a5c1e 172800 1 ns-421.awsdns-52.com. cdfbc1a5", "took 5 ms-ish, 5 ms."]) \
        == ["rr <HEX> <NUM> <NUM> <HOST> <HEX>", "took <NUM> ms-ish, <DURATION> ms."]


def test_a_fully_qualified_name_takes_its_root_dot():
    # DNS software writes names with the root's dot ("[example.com.] zone will be loaded", a resolver's "rr <id> 300
    # cname a.com. b.net."): the dot stayed outside the host, so templates read "[<HOST>.]" where the name is one
    # value, and a name whose last label is no known domain's (docker.io.) stayed a word.
    masker = Masker()
    lines = ["[example.com.] zone will be loaded", "rr c2001d02 300 cname deb.debian.org. a.fastly.net.",
             "rr b869b607 900 soa docker.io. ns1.docker.io. x", "relay=mx.example.com. [10.0.0.5]"]
    assert masked_alike(masker, lines) == \
        ["[<HOST>] zone will be loaded", "rr <HEX> <NUM> cname <HOST> <HOST>.", "rr <HEX> <NUM> soa <HOST> <HOST> x",
         "relay=<HOST> [<IP>]"]
    # A sentence's full stop stays the message's: at the line's end, before a capitalised word or an aside.
    assert masked_alike(masker, ["Connected to example.com. Retrying", "Received txn 6 from envs.net. (PDUs: 3)",
                                 "at org.apache.Foo. bar, see job.xml. next"]) == \
        ["Connected to <HOST>. Retrying", "Received txn <NUM> from <HOST>. (PDUs: <NUM>)",
         "at org.apache.Foo. bar, see <PATH>. next"]


def test_a_source_file_before_a_full_stop_stays_a_file():
    # A source file or script ending a sentence that more of the line follows ("Loaded foo.py. ok") was read as a
    # fully qualified name with its root dot, its extension a country's domain: "<HOST> ok" beside "<PATH>. ok" for a
    # file of another extension, one event split by the file's kind.
    masker = Masker()
    assert masked_alike(masker, ["Loaded foo.py. ok", "Loaded deploy.sh. ok", "Loaded app.json. ok"]) == \
        ["Loaded <PATH>. ok"] * 3
    assert masker.mask("soa docker.io. ns1.docker.io. x") == "soa <HOST> <HOST> x"
    # A program or a library ending a sentence is no root-dotted host either (a loader's "Loaded libfoo.so. ok").
    assert masked_alike(masker, ["Loaded libfoo.so. ok", "Loaded x.dll. ok", "Loaded app.exe. ok"]) == \
        ["Loaded libfoo.so. ok", "Loaded x.dll. ok", "Loaded app.exe. ok"]


def test_a_duration_written_with_an_exponent_is_one_duration():
    # C's and Python's %g write a large or small value with an exponent (SQLAlchemy's "[cached since 1.234e+03s
    # ago]"): "7.2e-05s" was cut at its sign ("7.2e-<DURATION>s") and "1.234e+03s" read as a version, so the
    # event's template lost its unit.
    masker = Masker()
    assert masker.mask("cached since 1.234e+03s ago, 7.2e-05s ago, 12.5s ago; took 2.5E+01 ms") == \
        "cached since <DURATION>s ago, <DURATION>s ago, <DURATION>s ago; took <DURATION> ms"
    # An exponent alone is still a number, and a hex id ending in "e3s" no duration.
    assert masker.mask("loss=1.5e-3 lr 3E+02 id 1ory71b46dbjoaba3qdh479e3s") == "loss=<NUM> lr <NUM> id <ID>"


def test_an_age_in_minutes_is_a_duration_and_a_hexadecimal_d_is_none():
    # kubectl and Go write ages and timeouts with one-letter units ("15m"): they were left in templates. A "d" is
    # no unit: "1d" is as often hexadecimal (a Ceph placement group "2.1d", a NetBIOS suffix "<1d>").
    assert Masker().mask("15m Warning BackOff; idle 40s; java -Xmx1024m; pg 2.1d name CORP<1d>") == \
        "<DURATION>m Warning BackOff; idle <DURATION>s; java -Xmx1024m; pg 2.1d name CORP<1d>"


def test_a_value_in_escaped_quotes_is_masked_inside_them():
    # Go's logfmt escapes the quotes of a quoted value's own key="value" pairs: the value is inside them.
    assert Masker().mask(r'query="{cluster=\"eu-1\", namespace=\"prod\"}" n=3') == \
        r'query="{cluster=\"<ID>\", namespace=\"prod\"}" n=<NUM>'
    # Any other backslash starts a value as before (a share, a path of its own; an escape sequence).
    assert Masker().mask(r"path=\\srv1\share sep=\t0x") == "path=<PATH> sep=<VAL>"


def test_an_email_address_is_one_variable():
    assert Masker().mask("to=<john.doe@example.com>, from=<bob@corp.example> rabbit@node1") == \
        "to=<<EMAIL>>, from=<<EMAIL>> rabbit@node1"
    assert Masker().mask("-bob@example.org +alice@example.com") == "-<EMAIL> +<EMAIL>"
    # systemd's instance units are no addresses: units.
    assert Masker().mask("getty@tty1.service wg-quick@wg0.service") == "<VAL> <VAL>"


def test_a_network_interface_with_slot_and_port_is_a_value_and_a_protocol_or_a_plain_name_stays():
    assert M.mask("Interface GigabitEthernet1/0/24, changed state to down") == "Interface <VAL>, changed state to down"
    assert M.mask("ifName ge-0/0/46, Te1/1/1.100 and xe-0/1/0:2 up") == "ifName <VAL>, <VAL> and <VAL> up"
    assert M.mask("GET /api/v1/x HTTP/1.1 on eth0 vlan10") == "GET <PATH> HTTP/<NUM> on eth0 vlan10"


def test_a_systemd_unit_is_a_value_and_a_java_property_or_a_word_stays():
    # Which unit a service manager's line is about is its parameter: one template per kind of line, not per unit.
    assert M.mask("fstrim.service: Deactivated successfully.") == "<VAL>: Deactivated successfully."
    assert M.mask("Starting apt-daily.timer, session-3.scope and user-1000.slice") == \
        "Starting <VAL>, <VAL> and <VAL>"
    assert M.mask("Reached target network-online.target - Network is Online.") == \
        "Reached target <VAL> - Network is Online."
    # A bare word before a timer or target ends a library's object as often; a Java property is no unit.
    assert M.mask("context: ngx.timer, in java.class.path, the service. x.service.d") == \
        "context: ngx.timer, in java.class.path, the service. x.service.d"
    assert M.mask("Servlet.service() for servlet [jsp] threw exception") == \
        "Servlet.service() for servlet [jsp] threw exception"
    # Nor is a Java package whose last part is a unit's type: a logger's name is a word of the event.
    assert M.mask("Bean com.example.service created by org.acme.socket") == \
        "Bean com.example.service created by org.acme.socket"


def test_a_systemd_instance_unit_with_a_colon_in_its_instance_is_a_value():
    # A device's major:minor or a backlight's subsystem:name after "@"; a colon before a unit's name still ends it.
    assert M.mask("Started lvm2-pvscan@253:0.service and systemd-backlight@backlight:acpi_video0.service") == \
        "Started <VAL> and <VAL>"
    assert M.mask("key web-03:net.tcp.service") == "key <ID>:net.tcp.service"


def test_a_name_glued_to_an_iso_date_and_time_is_one_id():
    # Run ids and file names that carry their time: the whole token varies, not pieces of the date.
    assert M.mask("run scheduled__2024-01-16T21:00:00+00:00 queued") == "run <ID> queued"
    assert M.mask("run manual__2024-01-16T23:05:11.123456+00:00, done") == "run <ID>, done"
    assert M.mask("created snapshot-2024-01-16T21:00:00Z ok") == "created <ID> ok"
    assert M.mask("wrote logs_2024-01-16T10:00:00.123.log") == "wrote <ID>.log"
    # More parts after the time, other dates among them (a segment's data source, interval and version).
    assert M.mask("segment [wiki_2024-01-13T10:00:00.000Z_2024-01-13T11:00:00.000Z_2024-01-13T09:12:03.000Z_1]") == \
        "segment [<ID>]"
    # A port after an instance name stays apart: only an ISO time ("T" and two digits) carries on.
    assert M.mask("to worker-1:8080 and part-00000:12") == "to <ID>:<NUM> and <ID>:<NUM>"


def test_a_host_with_a_path_but_no_scheme_is_one_url():
    # A proxy's requests: the URL's shape (a port, a path, a query) must not split the event.
    for url in ("fonts.gstatic.com:443/", "deb.debian.org/debian/dists/bookworm/InRelease",
                "detectportal.firefox.com/success.txt?ipv4", "www.example.com/a?b=1&c=2"):
        assert M.mask(f"Request: {url}") == "Request: <URL>", url
    assert M.mask("Fetching example.com/foo.") == "Fetching <URL>."
    # A host alone, a key before "=", a Go function or call site, and words with a "/" are no such URL.
    assert M.mask("CGI Call: config.privoxy.org:443") == "CGI Call: <HOST>:<NUM>"
    assert M.mask("eks.amazonaws.com/nodegroup=ng-1") == "<HOST>/nodegroup=<ID>"
    assert M.mask("github.com/x/y/cmd.(*T).Get(0xc0) at github.com/x/y/z.go:12") == \
        "<HOST>/x/y/cmd.(*T).Get(<HEX>) at <HOST>/x/y/z.go:<NUM>"
    assert M.mask("org.apache.Foo/bar config.yaml v1.2/ and/or 3/4 2024/01/02 req/s src/example.com/a") == \
        "org.apache.Foo/bar <PATH> <NUM>/ and/or <NUM>/<NUM> <DATETIME> req/s src/<HOST>/a"


def test_a_colon_inside_a_urls_query_keeps_the_url_whole():
    # A query's values may hold colons (RFC 3986): a deployment server's app named by colon-joined parts stays in
    # its URL, not left as a word after it; a colon before a space still ends the sentence.
    assert M.mask("from='ds.example.com:8089/services/deployment?name=default:_server_app_Web:all_outputs'") == \
        "from='<URL>'"
    assert M.mask("GET example.com/a?b=1: timed out") == "GET <URL>: timed out"


def test_an_iso_date_and_time_with_dashes_in_its_clock_is_one_time():
    # File and release names write the clock with dashes where a colon may not stand: one time, not numbers and
    # words cut out of it; a name glued before it by a dot stays (the tag's kind).
    assert M.mask("Version: RELEASE.2024-02-26T09-33-48Z (go1.21.7)") == "Version: RELEASE.<DATETIME> (go1.21.7)"
    assert M.mask("at 2024-02-26T09-33-48.123+02:00 ok") == "at <DATETIME> ok"
    # Only after the "T": a date and dashed numbers after a space are two things.
    assert M.mask("on 2024-02-26 09-33-48") == "on <DATETIME> <NUM>-<NUM>-<NUM>"


def test_a_uuid_cut_after_its_first_groups_is_one_id():
    # Cluster members named by their UUID's first groups: the whole token varies, the last group too.
    assert M.mask("to 593cc2ee-dc9f (tcp) from 4b1a01b1-a0ad, node 0ed3c24d-ecaa-1f2e") == \
        "to <HEX> (tcp) from <HEX>, node <HEX>"
    # A longer or shorter group after it is another token.
    assert M.mask("build 4b1a01b1-x86 4b1a01b1-abcde") == "build <HEX>-x86 <HEX>-abcde"
    # Before "-" and a digit the groups start a value of their own: a date after the id stays a date.
    assert M.mask("trace 3f2a1b9c-2024-01-01 and 3f2a1b9c8d-2024-01-01T10:00:00") == \
        "trace <HEX>-<DATETIME> and <HEX>-<DATETIME>"


def test_a_value_in_a_list_separated_by_semicolons_runs_to_the_next_separator():
    # sudo's audit line: the command with its arguments is one value, whatever the command.
    assert M.mask("alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt install -y nginx") == \
        "alice : TTY=<VAL> ; PWD=<PATH> ; USER=root ; COMMAND=<VAL>"
    assert M.mask("a=1 | msg=disk is full | code=5") == "a=<NUM> | msg=<VAL> | code=<NUM>"
    # A word that starts another key=value ends no value: the items are separated by spaces after all.
    assert M.mask("auth failure ; logname=bob uid=0 rhost=10.0.0.5") == \
        "auth failure ; logname=bob uid=<NUM> rhost=<IP>"
    # A ";" glued to the word before ends a sentence, not an item.
    assert M.mask("took 5 ms; time=2s room 2h3") == "took <DURATION> ms; time=<DURATION>s room 2h3"
    # A value with no space, and one outside such a list, keep their types.
    assert M.mask("x ; COMMAND=/bin/bash") == "x ; COMMAND=<PATH>"
    assert M.mask("COMMAND=/usr/bin/apt install") == "COMMAND=<PATH> install"


def test_a_value_in_a_list_of_key_colon_items_separated_by_pipes_runs_to_the_next_item():
    # A monitor's record: the failure's text is the "Failing:" item's value, one token whatever its words, so one
    # event did not split by reason.
    record = "Monitor #6 'Plex': Failing: {} | Interval: 60 seconds | Type: http | Last Error: {}"
    assert M.mask(record.format("timeout of 48000ms exceeded", "read ECONNRESET")) == \
        M.mask(record.format("PING h.example.org: 56 data bytes --- 1 packets", "certificate has expired")) == \
        "Monitor #<NUM> 'Plex': Failing: <VAL> | Interval: <DURATION> seconds | Type: http | Last Error: <VAL>"
    # No item after the first: prose; a lower-case name after "|" is no key; a quantity keeps its unit.
    assert M.mask("Check: disk is full | see the manual") == "Check: disk is full | see the manual"
    assert M.mask("Journal append took: 8489 ms | org.example.Store | main") == \
        "Journal append took: <DURATION> ms | org.example.Store | main"


def test_a_value_with_spaces_in_a_record_with_no_spaces_runs_to_the_next_key():
    # Kamailio's accounting record: "reason=Request Terminated" made one token more than "reason=Decline", so one
    # event split by its reason. Between two glued ";key=" the value is one, whatever its spaces.
    record = "call missed: code={};reason={};src_user=1022;dst_domain=voip.example.com"
    assert M.mask(record.format(487, "Request Terminated")) == M.mask(record.format(408, "Request Timeout")) == \
        "call missed: code=<NUM>;reason=<VAL>;src_user=<NUM>;dst_domain=<HOST>"
    # Prose and a spaced list after a record keep their words: no ";key=" closes them.
    assert M.mask("code=5;reason=Busy Here and more") == "code=<NUM>;reason=Busy Here and more"
    assert M.mask("took 5 ms;x=a b c") == "took <DURATION> ms;x=a b c"
    assert M.mask("a=1;b=two words;c=3 d=4") == "a=<NUM>;b=<VAL>;c=<NUM> d=<NUM>"


def test_a_host_is_masked_from_where_its_name_starts():
    # Host and file names are tried where a name starts only (each letter of "a-a-a-..." read the rest of the line,
    # a minute for one long line), yet after a service label (DNS SRV names) and a lone leading dot as before.
    assert M.mask("_sip._tcp.example.com. SRV and _ldap._tcp.dc._msdcs.corp.example.com for .example.com") == \
        "_sip._tcp.<HOST> SRV and _ldap._tcp.dc._msdcs.<HOST> for .<HOST>"
    assert M.mask("a.b.c.example.com web-3.example.com app.log.gz x.y") == "<HOST> <HOST> <PATH> x.y"


def test_an_objects_identity_hash_after_its_class_name_is_a_value():
    # Java's Object.toString(): ClassName@hash, up to eight hex digits; those of fewer than eight were kept, so each
    # object was a template of its own.
    assert M.mask("Started ServerConnector@6c4e9a{HTTP/1.1} QueuedThreadPool[qtp1]@f454fb0{STARTED} java.lang.Object@"
                  "35d5431") == "Started ServerConnector@<HEX>{HTTP/<NUM>} QueuedThreadPool[qtp1]@<HEX>{STARTED} " \
                                "java.lang.Object@<HEX>"
    # A name (root@db1, bob@cafe) or a port (10.0.0.9@53, Knot DNS' remote) after "@" is no hash.
    assert M.mask("ssh root@db1 as bob@cafe from 10.0.0.9@38791") == "ssh root@db1 as bob@cafe from <IP>@<NUM>"


def test_a_name_glued_before_an_address_is_a_variable():
    # Who connects from an address: a user, a database and its user, a VPN client; one form whoever it is.
    assert set(M.mask_many(["billing/billing_rw@10.0.4.58:56465 login", "shop/app@10.0.4.59:50001 login"])) == \
        {"<VAL>@<IP>:<NUM> login"}
    assert M.mask("ssh alice@10.0.0.5, bob/203.0.113.7:49542 carol@[2001:db8::5]") == \
        "ssh <VAL>@<IP>, <VAL>/<IP>:<NUM> <VAL>@<IP>"
    # A name with a digit keeps its type; an e-mail address, a URL and a name glued to "$" or "-" stay as they were.
    assert M.mask("from msra-sa-41/10.0.0.1:9000 to bob@example.com spark://Scheduler@10.0.0.1:4098") == \
        "from <ID>/<IP>:<NUM> to <EMAIL> spark://<URL>"
    assert M.mask("Started Http$Connector@0.0.0.0:80 [LearnerHandler-/10.0.0.2:52225]") == \
        "Started Http$Connector@<IP>:<NUM> [LearnerHandler-/<IP>:<NUM>]"


def test_a_call_site_is_kept_as_written():
    # Go's, C's and C++'s loggers write the statement's file and line: one per statement, a constant of its template;
    # it was masked <PATH>:<NUM>, so no template text matched the source's (every line of a Teleport log).
    masker = Masker()
    texts = ["pkg/mod/k8s.io/client-go@v0.26.1/tools/cache/reflector.go:169: Failed to watch",
             "[db/flush_job.cc:1009] [default] flushing", "bsockcore.c:209 Unable to connect", "at main.go:42."]
    assert masked_alike(masker, texts) == texts
    # A Java frame's file and line are values of its trace, lint's line and column a finding, an absolute path a path.
    assert masker.mask_many(["at com.acme.Job.run(Job.java:42)", "src/x.tsx:10:5 error", "/usr/src/x.c:10 failed"]) == [
        "at com.acme.Job.run(<PATH>:<NUM>)", "<PATH>:<NUM>:<NUM> error", "<PATH>:<NUM> failed"]
    back = Masker.from_json(masker.to_json())
    assert back == masker and back.mask(texts[0]) == texts[0]


def test_an_iso_8601_duration_is_a_duration():
    # Java's Duration and Jira write ISO 8601 durations: PT30M stayed a word of its template, one per value.
    masker = Masker()
    texts = ["older than PT30M", "duration=PT5M0.037S, overhead", "ago (PT8.26457S), skipping", "every P1DT2H"]
    assert masked_alike(masker, texts) == [
        "older than <DURATION>", "duration=<DURATION>, overhead", "ago (<DURATION>), skipping", "every <DURATION>"]
    assert masker.mask_many(["PT left", "P1 x", "PT1H2 y"]) == ["PT left", "P1 x", "PT1H2 y"]  # no unit: no duration


def test_a_dash_before_an_address_is_no_sign():
    # IPsec writes its peers as 10.0.0.1[500]-10.0.0.2[500]: the "-" was read as a sign, the second address as one
    # negative dotted number (<IP>[<NUM>]<NUM>[<NUM>]), and the dash left the template.
    masker = Masker()
    texts = ["SA established 10.0.0.1[500]-203.0.113.5[4500] spi", "x (v1.2.3)-10.0.0.2 up", "t=-1.5 off -3 y"]
    assert masked_alike(masker, texts) == [
        "SA established <IP>[<NUM>]-<IP>[<NUM>] spi", "x (<NUM>)-<IP> up", "t=<NUM> off <NUM> y"]


def test_maskers_of_the_same_rules_share_one_analysis_of_their_digits():
    # Reading every rule's parse tree took tens of milliseconds a Masker, made per file read and per miner.
    first, second, narrower = Masker(), Masker(), Masker().without("ipv4")
    assert first._digits is second._digits and narrower._digits is not first._digits
    texts = ["from 10.0.0.7 port 22", "from 10.0.0.8 port 23", "took 250 ms"]
    assert second.mask_many(texts) == [mask(t) for t in texts]
    assert narrower.mask_many(texts)[0] != first.mask_many(texts)[0]


@pytest.mark.parametrize("rules", [
    DEFAULT_RULES, DEFAULT_RULES[:10], DEFAULT_RULES[5:],
    (MaskRule("v", r"v[0-7]\.\d+", "<V>"), MaskRule("k", r"(?i:k[0-5])", "<K>"), *DEFAULT_RULES),
    (MaskRule("x", r"x[3-5]y", "<X6>"), *DEFAULT_RULES[:4]),  # a digit in a placeholder: the frame tests it
])
def test_the_digits_the_combined_regex_tells_apart_are_its_frame_s_and_its_rules(rules):
    # Speed: the cuts are read from the frame (each rule a stub) and the rules, not from the regex that holds each
    # rule up to six times; they must be the regex's own.
    own = masking._pattern_cuts(Masker(rules)._regex.pattern, track=False)
    parts = [masking._combined(rules, masking._stub)[0]] + [r.pattern for r in rules]
    read = [nc for p in parts for nc in masking._pattern_cuts(p, track=False)]
    assert masking._digit_table(c for _, c, _, _ in own) == masking._digit_table(c for _, c, _, _ in read)
    assert {c for _, c, _, _ in own} == {c for _, c, _, _ in read}
    # Each rule is read as starting after no digit (its places in a run: _DigitForms), as the frame's (?<!\w) holds.
    assert Masker(rules)._regex.pattern.startswith(r"(?<!\w)")


def test_a_rule_s_capture_group_is_empty_and_closes_its_match():
    # Speed: re clears the marks of the groups below one it opens, so a group opened before each rule did so at
    # every rule tried at every position; an empty one after the rule opens only once the rule has matched.
    masker = Masker()
    text = 'GET "/a/b.html HTTP/1.1" 200 from 10.0.0.1:80 took 5 ms uid=7 at 2024-01-02T03:04:05Z, 1.2 KB'
    matches = list(masker._regex.finditer(text))
    assert len(matches) == 9
    assert all(m.span(m.lastindex) == (m.end(), m.end()) for m in matches)
    assert masker.mask(text) == ('GET "<PATH> HTTP/<NUM>" <HTTPOK> from <IP>:<NUM> took <DURATION> ms uid=<NUM> '
                                 'at <DATETIME>, <SIZE>')


def test_a_rule_is_tried_only_at_the_characters_it_can_start_with():
    # Speed: a rule whose first characters are fewer than its gate's sits behind a look-ahead for them, so its
    # look-arounds run only where it can start; what is masked is the same.
    rule = MaskRule("tag", r"(?<![\w.])(?<!\w-)[Qq#]\d++(?!\w)", "<TAG>", False)
    masker = Masker().with_rule(rule)
    assert "(?=[Qq])" in masker._regex.pattern and "(?=[\\#])" in masker._regex.pattern
    assert masker.mask("job q12 and #7 but Q3x, a-Q4 and x#5 from 10.0.0.1") == (
        "job <TAG> and <TAG> but Q3x, a-Q4 and x#<NUM> from <IP>")
    for chars in ({masking._WS}, {masking._CTRL}, {masking._NONASCII}, {"a", "]", "^", "-", "\\"}):
        matches = re.compile(masking._char_class(frozenset(chars))).fullmatch
        assert all(bool(matches(chr(c))) == (masking._char(c) in chars) for c in range(0x3000)), chars


def test_long_hex_groups_joined_by_dots_are_one_id():
    # Courier's queue id (0000000000203BCB.0000000065E56941.00002587) came out as <HEX>.<HEX>.00002587 when a group
    # had only digits and as <VAL> when the first one had, swallowing the ":" after it: one event took five shapes.
    masker = Masker()
    texts = ["completed,id=0000000000203BCB.0000000065E56941.00002587",
             "newmsg,id=0000000000361836.0000000065E56974.0000719D: dns; mx", "release 20240101.20240102 x",
             "deadbeef.cafebabe y"]
    assert masked_alike(masker, texts) == [
        "completed,id=<HEX>", "newmsg,id=<HEX>: dns; mx", "release <NUM> x", "deadbeef.cafebabe y"]


def test_a_short_hex_id_after_a_hash_is_one_value_with_or_without_letters():
    # Plex writes request ids [Req#20aa] beside [Req#1234]: the digits-only one was <NUM>, the hex one a word, so one
    # event took two shapes. Names after "#" have no digit and stay.
    masker = Masker()
    texts = ["[Req#20aa] Completed", "[Req#1234] Completed", "(5 live) #47a GZIP", "color #FF00AA", "#define X",
             "[Req#cafe] x", "#1a x", "#2nd try", "Req#0A5f x"]
    assert masked_alike(masker, texts) == [
        "[Req#<HEX>] Completed", "[Req#<NUM>] Completed", "(<NUM> live) #<HEX> GZIP", "color #<HEX>", "#define X",
        "[Req#cafe] x", "#1a x", "#2nd try", "Req#0A5f x"]


def test_a_hash_abbreviated_to_its_ends_is_one_hex_value():
    # go-ethereum writes hash=980356..02b3e2: its digits-only start was a <NUM> and its end a word, while
    # hash=ad9ca1..b57998 was a <VAL>, so one event ("Chain head was updated") took two shapes. Ranges of numbers
    # and of versions stay numbers.
    masker = Masker()
    texts = ["hash=980356..02b3e2 root=9a4676..c8c78f", "hash=ad9ca1..b57998 age=9m", "diff a1b2c3d...e4f5a6b.",
             "ids 100000..200000", "ver 1.2..1.4", "face..2024 x", "deadbeef..cafebabe"]
    assert masked_alike(masker, texts) == [
        "hash=<HEX> root=<HEX>", "hash=<HEX> age=<DURATION>m", "diff <HEX>.", "ids <NUM>..<NUM>", "ver <NUM>..<NUM>",
        "face..<NUM> x", "deadbeef..cafebabe"]


def test_a_quoted_absolute_path_of_one_segment_is_a_path():
    # FileZilla Server answers CWD failed. "/old" and "/tmp": a path of one segment stayed a word, so one event took
    # a template per folder. In quotes it is one value, a path; a quoted "/" alone or an address stays as before.
    masker = Masker()
    texts = ['550 CWD failed. "/old": directory not found.', "in directory '/root'", 'cd "/"', 'to "/10.0.0.1" x',
             "it's /tmp's x", 'no "/tmp\' x']
    assert masked_alike(masker, texts) == [
        '<NUM> CWD failed. "<PATH>": directory not found.', "in directory '<PATH>'", 'cd "/"', 'to "/<IP>" x',
        "it's /tmp's x", 'no "/tmp\' x']


def test_a_standard_named_by_a_capital_and_a_number_stays_a_word():
    # xrdp writes "Using default X.509 certificate": the standard's number became a <NUM> (X.<NUM>), so a template
    # showed a variable where the event's own name was. A number after a lone capital and a dot is a standard's
    # name; one after a word, a lower-case letter or a dotted run is masked as before.
    masker = Masker()
    texts = ["Using default X.509 certificate", "codec H.264 at 30 fps", "XX.5 x.509 A.B.5 v1.2"]
    assert masked_alike(masker, texts) == [
        "Using default X.509 certificate", "codec H.264 at <NUM> fps", "XX.<NUM> x.<NUM> A.B.<NUM> <NUM>"]


def test_a_distinguished_name_is_one_value_however_many_parts_it_has():
    # stunnel writes "Certificate accepted at depth=1: C=US, O=Example Corp, CN=Example Corp Internal CA" and, at
    # depth 0, "CN=host": each part was read as a key=value field, so each count of parts made its own event. A
    # name is one value, quoted or not, in a certificate's upper case or LDAP's lower case; a sentence after an
    # unquoted one, an LDAP filter's (cn=x) and key=value numbers (C=1.0, L=5) stay as before.
    masker = Masker()
    texts = ["Certificate accepted at depth=1: C=US, O=Example Corp, CN=Example Corp Internal CA",
             "Certificate accepted at depth=0: CN=worker.svc.example.internal",
             'BIND dn="uid=olivia,ou=people,dc=example,dc=com" method=128',
             "Bind with cn=radius,ou=svc,dc=example,dc=com to ldaps://dc01.example.com:636 failed",
             "identity[CN=svc-monitoring, OU=NiFi], groups[ops]", "Bound as cn=admin,dc=example,dc=com.",
             "filter (|(cn=peggy*)(sn=peggy*)) C=1.0, L=5"]
    assert masked_alike(masker, texts) == [
        "Certificate accepted at depth=<NUM>: <VAL>", "Certificate accepted at depth=<NUM>: <VAL>",
        'BIND dn="<VAL>" method=<NUM>', "Bind with <VAL> to ldaps://<URL> failed", "identity[<VAL>], groups[ops]",
        "Bound as <VAL>.", "filter (|(cn=peggy*)(sn=peggy*)) C=<NUM>, L=<NUM>"]


def test_a_sentence_after_a_distinguished_names_lower_case_last_value_stays():
    # "peer CN=host Connection Refused": the name's last value took the capitalised words to the end, so the words
    # that name the event were masked. A title's words (CN=Example Corp CA) and a quoted or bracketed value's stay one
    # value; a lower-case host's value ends at its word.
    texts = ["peer CN=host Connection Refused", "C=US, O=x, CN=vpn.example.com Handshake Failed",
             "VERIFY OK: depth=1, CN=Example Corp VPN CA", 'issuer "C=US, CN=host Sub CA" ok', "id[CN=svc Mon], x"]
    assert masked_alike(Masker(), texts) == [
        "peer <VAL> Connection Refused", "<VAL> Handshake Failed", "VERIFY OK: depth=<NUM>, <VAL>",
        'issuer "<VAL>" ok', "id[<VAL>], x"]


def test_a_compact_json_object_assigned_with_a_spaced_equals_is_one_value():
    # Tasmota logs each MQTT message as "tele/plug/STATE = {"Time":...,"Wifi":{...}}": the payload's keys are data,
    # which differ by topic, so each topic's payload masked to its own shape. After a spaced "=" a compact object is
    # one value; a glued key={...} (a logger's fields), a spaced object and braces holding no JSON stay as before.
    masker = Masker()
    texts = ['tele/plug/STATE = {"Time":"2023-05-10T00:01:52","POWER":"OFF","Wifi":{"AP":1}}',
             'stat/plug/RESULT = {"POWER":"ON"} (retained)', 'pod event={"ID":"x","Type":"y"}',
             'x = {"a": 1}', "cfg = {a:1}"]
    assert masked_alike(masker, texts) == [
        "tele/plug/STATE = <VAL>", "stat/plug/RESULT = <VAL> (retained)", 'pod event={"ID":"x","Type":"y"}',
        'x = {"a": <NUM>}', "cfg = {a:<NUM>}"]


def test_a_ruby_object_is_one_value():
    # Unicorn's "reaped #<Process::Status: pid 28030 exit 0>" and "... SIGKILL (signal 9)>" were two events: the
    # state words that inspect writes inside the object were read as the message's.
    assert masked_alike(M, ["reaped #<Process::Status: pid 28030 SIGKILL (signal 9)> worker=2",
                            "reaped #<Process::Status: pid 28116 exit 0> worker=5",
                            "{10=>#<Kgio::UNIXServer:fd 10>} #<Thread:0x00007f8a run>"]) == \
        ["reaped <VAL> worker=<NUM>", "reaped <VAL> worker=<NUM>", "{<NUM>=><VAL>} <VAL>"]
    # Not a class name in angle brackets after "#" alone, nor a word.
    assert M.mask("issue #<none> and #<b>") == "issue #<none> and #<b>"





def test_a_ruby_frame_method_is_one_value():
    # A frame's "in `block in query'" kept its words: one event per block label, beside "in `<*>" for the others.
    assert masked_alike(M, ["/srv/app/lib/mysql2/client.rb:148:in `block in query'",
                            "/srv/app/lib/kgio.rb:44:in `kgio_tryaccept'", "app/x.rb:7:in 'Foo#bar'"]) == \
        ["<PATH>:<NUM>:in <VAL>", "<PATH>:<NUM>:in <VAL>", "<PATH>:<NUM>:in <VAL>"]
    # A quoted name elsewhere stays text.
    assert M.mask("undefined method `sku' for nil:NilClass") == "undefined method `sku' for nil:NilClass"


def test_a_guid_in_braces_is_one_value_with_its_braces():
    # Windows writes a GUID in braces (ConfigMgr's "DTSJob {181367DB-...} in state"): the braces are the value's,
    # so the template read "DTSJob {<*>}" where an annotator writes "DTSJob <*>".
    assert M.mask("DTSJob {181367DB-B41B-32B6-977C-2F09536D43AA} in state 'Complete'.") == \
        "DTSJob <UUID> in state 'Complete'."
    assert M.mask('PolicyID="{181367db-b41b-32b6-977c-2f09536d43aa}",x') == 'PolicyID="<UUID>",x'
    # A brace that the UUID does not close, or a word glued after the brace, is the message's.
    assert M.mask("a {181367db-b41b-32b6-977c-2f09536d43aa and {181367db-b41b-32b6-977c-2f09536d43aa}x") == \
        "a {<UUID> and {<UUID>}x"


def test_a_transport_address_with_its_name_is_one_value():
    # net-snmp prints a connection's transport whole ("Connection from UDP: [10.0.0.5]:50412->[10.0.0.1]:161"):
    # "UDP:" read as a key naming the event split the one event by transport, beside "TCP:".
    assert masked_alike(M, ["Connection from UDP: [10.20.0.5]:50412->[10.20.0.1]:161",
                            "Connection from TCP: [10.20.0.5]:50412->[10.20.0.1]:161 REFUSED",
                            "listening on UDP/IPv6: [::1]:161"]) == \
        ["Connection from <IP>", "Connection from <IP> REFUSED", "listening on <IP>"]
    # A protocol's name before other text, or an address not in brackets, stays as it was.
    assert M.mask("TCP: request_sock_TCP: Possible SYN flooding on port 80") == \
        "TCP: request_sock_TCP: Possible SYN flooding on port <NUM>"
    assert M.mask("UDP: 10.0.0.5:161") == "UDP: <IP>:<NUM>"


def test_a_link_of_two_endpoints_is_one_value():
    # Open vSwitch names a connection by its bridge and far end ("br-int<->tcp:127.0.0.1:6633",
    # "br-int<->unix#3009"): read in pieces, each kind of far end made the same event another template.
    assert M.mask("br-int<->tcp:127.0.0.1:6633: connecting...") == "<VAL>: connecting..."
    assert M.mask("br-ex<->unix#3009: 4 flow_mods 36 s ago") == "<VAL>: <NUM> flow_mods <DURATION> s ago"
    # A lone arrow, one end alone or a spaced arrow is no such link.
    assert M.mask("rcpt=<-> source") == "rcpt=<-> source"
    assert M.mask("MASTER <-> REPLICA sync started") == "MASTER <-> REPLICA sync started"
    assert M.mask("fd 19 (<->unix:/var/run/db.sock)") == "fd <NUM> (<->unix:<PATH>)"


def test_a_name_in_parentheses_glued_to_an_address_is_the_address():
    # FRRouting writes a BGP peer as its address and description ("received from 203.0.113.1(isp-a-pe1)"): the
    # name stayed a word, so each peer's messages were an event of their own where a few peers wrote them.
    assert M.mask("No. of prefix received from 203.0.113.1(isp-a-pe1) reaches 10255") == \
        "No. of prefix received from <IP> reaches <NUM>"
    assert M.mask("neighbor 10.0.0.0(spine1) in vrf default Up") == "neighbor <IP> in vrf default Up"
    # A spaced parenthesis, a number or a version in it, or a word glued after it, is the message's.
    assert M.mask("peer 10.0.0.1 (spine1) up") == "peer <IP> (spine1) up"
    assert M.mask("via=10.10.1.5(nginx/1.20.0);") == "via=<IP>(nginx/<NUM>);"
    assert M.mask("at 10.0.0.1(2) and 10.0.0.1(a)b") == "at <IP>(<NUM>) and <IP>(a)b"


def test_a_name_in_parentheses_glued_to_a_mac_address_is_the_address():
    # Weave Net writes a peer as its MAC address and its name ("at be:7a:63:01:44:11(ip-10-0-1-11)"): the name was
    # masked apart (<MAC>(<ID>)) where its annotator, as FRRouting's for an IP address's name, writes one value.
    assert M.mask("Expired MAC 3e:1f:22:aa:10:0b at be:7a:63:01:44:11(ip-10-0-1-11)") == "Expired MAC <MAC> at <MAC>"
    assert M.mask("->[10.0.1.15:6783|e6:04:3a:8c:2f:74(node-a.example)]: ready") == "->[<IP>:<NUM>|<MAC>]: ready"
    # A spaced parenthesis, a number in it, or a word glued after it, is the message's.
    assert M.mask("peer be:7a:63:01:44:11 (node-a) up") == "peer <MAC> (node-a) up"
    assert M.mask("at be:7a:63:01:44:11(2) and be:7a:63:01:44:11(a)b") == "at <MAC>(<NUM>) and <MAC>(a)b"


def test_a_rate_glued_to_its_unit_keeps_the_unit():
    # vsftpd writes a transfer's rate glued to its unit ("34705 bytes, 86.07Kbyte/sec"): the token stayed a word,
    # so the template kept only its "/sec" and lost the unit the truth keeps.
    assert M.mask("34705 bytes, 86.07Kbyte/sec") == "<NUM> bytes, <NUM>Kbyte/sec"
    assert M.mask("served 1,200req/s at peak") == "served <NUM>req/s at peak"
    # A unit the size rule knows is a size, as before; a number inside a path or a word is no rate.
    assert M.mask("rate 5.2MB/s") == "rate <SIZE>/s"
    assert M.mask("GET /api/2fa/setup x12kb/s") == "GET <PATH> x12kb/s"


def test_texts_whose_digits_decide_the_device_link_and_address_rules_mask_alike_alone_and_in_a_batch():
    # A batch masks texts by keys with some digits made alike: the digits these rules test (a severity 0-7, an octet,
    # a month) must keep texts that differ in them apart.
    texts = ["%LINK-3-UPDOWN: up", "%LINK-8-UPDOWN: up", "UDP: [10.0.0.5]:50412->[10.0.0.1]:161",
             "UDP: [10.0.0.256]:50412->[10.0.0.1]:161", "br-1<->tcp:10.0.0.1:6633: up", "10.0.0.1(eth0) up",
             "10.0.0.999(eth0) up", "at 2024/02/27-06:35:52, x", "at 2024/13/27-06:35:52, x"]
    assert masked_alike(Masker(), texts) == [
        "%LINK-3-UPDOWN: up", "%<ID>: up", "<IP>", "UDP: [<NUM>]:<NUM>->[<IP>]:<NUM>", "<VAL>: up", "<IP> up",
        "<NUM>(eth0) up", "at <DATETIME>, x", "at <NUM>/<NUM>/<NUM>-<DATETIME>, x"]


def test_a_double_quoted_path_runs_to_its_closing_quote():
    # vsftpd writes Client "10.8.0.5", "/reports/minutes 2024-03-01.docx" and "/srv/budget(2).xlsx": the path
    # stopped at its space or bracket, so the rest of the name stayed words and one event took a template per file
    # name. A path a double quote opens and closes is whole, an apostrophe in a name too, a space in it where a
    # folder's name or a file's with its extension holds it; an unclosed quote, a space before the closing one, an
    # escaped quote, a quoted address, prose after a quoted "/", a quoted word after a space (a sentence's, a
    # command's argument) and a message quoted whole that opens with a path stay as before.
    masker = Masker()
    texts = ['Client "10.8.0.5", "/reports/minutes 2024-03-01.docx"', 'OK "/srv/ftp/budget(2).xlsx" x',
             'run "C:\\Program Files\\App\\a b.exe" now', 'open "/a b/c', 'to "/10.0.0.1 x"', 'say "/ is full"',
             'x "/a b " y', 'm=\\"/a b\\" y', 'file:"/tv/Gone Fishin\'.mkv"', 'msg="/sys/x is \'on\'. Set it"',
             'in "/data/My Documents/x" y', 'err="/etc/x.conf: no such file"', 'msg="/healthz returned 200 in 5ms"',
             '"/var/lib/docker is full"']
    assert masked_alike(masker, texts) == [
        'Client "<IP>", "<PATH>"', 'OK "<PATH>" x', 'run "<PATH>" now', 'open "/a b/c', 'to "/<IP> x"',
        'say "/ is full"', 'x "/a b " y', 'm=\\"/a b\\" y', 'file:"<PATH>"', 'msg="<PATH> is \'on\'. Set it"',
        'in "<PATH>" y', 'err="<PATH>: no such file"', 'msg="/healthz returned <NUM> in <DURATION>ms"',
        '"<PATH> is full"']



def test_a_path_that_ends_the_message_with_spaces_in_its_folders_is_one_value():
    # A media player writes its library's paths bare ("OpenFile: smb://nas/TV/The Bear/Season 01/x.mkv"): the
    # path stopped at the first space, so the folders' words stayed and one event took a template per folder.
    # To the message's end or its closing bracket, a path or URL with a folder's name of several words is whole,
    # its file's name too where it has an extension; a second path, a relative one after a word, prose after a
    # comma or colon, a last part of words without an extension, an access log's agent and address or host and a
    # second URL after a word stay as before.
    masker = Masker()
    texts = ["OpenFile: smb://nas.local/media/TV/The Bear/Season 01/The.Bear.S01E03.1080p.mkv",
             "files /srv/Movies/Blade Runner 2049 (2017)/Blade Runner 2049 (2017).mkv",
             "error opening [smb://nas.local/TV/Bluey/Season 02/Bluey - S02E08 - Review.mkv]",
             "Error getting smb://nas.local/media/TV/Bluey/Season 02/", "copied /a/b to /c/d", "copied /a/b to c/d",
             "scanned /data/x in 3 s, 1/2 done", "files /srv/Movies/Dune (2021)/Dune Part One",
             "POST /api/login 201 - okhttp/4.12.0 ::ffff:10.0.3.148", "GET /a/b 200 - curl/8.1 x.example.com",
             "received for http://a.example.com/index.html AKA a.example.com/index.html"]
    assert masked_alike(masker, texts) == [
        "OpenFile: smb://<URL>", "files <PATH>", "error opening [smb://<URL>]", "Error getting smb://<URL>",
        "copied <PATH> to <PATH>", "copied <PATH> to c/d", "scanned <PATH> in <DURATION> s, <NUM>/<NUM> done",
        "files <PATH> (<NUM>)/Dune Part One", "POST <PATH> <NUM> - okhttp/<NUM> <IP>",
        "GET <PATH> <NUM> - curl/<NUM> <HOST>", "received for http://<URL> AKA <URL>"]

def test_a_hash_cut_short_by_an_ellipsis_mid_sentence_is_one_value_with_its_dots():
    # The dots abbreviate the hash when the sentence goes on; at its end they may be the sentence's own.
    masker = Masker()
    assert masker.mask("batch starting from  0x455ce79b... 8875058/8876738") == "batch starting from  <HEX> <NUM>/<NUM>"
    assert masker.mask("padlock for serverHash (286e70...) from the server") == \
        "padlock for serverHash (<HEX>) from the server"
    assert masker.mask("Checking out 3f2a1b9c...") == "Checking out <HEX>..."
    assert masker.mask("loading plugin deadbeef... done") == "loading plugin deadbeef... done"  # a word, no digit


def test_the_four_digit_hex_fields_after_a_hex_address_are_values_each():
    # A resolver's client "0a1e0870:dada:4e6f" (address, port and query id in hex) masked as "<HEX>:dada:4e6f": the
    # fields stayed in the token, so a few lines' ports and ids each made an event of their own.
    masker = Masker()
    assert masker.mask("query 1 0a1e0870:dada:4e6f 1 api.github.com") == "query <NUM> <HEX>:<HEX>:<HEX> <NUM> <HOST>"
    assert masker.mask("tcpclose 0100007F:0035 timed out") == "tcpclose <HEX>:<HEX> timed out"
    assert masker.mask("01020304:00ab:beef.") == "<NUM>:<HEX>:<HEX>."
    # A word of hex letters opens no address; longer chains and other groups stay as before.
    assert masker.mask("deadbeef:cafe") == "deadbeef:cafe"
    assert masker.mask("x 0a1e0870:dada:4e6f:1234 y") == "x <HEX>:dada:4e6f:<NUM> y"
    assert masker.mask("0a1e0870:dadaa ab:0a1e0870:dada") == "<HEX>:dadaa ab:<HEX>:dada"


def test_a_numbered_member_joined_by_dashes_is_one_value():
    # A general shape, not one program's: lower-case words joined by "-" whose last ends in one to three digits
    # (pg-node2, galera-db3, isp-a-pe1) name one member of a set, a variable even where a log shows only one.
    masker = Masker()
    assert masker.mask("no action. I am (pg-node2), the leader with the lock") == \
        "no action. I am (<ID>), the leader with the lock"
    assert masker.mask("Request failed to pg-node1: GET") == "Request failed to <ID>: GET"
    assert masker.mask("peer isp-a-pe1.") == "peer <ID>."
    assert masker.mask("phy0-ap0: joined") == "<ID>: joined"
    # A bare word with a digit, an algorithm's four digits or more, and a domain's part stay as they were.
    assert masker.mask("I am (node2)") == "I am (node2)"
    assert masker.mask("chacha20-poly1305 and ssh-ed25519") == "chacha20-poly1305 and ssh-ed25519"
    assert masker.mask("isp-a-pe1.x") == "isp-a-pe1.x"


def test_a_query_string_makes_one_segment_or_the_root_a_path():
    # Request targets as web servers, proxies and PHP apps log them (POST /pub?topic=orders, GET /?_task=mail&x=1):
    # with one segment they were no path, and their keys' values masked one by one split an event by its route.
    masker = Masker()
    assert masker.mask("200 POST /pub?topic=orders (10.0.3.24:60432)") == "<NUM> POST <PATH> (<IP>:<NUM>)"
    assert masker.mask("check failed (GET /?_task=mail&_action=mark)") == "check failed (GET <PATH>)"
    assert masker.mask("for /cart.php?id=9056, closing") == "for <PATH>, closing"
    # No query, a bare "?" or one glued to a word or a relative path: as before.
    assert masker.mask("(GET /) see /a?b api/v1?x=1 x/?y=2") == "(GET /) see /a?b api/v1?x=<NUM> x/?y=<NUM>"


def test_the_digit_analysis_reads_each_part_of_a_rule_once(monkeypatch):
    # A Masker's start went mostly to analysing its rules' digits: each part's needs were found again for every
    # part around it (quadratic in a rule's depth), the characters before each literal by reversing all those
    # before it, and each rule was read twice. Any rule: a part's needs, its last characters and a rule's digit
    # sets do not depend on what surrounds them.
    depth = 12
    pattern = "(?:a|" * depth + r"x:\d" + ")" * depth
    calls = []
    needs = masking._needs
    monkeypatch.setattr(masking, "_needs", lambda items, ignorecase=False: calls.append((id(items), ignorecase))
                        or needs(items, ignorecase))
    masking._part_needs.cache_clear()
    masking._pattern_cuts(pattern)
    assert len(calls) > depth and len(calls) == len(set(calls))  # each part, once
    items = masking._parsed("a" * 50 + "b")
    assert next(iter(masking._reversed(items))) == (masking._sre_c.LITERAL, ord("b"))
    read = []
    cuts = masking._pattern_cuts
    monkeypatch.setattr(masking, "_pattern_cuts", lambda *a, **k: read.append(a[0]) or cuts(*a, **k))
    rules = (MaskRule("num", r"\d+", "<NUM>"), MaskRule("ip", r"\d+\.\d+\.\d+\.\d+", "<IP>"))
    masking._DigitForms(rules)
    assert len(read) == len(rules) + 1 and {r.pattern for r in rules} < set(read)  # each rule once, and the frame


def test_a_masker_alone_loads_no_pandas():
    # Masking read the level words and regex errors from formats, which imports pandas: half a Masker's start in a
    # process of its own. Any module masking needs: none of them imports pandas.
    import subprocess
    import sys

    code = ("import sys; from logad_utils.masking import Masker; Masker()('x 1'); "
            "print(sorted(m for m in ('pandas', 'pyarrow', 'scipy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_signed_point_is_a_list_of_numbers_not_one_grouped_number():
    # Any comma list of signed numbers (a game's or a sensor's point "(-1,-7,181)", a vector "[3,-7,181]"): "7,181"
    # after "-1,-" or before ",-5" is one member of the list, as "1,234" is in "5,1,234"; one line read it as the
    # grouped 7,181 and its event's template differed from its siblings'. A grouped number alone stays one.
    masker = Masker()
    assert masker.mask("dies at (-1,-7,181)") == "dies at (<NUM>,<NUM>,<NUM>)"
    assert masker.mask("dies at (-7,181,-5)") == "dies at (<NUM>,<NUM>,<NUM>)"
    assert masker.mask("dies at (84,-40,-234)") == "dies at (<NUM>,<NUM>,<NUM>)"
    assert masker.mask("balance -7,181 and 1,234,567 rows") == "balance <NUM> and <NUM> rows"


def test_an_interface_named_as_udev_names_it_is_a_variable():
    # Any program that names the network interface a line is about (wpa_supplicant, NetworkManager, avahi, ntpd,
    # dhclient, Suricata): systemd's predictable names, by type (en, wl, ww, ib) and place (onboard index, slot,
    # PCI bus and slot, MAC), with a VLAN after a dot. Older names (eth0, wlan0) and longer words stay words.
    masker = Masker()
    assert masker.mask("wlp2s0: CTRL-EVENT-SCAN-STARTED") == "<VAL>: CTRL-EVENT-SCAN-STARTED"
    assert masker.mask("device (wlp2s0): state change") == "device (<VAL>): state change"
    assert masker.mask("listening on interface ens192.100") == "listening on interface <VAL>"
    assert masker.mask('portId "eno1" removed from eno1.IPv6') == 'portId "<VAL>" removed from <VAL>.IPv6'
    assert masker.mask("eth0 wlan0 lens3 ens3a ens up") == "eth0 wlan0 lens3 ens3a ens up"


@pytest.mark.parametrize("piece", ["(-1,-7,181)", "-7,181,", "wlp2s0.1 ", "enp0s3u1u"])
def test_a_point_and_a_udev_interface_take_linear_time(piece):
    short, long = (_masking_seconds(piece * (n // len(piece))) for n in (8_192, 65_536))
    assert long < 16 * short, (short, long)
