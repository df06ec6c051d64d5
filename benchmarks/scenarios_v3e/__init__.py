"""v3e: an independent scenario source for multi-plane Ethernet fabrics (Linux hosts; SONiC, NX-OS, Junos,
Cumulus switches). `generate.generate(shape, seed, out, n_faults, gpus)` writes devices.csv, cabling.csv,
truth.json and capture/; benchmarks/bench_independent_v3.py scores netdiag on it; MISSES.md lists what it
found."""
