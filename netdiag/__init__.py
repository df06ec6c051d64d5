"""netdiag: fabric link-health and cabling diagnostics for large AI data centers."""

__version__ = "0.1.0"
