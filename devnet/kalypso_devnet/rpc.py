"""A small JSON-RPC client and ABI-aware contract wrapper over HTTP, used by the deploy and scenario
scripts and the tests (everything talks to the node the way the console does: raw JSON-RPC).

    rpc = Rpc("http://127.0.0.1:8545")
    c = Contract(rpc, address, abi)
    c.call("proverRegistry", addr)               # decoded outputs (one value unwrapped)
    c.transact(account, "register", reward, 8, b"{}")   # signed type-2 tx -> receipt dict
    c.events(receipt, "ProverRegistered")        # decoded logs of that event

A revert raises `Reverted` with the revert data, its 4-byte selector and, when the ABI (or the
registry of known errors) has it, the error name and arguments.
"""
from __future__ import annotations

import http.client
import itertools
import json
import threading
from urllib.parse import urlparse

from eth_abi import decode as abi_decode, encode as abi_encode
from eth_account import Account
from eth_utils import keccak, to_checksum_address

from .constants import CHAIN_ID, HD_PATH, MNEMONIC

Account.enable_unaudited_hdwallet_features()


def dev_account(index: int):
    """The dev account `index` of the anvil/hardhat mnemonic (eth-account LocalAccount)."""
    return Account.from_mnemonic(MNEMONIC, account_path=f"{HD_PATH}/{index}")


class RpcError(Exception):
    """A JSON-RPC error object returned by the node."""

    def __init__(self, code, message, data=None):
        super().__init__(f"{message} (code {code})")
        self.code, self.message, self.data = code, message, data


class Reverted(RpcError):
    """Execution reverted; `data` is the raw revert bytes, `error` the decoded custom error name
    (or None), `args` its decoded arguments."""

    def __init__(self, code, message, data: bytes, error=None, args=()):
        self.raw = data
        self.error, self.args_ = error, tuple(args)
        super().__init__(code, message + (f" [{error}{self.args_}]" if error else f" [0x{data.hex()}]"), data)

    @property
    def selector(self) -> str:
        return "0x" + self.raw[:4].hex()


class Rpc:
    """Blocking JSON-RPC over one keep-alive HTTP connection (thread-safe by a lock)."""

    def __init__(self, url: str, timeout: float = 60):
        u = urlparse(url)
        self.url = url
        self.host, self.port = u.hostname or "127.0.0.1", u.port or 80
        self.timeout = timeout
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._conn = None

    def _post(self, body):
        data = json.dumps(body)
        with self._lock:
            for attempt in (0, 1):
                if self._conn is None:
                    self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                try:
                    self._conn.request("POST", "/", data, {"Content-Type": "application/json"})
                    return json.loads(self._conn.getresponse().read())
                except (ConnectionError, http.client.HTTPException, OSError):
                    self._conn.close()
                    self._conn = None
                    if attempt:
                        raise

    def raw(self, method, *params):
        return self._post({"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": list(params)})

    def __call__(self, method, *params):
        r = self.raw(method, *params)
        if "error" in r:
            e = r["error"]
            raise RpcError(e.get("code"), e.get("message"), e.get("data"))
        return r["result"]

    def batch(self, calls):
        """[(method, [params])] -> list of raw response objects in request order."""
        body = [{"jsonrpc": "2.0", "id": i, "method": m, "params": list(p)} for i, (m, p) in enumerate(calls)]
        out = self._post(body)
        return sorted(out, key=lambda r: r.get("id", 0)) if isinstance(out, list) else out

    # conveniences
    def block_number(self) -> int:
        return int(self("eth_blockNumber"), 16)

    def timestamp(self, block="latest") -> int:
        return int(self("eth_getBlockByNumber", block, False)["timestamp"], 16)

    def balance(self, addr) -> int:
        return int(self("eth_getBalance", addr, "latest"), 16)

    def snapshot(self) -> str:
        return self("evm_snapshot")

    def revert(self, snap) -> bool:
        return self("evm_revert", snap)

    def increase_time(self, secs: int):
        self("evm_increaseTime", int(secs))
        self("evm_mine")

    def send_tx(self, account, to=None, data=b"", value=0, gas=None):
        """Sign and send a type-2 transaction; returns the receipt. Raises Reverted when gas
        estimation fails with a revert (the tx is then not sent), RuntimeError if mined with status 0."""
        data_hex = "0x" + bytes(data).hex() if not isinstance(data, str) else data
        if gas is None:
            p = {"from": account.address, "data": data_hex, "value": hex(value)}
            if to:
                p["to"] = to
            try:
                gas = int(self("eth_estimateGas", p), 16)
            except RpcError as e:
                raise as_revert(e) from None
            gas = gas + gas // 5 + 10_000
        nonce = int(self("eth_getTransactionCount", account.address, "pending"), 16)
        base = int(self("eth_getBlockByNumber", "latest", False)["baseFeePerGas"], 16)
        tip = 10**9
        tx = {"type": 2, "chainId": CHAIN_ID, "nonce": nonce, "value": value, "data": data_hex, "gas": gas,
              "maxPriorityFeePerGas": tip, "maxFeePerGas": 2 * base + tip}
        if to:
            tx["to"] = to_checksum_address(to)
        signed = account.sign_transaction(tx)
        h = self("eth_sendRawTransaction", "0x" + signed.raw_transaction.hex())
        rc = self("eth_getTransactionReceipt", h)
        if rc is None:
            raise RuntimeError(f"transaction {h} was not mined (automine off?)")
        if rc["status"] != "0x1":
            raise RuntimeError(f"transaction {h} reverted on chain (status 0)")
        return rc


