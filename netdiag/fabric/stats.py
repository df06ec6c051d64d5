"""Numerically safe statistics for the localizer, in log space and vectorised with numpy.

The shared-part test asks how surprising it is that k of the n links through one part are bad when
the fleet's base rate is p: the binomial upper tail P(X >= k), X ~ Binomial(n, p). A dark plane or
row makes k and n reach the thousands, where a term-by-term sum of comb(n, i) p^i (1-p)^(n-i)
overflows a float (and costs O(n) Python big-int work per part). Here the tail is the regularized
incomplete beta function I_p(k, n - k + 1), evaluated by its continued fraction (modified Lentz)
for all parts at once, with every factor kept as a logarithm. See docs/localization.md.
"""

from __future__ import annotations

import math

import numpy as np

_TINY = 1e-300
_EPS = 1e-15
_TABLE_N = 256
_LOG_FACT = np.array([math.lgamma(i + 1.0) for i in range(_TABLE_N)])


def log_factorial(n) -> np.ndarray:
    """ln(n!) for non-negative integers n (array-like): exact table below 256, Stirling's series
    above (its truncation error there is below 1e-19)."""
    n = np.asarray(n, dtype=float)
    small = n < _TABLE_N
    out = np.empty_like(n)
    out[small] = _LOG_FACT[n[small].astype(np.int64)]
    m = n[~small]
    out[~small] = (m * np.log(m) - m + 0.5 * np.log(2 * np.pi * m)
                   + 1 / (12 * m) - 1 / (360 * m ** 3) + 1 / (1260 * m ** 5))
    return out


def _log_beta(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """ln B(a, b) for positive integers a, b."""
    return log_factorial(a - 1) + log_factorial(b - 1) - log_factorial(a + b - 1)


def _betacf(a: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Continued fraction of the incomplete beta function (converges for x < (a+1)/(a+b+2)),
    iterated for all entries together until every one has converged."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = np.ones_like(x)
    d = 1.0 - qab * x / qap
    d = 1.0 / np.where(np.abs(d) < _TINY, _TINY, d)
    h = d.copy()
    done = np.zeros(x.shape, dtype=bool)
    # convergence takes O(sqrt(max(a, b))) steps
    steps = int(20 + 4 * math.sqrt(float(np.max(np.maximum(a, b), initial=1.0))))
    for m in range(1, steps + 1):
        m2 = 2.0 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / np.where(np.abs(d) < _TINY, _TINY, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < _TINY, _TINY, c)
        h = np.where(done, h, h * d * c)
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / np.where(np.abs(d) < _TINY, _TINY, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < _TINY, _TINY, c)
        delta = d * c
        h = np.where(done, h, h * delta)
        done |= np.abs(delta - 1.0) < _EPS
        if done.all():
            break
    return h


def log_binom_sf(k, n, p) -> np.ndarray:
    """ln P(X >= k) for X ~ Binomial(n, p), elementwise over broadcast array-likes.

    k and n are integers (k may be <= 0 or > n), p a probability. Never overflows: a tail too small
    for a float is still a finite logarithm (e.g. -2.3e4), and exp() of it is 0.0, not an error."""
    k, n, p = np.broadcast_arrays(np.asarray(k, dtype=float), np.asarray(n, dtype=float),
                                  np.asarray(p, dtype=float))
    out = np.full(k.shape, np.nan)
    if np.any(n < 0) or np.any((p < 0) | (p > 1)) or np.any(np.isnan(p)):
        raise ValueError("log_binom_sf: n must be >= 0 and p within [0, 1]")
    certain = (k <= 0) | ((p >= 1) & (k <= n))
    impossible = ~certain & ((k > n) | (p <= 0))
    out[certain] = 0.0
    out[impossible] = -np.inf
    todo = ~(certain | impossible)
    if todo.any():
        a, b, x = k[todo], n[todo] - k[todo] + 1.0, p[todo]
        # I_x(a, b) = x^a (1-x)^b / (a B(a,b)) * cf(a, b, x); use the side where the fraction converges
        direct = x < (a + 1.0) / (a + b + 2.0)
        res = np.empty_like(x)
        lb = _log_beta(a, b)
        front = a * np.log(x) + b * np.log1p(-x) - lb
        if direct.any():
            cf = _betacf(a[direct], b[direct], x[direct])
            res[direct] = front[direct] - np.log(a[direct]) + np.log(cf)
        if (~direct).any():
            ia = ~direct
            cf = _betacf(b[ia], a[ia], 1.0 - x[ia])
            lower = front[ia] - np.log(b[ia]) + np.log(cf)   # ln(1 - I_x(a, b))
            res[ia] = np.log(-np.expm1(np.minimum(lower, 0.0)))
        out[todo] = np.minimum(res, 0.0)
    return out


def binom_sf(k, n, p):
    """P(X >= k) for X ~ Binomial(n, p): exp(log_binom_sf); a float for scalar input."""
    r = np.exp(log_binom_sf(k, n, p))
    return float(r) if r.ndim == 0 else r


def format_tail(k: int, n: int, p: float) -> str:
    """'p = 3.2e-05', or for a tail below the smallest double its power of ten ('p = 1e-6000.3')."""
    lp = float(log_binom_sf(k, n, p))
    if lp > -700:
        return f"p = {math.exp(lp):.1e}"
    return f"p = 1e{lp / math.log(10):.1f}"
