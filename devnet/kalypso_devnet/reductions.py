"""The Generation A two-step reductions' integer arithmetic, as the real GeneratorRegistry does it, so
that tests (and anyone writing a client) can compute the outcome without the contract.

`intendToReduceCompute(r)` / `intendToReduceStake(r)` do not store the target; they store a utilisation
rounded DOWN, and the second step (`decreaseDeclaredCompute()` / `unstake(to)`) multiplies it back, again
rounding down:

    utilization = (current - r) * 10**18 // current        # intendedComputeUtilization / intendedStakeUtilization
    new_total   = utilization * current // 10**18           # declaredCompute / totalStake afterwards
    released    = current - new_total                       # DecreaseCompute.compute / the unstake payout

So the new total can land below `current - r` and the payout above `r`: declared compute 11 reduced by 6
leaves 4 (not 5), and `unstake` pays up to current/1e18 base units more than asked. The second step
reads `current` again, so a stake added in between changes the payout.

    >>> reduction(11, 6)
    Reduction(current=11, requested=6, utilization=454545454545454545, new_total=4, released=7)
"""
from __future__ import annotations

from dataclasses import dataclass

EXPONENT = 10**18


@dataclass(frozen=True)
class Reduction:
    """Outcome of reducing `current` by `requested` in two steps on the real Generation A contract."""
    current: int
    requested: int
    utilization: int
    new_total: int
    released: int


def intended_utilization(current: int, requested: int) -> int:
    """What step 1 stores (and logs as RequestComputeDecrease / RequestStakeDecrease.intendedUtilization)."""
    if not 0 < requested <= current:
        raise ValueError(f"requested must be in 1..{current} (0 reverts CannotBeZero, more reverts Panic(0x11)), "
                         f"got {requested}")
    return (current - requested) * EXPONENT // current


def total_after(current: int, utilization: int) -> int:
    """What step 2 leaves as the new total for the stored `utilization` and the total `current` it reads then."""
    return utilization * current // EXPONENT


def reduction(current: int, requested: int) -> Reduction:
    """Both steps with no change to the total in between."""
    u = intended_utilization(current, requested)
    new_total = total_after(current, u)
    return Reduction(current, requested, u, new_total, current - new_total)


__all__ = ["EXPONENT", "Reduction", "intended_utilization", "total_after", "reduction"]