# ------------------------------------------------------------------ ABI helpers

def _type(i):
    t = i["type"]
    if t.startswith("tuple"):
        return "(" + ",".join(_type(c) for c in i["components"]) + ")" + t[5:]
    return t


def signature(entry) -> str:
    return f"{entry['name']}({','.join(_type(i) for i in entry.get('inputs', []))})"


def selector(sig: str) -> str:
    return "0x" + keccak(text=sig)[:4].hex()


def topic(sig: str) -> str:
    return "0x" + keccak(text=sig).hex()


# Errors decoded for every contract, in addition to the contract's own ABI entries.
_KNOWN_ERRORS: dict[bytes, tuple[str, list[str]]] = {}


def register_errors(abi):
    for e in abi:
        if e.get("type") == "error":
            _KNOWN_ERRORS[keccak(text=signature(e))[:4]] = (e["name"], [_type(i) for i in e.get("inputs", [])])


_KNOWN_ERRORS[bytes.fromhex("08c379a0")] = ("Error", ["string"])
_KNOWN_ERRORS[bytes.fromhex("4e487b71")] = ("Panic", ["uint256"])
# Raised by the real contracts but absent from the shipped ABIs (spec §2.7).
for _sig in ("TeeVerifierEnclaveKeyNotVerified(bytes,bytes,bytes)",):
    _KNOWN_ERRORS[keccak(text=_sig)[:4]] = (_sig.split("(")[0], _sig[_sig.index("(") + 1:-1].split(","))


