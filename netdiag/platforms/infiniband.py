"""InfiniBand: an IB host (ibstat / perfquery / mlxlink) and an ibdiagnet2 output directory.

Naming follows netdiag/parsers/ib_common.py: HCA ports are ``<ca>/<port>`` (``mlx5_0/1``).

* ``ib-host``: discovery is ``ibstat`` (every local CA port). Per port, mlxlink and perfquery take
  the CA and the port number apart (``mlxlink -d mlx5_0 -p 1``, ``perfquery -x -C mlx5_0 -P 1``);
  the port name is split by `port_fields`, each part validated and quoted, and joined back from the
  command text on replay. Older captures with ``p=mlx5_0/1; mlxlink -d "${p%/*}" ...`` replay too.
* ``ibdiagnet``: a capture whose commands are the files of one ibdiagnet2 output directory, as
  ``cat /var/tmp/ibdiagnet2/ibdiagnet2.pm`` or just the file name (``ibdiagnet2.cables``). Live
  discovery reads the files of the last ibdiagnet run in /var/tmp/ibdiagnet2 (running ibdiagnet
  itself -- minutes of MADs on a large fabric -- is left to the operator or a cron/UFM job). Rows
  name the fabric nodes themselves (device = node name / GUID), not the host that ran ibdiagnet.
"""

from __future__ import annotations

from netdiag.platforms import Platform, register


def _host_ports(tables: dict) -> list[str]:
    out: list[str] = []
    for r in tables.get("ports", []):
        name = r.get("port")
        if name and "/" in name and name not in out:
            out.append(name)
    return out


def _ca_and_port(port: str) -> dict[str, str]:
    """'mlx5_0/1' -> {'ca': 'mlx5_0', 'pnum': '1'} for the per-port commands."""
    ca, _, pnum = port.rpartition("/")
    return {"ca": ca, "pnum": pnum}


_SPLIT = r'p=(?P<port>[A-Za-z0-9][\w.:@/+-]*); '

IB_HOST = register(Platform(
    name="ib-host",
    description="InfiniBand host: ibstat, perfquery -x, mlxlink (MFT/mstflint) per HCA port",
    discovery=("ibstat",),
    per_port=(
        "mlxlink -d {ca} -p {pnum} -m -c -e",
        "perfquery -x -C {ca} -P {pnum}",
    ),
    port_fields=_ca_and_port,
    commands=(
        (r"ibstat(?: \S+)*", "ibstat"),
        (r"ibstatus(?: \S+)*", "ibstat"),
        (_SPLIT + r"mlxlink .*", "mlxlink"),
        (_SPLIT + r"perfquery .*", "perfquery"),
        (r"mlxlink -d (?P<ca>[A-Za-z0-9][\w.-]*) -p (?P<pnum>\d+)(?: .*)?", "mlxlink"),
        (r"perfquery(?: -\S+)* -C (?P<ca>[A-Za-z0-9][\w.-]*) -P (?P<pnum>\d+)(?: .*)?", "perfquery"),
        (r"(?:sudo )?mlxlink(?: -\S+(?: (?!-)\S+)?)* -d (?P<port>[A-Za-z0-9][\w.:/-]*)(?: .*)?", "mlxlink"),
        (r"(?:sudo )?perfquery(?: -\S+)* -C (?P<port>[A-Za-z0-9][\w.-]*)(?: .*)?", "perfquery"),
        (r"(?:sudo )?perfquery(?: .*)?", "perfquery"),
        (r"(?:sudo )?iblinkinfo(?: .*)?", "iblinkinfo"),
        (r"(?:sudo )?ibnetdiscover(?: .*)?", "ibnetdiscover"),
        (r"(?:sudo )?(?:\S*/)?ibswinfo(?:\.sh)?(?: .*)?", "ibswinfo"),
    ),
    ports_from=_host_ports,
))

_DIR = "/var/tmp/ibdiagnet2/"
_F = r"(?:cat |sudo cat )?(?:\S*/)?"

IBDIAGNET = register(Platform(
    name="ibdiagnet",
    description="ibdiagnet2 output directory: .pm, .cables, .net_dump, .db_csv, .ibnetdiscover, .log",
    discovery=tuple(f"cat {_DIR}ibdiagnet2.{ext}" for ext in
                    ("log", "net_dump", "ibnetdiscover", "pm", "cables", "db_csv")),
    per_port=(),
    commands=(
        (_F + r"ibdiagnet2\.pm(?:\.\S+)?", "ibdiagnet-pm"),
        (_F + r"ibdiagnet2\.cables(?:\.\S+)?", "ibdiagnet-cables"),
        (_F + r"ibdiagnet2\.net_dump(?:\.(?!ext)\S+)?", "ibdiagnet-net-dump"),
        (_F + r"ibdiagnet2\.db_csv(?:\.\S+)?", "ibdiagnet-db-csv"),
        (_F + r"ibdiagnet2\.ibnetdiscover(?:\.\S+)?", "ibnetdiscover"),
        (_F + r"ibdiagnet2\.log(?:\.\S+)?", "ibdiagnet-log"),
    ),
))
