"""kalypso_devnet.reductions, the reference for the Generation A reduction amounts, on values worked out by
hand from the real contract's integer arithmetic (and the one observed on it: 11 reduced by 6 leaves 4)."""
import pytest

from kalypso_devnet.reductions import EXPONENT, Reduction, intended_utilization, reduction, total_after


def test_observed_compute_case():
    r = reduction(11, 6)
    # 5e18 // 11 = 454545454545454545; · 11 = 4999999999999999995; // 1e18 = 4
    assert (r.utilization, r.new_total, r.released) == (454_545_454_545_454_545, 4, 7)


def test_exact_when_the_ratio_is_exact():
    assert reduction(8, 2) == Reduction(8, 2, 750_000_000_000_000_000, 6, 2)
    assert reduction(100 * EXPONENT, 40 * EXPONENT).released == 40 * EXPONENT


def test_stake_pays_more_than_asked_by_at_most_total_over_1e18():
    total, asked = 3 * EXPONENT + 1, EXPONENT
    # (2e18 + 1) · 1e18 // (3e18 + 1) = 666666666666666666 (rounded down)
    assert intended_utilization(total, asked) == 666_666_666_666_666_666
    # 666666666666666666 · (3e18 + 1) = 1999999999999999998e18 + 666666666666666666, // 1e18 → 1999999999999999998
    assert total_after(total, 666_666_666_666_666_666) == 1_999_999_999_999_999_998
    assert reduction(total, asked).released == asked + 3
    assert reduction(total, asked).released - asked <= total // EXPONENT


@pytest.mark.parametrize("requested", [0, 12])
def test_amounts_the_contract_refuses(requested):
    with pytest.raises(ValueError, match="CannotBeZero|Panic"):
        intended_utilization(11, requested)
