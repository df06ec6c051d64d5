"""Renderers: terminal table, JSON/JSONL (and later HTML, tickets, Prometheus)."""
