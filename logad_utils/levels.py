"""Level words as logs write them: the pattern formats, layout and masking read them with, apart from formats so
that masking (a Masker alone) loads no pandas."""
from __future__ import annotations

__all__ = ["LEVELS_RE", "SECONDARY_LEVELS"]

# Level words, longest first so that WARNING is not read as WARN. Serilog's and zerolog's short forms (VRB ... FTL)
# and PostgreSQL's LOG count only in capitals: "inf retry" or "Log rotated" after a timestamp is a message.
# Words that also read as English count only as written: Serilog's and zerolog's three letters, logrus' and
# supervisord's four, .NET's lower-case four ("dbug", "fail"), MariaDB's "Note".
# The labels of a message's further lines, each written under a header of its own (PostgreSQL's DETAIL, HINT, ...),
# stand where a level does, in capitals and before a colon: read as levels, so that a log where a third of the lines
# carry one keeps its level column. Each such line stays an event of its own, as Loghub's ground truths count them,
# with the level of the message it explains (:func:`read_secondary_levels`).
SECONDARY_LEVELS = ("DETAIL", "HINT", "STATEMENT", "CONTEXT", "QUERY", "LOCATION")
LEVELS_RE = (r"(?:(?i:VERBOSE|TRACE|DEBUG|FINEST|FINER|FINE|INFORMATION|INFO|NOTICE|WARNING|WARN|ERROR|ERR|"
             r"SEVERE|CRITICAL|CRIT|FATAL|ALERT|EMERGENCY|EMERG|PANIC)|VRB|TRC|DBG|INF|WRN|FTL|LOG|"
             r"TRAC|DEBU|DEBG|ERRO|FATA|PANI|trce|dbug|fail|Note|NOTE|(?:" + "|".join(SECONDARY_LEVELS) + ")(?=:))")
