"""A local Kalypso network: JSON-RPC node, look-alike contracts of both generations, enclave simulator."""
