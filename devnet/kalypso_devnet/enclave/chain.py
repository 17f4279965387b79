"""The few chain reads the generator client makes (spec §2.8): balance, EntityKeyRegistry.pub_key and the
operator's per-market state, over plain JSON-RPC (urllib, no web3)."""
from __future__ import annotations

import json
import urllib.request

from eth_abi import decode as abi_decode, encode as abi_encode
from eth_utils import keccak

MIN_GAS_BALANCE_WEI = 50_000_000_000_000_000  # 0.05 ETH, generator_client kalypso.rs


def _selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


SEL_PUB_KEY = _selector("pub_key(address,uint256)")
SEL_PROVER_INFO = _selector("proverInfoPerMarket(address,uint256)")
SEL_GENERATOR_INFO = _selector("generatorInfoPerMarket(address,uint256)")


class ChainError(Exception):
    """The node could not be reached or answered with an error (the real client answers 500 then)."""


class Reverted(ChainError):
    """eth_call reverted."""


class Chain:
    """A JSON-RPC endpoint; `url` is the runtime_config http_url."""

    def __init__(self, url: str, timeout: float = 5.0):
        self.url = url
        self.timeout = timeout

    def _rpc(self, method: str, params: list):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
        req = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                answer = json.loads(resp.read())
        except Exception as exc:  # unreachable node, bad URL, non-JSON: all a validation failure (500)
            raise ChainError(f"{method} failed: {type(exc).__name__}") from exc
        if not isinstance(answer, dict):
            raise ChainError(f"{method}: malformed JSON-RPC answer")
        if answer.get("error"):
            err = answer["error"]
            if (isinstance(err, dict) and err.get("code") == 3) or "revert" in str(err).lower():
                raise Reverted(f"{method} reverted")
            raise ChainError(f"{method}: node error")
        return answer.get("result")

    def balance(self, address: str) -> int:
        result = self._rpc("eth_getBalance", [address, "latest"])
        if not isinstance(result, str):
            raise ChainError("eth_getBalance: malformed result")
        return int(result, 16)

    def call(self, to: str, data: bytes) -> bytes:
        result = self._rpc("eth_call", [{"to": to, "data": "0x" + data.hex()}, "latest"])
        if not isinstance(result, str) or not result.startswith("0x"):
            raise ChainError("eth_call: malformed result")
        return bytes.fromhex(result[2:])

    def pub_key(self, registry: str, operator: str, market: int) -> bytes:
        """EntityKeyRegistry.pub_key(operator, market) (spec §2.8)."""
        out = self.call(registry, SEL_PUB_KEY + abi_encode(["address", "uint256"], [operator, market]))
        try:
            return abi_decode(["bytes"], out)[0]
        except Exception as exc:
            raise ChainError("pub_key: undecodable result (is entity_registry a contract?)") from exc

    def market_state(self, registry: str, operator: str, market: int) -> int:
        """The first field (state) of proverInfoPerMarket (Gen B ProverManager) or, if that reverts or is absent,
        generatorInfoPerMarket (Gen A GeneratorRegistry)."""
        args = abi_encode(["address", "uint256"], [operator, market])
        for selector in (SEL_PROVER_INFO, SEL_GENERATOR_INFO):
            try:
                out = self.call(registry, selector + args)
            except Reverted:
                continue
            if len(out) >= 32:
                return int.from_bytes(out[:32], "big")
        raise ChainError("generator_registry answers neither proverInfoPerMarket nor generatorInfoPerMarket")

