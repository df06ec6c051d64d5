"""Physical parts behind a port name, per platform: the cage (module slot) a logical port sits in,
the linecard of a modular chassis, and the cable harness behind a breakout leg.

Names are the last resort: the module a port uses is identified by its EEPROM serial number
first, then by the plan's optional cage/module columns, and only then by these rules
(docs/localization.md). Logical sub-ports of one switch cage share its module (a twin-port OSFP,
or a split 800G cage):
  SONiC    Ethernet0, Ethernet4 (8 lanes per cage)      -> cage Ethernet0
  Cumulus  swp1s0, swp1s1                                -> cage swp1
  EOS      Ethernet1/1, Ethernet1/5; modular Ethernet3/1/1 -> cage Ethernet1; Ethernet3/1 (linecard 3)
  IB       switch ports 1, 2 (twin-port cages)           -> cage1
A host NIC port has a cage of its own (ens5f0np0 and ens5f1np1 are two cages, two modules); the
NIC is a separate part, named from the PCI naming of the port or the HCA:
  Linux    ens1np0, ens1f0np0, ens1f1np1 (functions of one PCI device) -> NIC ens1;
           enp65s0f1np1 -> NIC enp65s0; other names: NIC unknown
  IB host  mlx5_3/1                                       -> NIC (HCA) mlx5_3
Breakout legs share a harness: cable ids C123.1, C123.2 -> C123.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_LANES_PER_CAGE = 8
_SONIC = re.compile(r"^Ethernet(\d+)$")
_CUMULUS = re.compile(r"^(swp\d+)(?:s\d+)?$")
_EOS = re.compile(r"^(Ethernet\d+(?:/\d+)?)/\d+$")
_LINUX = re.compile(r"^((?:en|ib|eth)\w*?(?:p\d+s\d+|s\d+))(?:f\d+)?(?:np\d+)?$")
_IBHOST = re.compile(r"^(mlx\d+_\d+)/\d+$")


def cage_of(platform: str, port: str) -> str:
    """The cage a logical port sits in (its own name when it is alone in its cage)."""
    if platform == "sonic":
        m = _SONIC.match(port)
        return f"Ethernet{int(m.group(1)) // _LANES_PER_CAGE * _LANES_PER_CAGE}" if m else port
    if platform == "cumulus":
        m = _CUMULUS.match(port)
        return m.group(1) if m else port
    if platform == "eos":
        m = _EOS.match(port)
        return m.group(1) if m else port
    if platform in ("ibdiagnet", "ib"):
        return f"cage{(int(port) - 1) // 2 + 1}" if port.isdigit() else port
    return port


def nic_of(platform: str, port: str) -> str | None:
    """The NIC (PCI device or HCA) a host port belongs to, or None when the name does not say."""
    if platform == "ib-host":
        m = _IBHOST.match(port)
        return m.group(1) if m else None
    if platform == "linux":
        m = _LINUX.match(port)
        return m.group(1) if m else None
    return None


def nics(platforms: pd.Series, ports: pd.Series) -> np.ndarray:
    """nic_of over two columns (None where unknown), vectorised per platform."""
    pl = platforms.astype(object).fillna("").to_numpy()
    po = pd.Series(ports.astype(object).to_numpy(), dtype=object)
    out = np.full(len(po), None, dtype=object)
    for name, rx in (("linux", _LINUX), ("ib-host", _IBHOST)):
        m = pl == name
        if m.any():
            got = po[m].str.extract(rx.pattern)[0]
            out[m] = got.where(got.notna(), None).to_numpy(dtype=object)
    return out



def cages(platforms: pd.Series, ports: pd.Series) -> np.ndarray:
    """cage_of over two columns, vectorised per platform (a fabric has millions of port ends)."""
    pl = platforms.astype(object).fillna("").to_numpy()
    po = ports.astype(object).to_numpy()
    out = po.copy()
    for name in pd.unique(pl):
        m = pl == name
        sub = pd.Series(po[m], dtype=object)
        if name == "sonic":
            num = sub.str.extract(r"^Ethernet(\d+)$")[0]
            ok = num.notna().to_numpy()
            base = (pd.to_numeric(num[ok]).to_numpy(dtype=np.int64) // _LANES_PER_CAGE) * _LANES_PER_CAGE
            res = sub.to_numpy().copy()
            res[ok] = np.char.add("Ethernet", base.astype(str)).astype(object)
        elif name in ("cumulus", "eos"):
            rx = {"cumulus": _CUMULUS, "eos": _EOS}[name].pattern
            got = sub.str.extract(rx)[0]
            res = got.where(got.notna(), sub).to_numpy(dtype=object)
        elif name in ("ibdiagnet", "ib"):
            num = pd.to_numeric(sub, errors="coerce")
            ok = num.notna().to_numpy()
            res = sub.to_numpy().copy()
            res[ok] = np.char.add("cage", ((num[ok].to_numpy(dtype=np.int64) - 1) // 2 + 1).astype(str)).astype(object)
        else:
            res = sub.to_numpy()
        out[m] = res
    return out


def linecard_of(platform: str, port: str) -> str | None:
    """The linecard of a modular chassis port (EOS Ethernet3/1/1 -> '3'), else None."""
    if platform == "eos":
        m = re.match(r"^Ethernet(\d+)/\d+/\d+$", port)
        return m.group(1) if m else None
    return None


def harness_of(cable_id: str) -> str | None:
    """The breakout harness of a leg ('C123.2' -> 'C123'), else None."""
    head, dot, tail = cable_id.rpartition(".")
    return head if dot and tail.isdigit() and head else None
