"""netdiag.fabric.stats: the binomial upper tail in log space against exact big-integer sums."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from netdiag.fabric.stats import binom_sf, format_tail, log_binom_sf, log_factorial


def exact_log_sf(k: int, n: int, p: Fraction) -> float:
    """ln P(X >= k) by the exact integer sum (p rational)."""
    q = 1 - p
    s = sum(math.comb(n, i) * p.numerator ** i * (q.numerator * p.denominator // q.denominator) ** (n - i)
            for i in range(max(k, 0), n + 1))
    return math.log(s) - n * math.log(p.denominator) if s else -math.inf


# values computed once by the exact sum above (big integers, no floating point until the last log)
@pytest.mark.parametrize("k,n,p,want", [
    (50, 3000, 1e-5, -324.245181245642),          # exp() of this is below the smallest double
    (3000, 3000, 0.01, -13815.510557964275),      # a whole dark plane of 3000 links
    (1200, 4000, 0.001, -5852.933908900053),
    (7, 7, 0.5, -4.852030263919617),
    (1, 1000, 1e-9, -13.81551105746621),
    (2, 300, 1e-4, -7.729444584820612),
    (10, 40, 0.25, -0.5789969251065159),
    (5, 40, 0.25, -0.016172309496347737),
])
def test_log_tail_matches_the_exact_sum(k, n, p, want):
    assert float(log_binom_sf(k, n, p)) == pytest.approx(want, rel=1e-12)


def test_a_tail_too_small_for_a_float_is_zero_not_an_overflow():
    assert binom_sf(3000, 3000, 0.01) == 0.0
    assert binom_sf(5, 10, 0.1) == pytest.approx(0.0016349374, rel=1e-12)


def test_edges():
    assert binom_sf(0, 10, 0.3) == 1.0 and binom_sf(-1, 0, 0.0) == 1.0
    assert binom_sf(11, 10, 0.3) == 0.0 and binom_sf(1, 10, 0.0) == 0.0
    assert binom_sf(10, 10, 1.0) == 1.0
    with pytest.raises(ValueError):
        log_binom_sf(1, 10, 1.5)


def test_vectorised_over_parts():
    k = np.array([0, 1, 2, 3000])
    got = log_binom_sf(k, np.array([5, 5, 5, 3000]), 0.01)
    assert got.shape == (4,)
    assert got[0] == 0.0 and got[3] == pytest.approx(-13815.510557964275, rel=1e-12)
    assert got[1] == pytest.approx(math.log(1 - 0.99 ** 5), rel=1e-12)


def test_log_factorial_is_exact_below_and_above_the_table():
    n = np.array([0, 1, 10, 255, 256, 1000, 10 ** 6])
    assert np.allclose(log_factorial(n), [math.lgamma(x + 1) for x in n], rtol=1e-14, atol=0)


@given(n=st.integers(0, 120), k=st.integers(-2, 125), num=st.integers(0, 1000))
def test_agrees_with_the_exact_sum(n, k, num):
    p = Fraction(num, 1000)
    want = exact_log_sf(k, n, p)
    got = float(log_binom_sf(k, n, float(p)))
    if want == -math.inf:
        assert got == -math.inf
    else:
        assert got == pytest.approx(want, rel=1e-9, abs=1e-12)


@given(n=st.integers(1, 5000), p=st.floats(1e-9, 1 - 1e-9))
def test_monotone_in_k(n, p):
    ks = np.arange(0, n + 2)
    v = log_binom_sf(ks, n, p)
    assert np.all(np.isfinite(v[:-1])) and v[-1] == -math.inf
    assert np.all(np.diff(v[:-1]) <= 1e-9)


def test_format_tail_names_tails_below_the_smallest_double_by_their_power_of_ten():
    assert format_tail(5, 10, 0.1) == "p = 1.6e-03"
    assert format_tail(3000, 3000, 0.01) == "p = 1e-6000.0"      # 0.01 ** 3000 exactly
    assert format_tail(50, 3000, 1e-5) == "p = 1.5e-141"       # exp(-324.245...) above
