"""Enclave simulator: a simulated prover enclave (generator client API, attestation server) and the
attestation verifier enclave, over HTTP. Run it with `python -m kalypso_devnet.enclave serve`."""
from .server import BENCHMARK_SHAPES, FAULT_MODES, SERVICES, Simulator

__all__ = ["Simulator", "SERVICES", "FAULT_MODES", "BENCHMARK_SHAPES"]
