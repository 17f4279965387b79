"""Scenarios that make a deployed devnet look lived-in (other provers, bids, tasks, proofs, slashes)."""
