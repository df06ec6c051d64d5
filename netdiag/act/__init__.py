"""Act on findings: isolation plans under capacity rules (isolate.py), per-platform port commands
(commands.py), applying them with an undo journal (apply.py, journal.py), Slurm and Kubernetes
(slurm.py, k8s.py) and the healthy topology those schedulers read (topology.py)."""
