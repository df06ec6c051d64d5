"""Exit codes (monitoring-plugin convention, docs/exit-codes.md). The one module that owns them."""

OK = 0
WARNING = 1
CRITICAL = 2
UNKNOWN = 3  # could not tell: devices unreachable, unparseable output, bad arguments

_BY_SEVERITY = {"critical": CRITICAL, "warning": WARNING, "info": OK}


def for_findings(severities, unknown: bool = False) -> int:
    """Worst of the findings' severities; UNKNOWN only when nothing worse was found."""
    code = max((_BY_SEVERITY.get(s, OK) for s in severities), default=OK)
    if code == OK and unknown:
        return UNKNOWN
    return code
