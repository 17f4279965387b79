"""Names shared by the simulator and its command line (kept import-light so `ctl` starts fast)."""
SERVICES = ("generator", "attestation", "verifier", "control")
FAULT_MODES = ("http500", "malformed", "drop")
BENCHMARK_SHAPES = ("A", "B", "C", "501")
PROGRAMS = ("listener", "prover")
