"""Enclave simulator: a simulated prover enclave (generator client API, attestation server) and the
attestation verifier enclave, over HTTP. Run it with `python -m kalypso_devnet.enclave serve`."""
from .modes import BENCHMARK_SHAPES, FAULT_MODES, SERVICES

__all__ = ["Simulator", "SERVICES", "FAULT_MODES", "BENCHMARK_SHAPES"]


def __getattr__(name):
    # Lazy: the control CLI should not pay for importing the crypto libraries.
    if name == "Simulator":
        from .server import Simulator
        return Simulator
    raise AttributeError(name)