def _register_repo_abis():
    """Decode every custom error of the project's ABI files (abi/ at the repository root), since
    Vyper does not list errors raised with raw_revert in its ABI output."""
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent.parent / "abi"
    for f in sorted(root.rglob("*.json")):
        try:
            abi = json.loads(f.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(abi, list):
            register_errors(abi)


_register_repo_abis()


def decode_error(data: bytes):
    """(name, args) of a revert payload using every ABI registered so far, or (None, ())."""
    hit = _KNOWN_ERRORS.get(bytes(data[:4]))
    if not hit:
        return None, ()
    name, types = hit
    try:
        return name, _norm(abi_decode(types, bytes(data[4:])))
    except Exception:
        return name, ()


def as_revert(e: RpcError) -> RpcError:
    """geth answers a revert with data as code 3 + data, and one without data as -32000
    "execution reverted": both become Reverted (the latter with raw == b"")."""
    if e.code == 3 and isinstance(e.data, str):
        data = bytes.fromhex(e.data[2:])
        name, args = decode_error(data)
        return Reverted(e.code, e.message, data, name, args)
    if e.code == -32000 and e.message == "execution reverted":
        return Reverted(e.code, e.message, b"")
    return e


def _norm(v):
    if isinstance(v, bytes):
        return v
    if isinstance(v, (list, tuple)):
        return type(v)(_norm(x) for x in v)
    if isinstance(v, str) and len(v) == 42 and v.startswith("0x"):
        return to_checksum_address(v)
    return v


class Contract:
    """A deployed contract reached over JSON-RPC, with ABI encoding/decoding by eth-abi."""

    def __init__(self, rpc: Rpc, address: str, abi: list, name: str = ""):
        self.rpc, self.address, self.abi, self.name = rpc, to_checksum_address(address), abi, name
        self._fns: dict[str, list] = {}
        self._events: dict[str, dict] = {}
        for e in abi:
            if e.get("type") == "function":
                self._fns.setdefault(e["name"], []).append(e)
                self._fns[signature(e)] = [e]
            elif e.get("type") == "event":
                self._events[e["name"]] = e
                self._events[signature(e)] = e
        register_errors(abi)

    def fn(self, name):
        c = self._fns.get(name)
        if not c:
            raise KeyError(f"{self.name or self.address} has no function {name!r}")
        if len(c) > 1:
            raise KeyError(f"{name!r} is overloaded on {self.name}: use one of {[signature(e) for e in c]}")
        return c[0]

    def encode(self, name, *args) -> bytes:
        f = self.fn(name)
        types = [_type(i) for i in f["inputs"]]
        return keccak(text=signature(f))[:4] + abi_encode(types, list(args))

    def call(self, name, *args, sender=None, block="latest"):
        f = self.fn(name)
        p = {"to": self.address, "data": "0x" + self.encode(name, *args).hex()}
        if sender:
            p["from"] = sender if isinstance(sender, str) else sender.address
        try:
            out = self.rpc("eth_call", p, block)
        except RpcError as e:
            raise as_revert(e) from None
        types = [_type(o) for o in f.get("outputs", [])]
        vals = _norm(abi_decode(types, bytes.fromhex(out[2:])))
        return vals[0] if len(vals) == 1 else vals

    def transact(self, account, name, *args, value=0, gas=None):
        return self.rpc.send_tx(account, self.address, self.encode(name, *args), value, gas)

    def events(self, receipt_or_logs, name):
        """Decoded logs of event `name` emitted by this contract in a receipt (or a list of logs)."""
        ev = self._events[name]
        logs = receipt_or_logs["logs"] if isinstance(receipt_or_logs, dict) else receipt_or_logs
        t0 = topic(signature(ev))
        out = []
        for lg in logs:
            if lg["address"].lower() != self.address.lower() or not lg["topics"] or lg["topics"][0] != t0:
                continue
            out.append(decode_log(ev, lg))
        return out

    def logs(self, name, from_block=0, to_block="latest"):
        ev = self._events[name]
        raw = self.rpc("eth_getLogs", {"address": self.address, "fromBlock": hex(from_block) if isinstance(from_block, int) else from_block,
                                       "toBlock": hex(to_block) if isinstance(to_block, int) else to_block,
                                       "topics": [topic(signature(ev))]})
        return [decode_log(ev, lg) for lg in raw]


def decode_log(ev, lg) -> dict:
    ins = ev.get("inputs", [])
    idx = [i for i in ins if i.get("indexed")]
    non = [i for i in ins if not i.get("indexed")]
    out = {}
    for i, t in zip(idx, lg["topics"][1:]):
        ty = _type(i)
        if ty in ("bytes", "string") or ty.endswith("]") or ty.startswith("("):
            out[i["name"]] = bytes.fromhex(t[2:])  # hashed
        else:
            out[i["name"]] = _norm(abi_decode([ty], bytes.fromhex(t[2:]))[0])
    vals = abi_decode([_type(i) for i in non], bytes.fromhex(lg["data"][2:]))
    for i, v in zip(non, vals):
        out[i["name"]] = _norm(v)
    out["_block"] = int(lg["blockNumber"], 16)
    return out


def deploy(rpc: Rpc, account, artifact, *ctor_args, name: str = "") -> Contract:
    """Deploy a compiled artifact (compile.Artifact) with constructor args; returns its Contract."""
    ctor = next((e for e in artifact.abi if e.get("type") == "constructor"), None)
    data = bytes.fromhex(artifact.bytecode[2:])
    if ctor:
        data += abi_encode([_type(i) for i in ctor["inputs"]], list(ctor_args))
    elif ctor_args:
        raise TypeError(f"{artifact.name} takes no constructor arguments")
    rc = rpc.send_tx(account, None, data)
    return Contract(rpc, rc["contractAddress"], artifact.abi, name or artifact.name)
