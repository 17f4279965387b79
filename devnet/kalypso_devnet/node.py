"""The local Kalypso devnet node: Ethereum JSON-RPC over HTTP on an in-process EVM.

Serves Ethereum JSON-RPC (stdlib http.server) on top of eth-tester + py-evm (Prague rules). Every
transaction is mined into its own block (automine), like anvil/hardhat defaults; blocks carry
wall-clock timestamps (plus any evm_increaseTime offset) because attestation freshness and Gen B
deadlines compare against block.timestamp.

    python -m kalypso_devnet.node --port 0        # first line: "devnet listening on http://127.0.0.1:PORT chainId=31337"

Dev accounts: the well-known "test test ... junk" mnemonic (same addresses and
keys as anvil / hardhat), 10 accounts with 10000 ETH each.

Dev helpers use the anvil/hardhat method names: evm_mine, anvil_mine,
hardhat_mine, evm_snapshot, evm_revert, anvil_setBalance, hardhat_setBalance,
anvil_setCode, anvil_setStorageAt, anvil_setNonce, evm_increaseTime,
evm_setNextBlockTimestamp, evm_setAutomine; plus dev_fund(address, wei)
(a real signed transfer from dev account 0), dev_setMaxLogRange(n) and dev_setMaxLogResults(n)
(0 = unlimited).

eth_getLogs refuses ranges wider than --max-log-range blocks with code -32005
"query exceeds max block range N", and answers with more than --max-log-results logs with -32005
"query returned more than N results", like hosted providers do, so clients' adaptive log sync can be
exercised. evm_revert followed by new transactions replaces blocks at the same heights with new
hashes: a reorg, as far as a client can tell.
"""
import argparse
import json
from contextlib import contextmanager
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from eth_tester import EthereumTester, PyEVMBackend
from eth_tester.exceptions import BlockNotFound, TransactionNotFound
from eth.exceptions import Revert, VMError
from eth.vm.spoof import SpoofTransaction
from eth_bloom import BloomFilter
from eth_utils import to_canonical_address, to_checksum_address, ValidationError as EUValidationError
EthValidationError = EUValidationError  # py-evm raises eth_utils.ValidationError

from .constants import MNEMONIC, HD_PATH, CHAIN_ID
ZERO_ADDR = b"\x00" * 20
GWEI = 10**9
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
PREFIXES = ("eth_", "net_", "web3_", "evm_", "anvil_", "hardhat_", "dev_")


class RpcError(Exception):
    def __init__(self, code, message, data=None):
        super().__init__(message)
        self.code, self.message, self.data = code, message, data


# ---------------------------------------------------------------- hex helpers
def q(n):  # quantity
    return hex(int(n))


def hx(b):
    if isinstance(b, str):
        return b if b.startswith("0x") else "0x" + b
    return "0x" + bytes(b).hex()


def pq(v, name="quantity"):
    if isinstance(v, int):
        return v
    if not isinstance(v, str) or not v.startswith("0x"):
        raise RpcError(-32602, f"invalid {name}: {v!r}")
    try:
        return int(v, 16)
    except ValueError:
        raise RpcError(-32602, f"invalid {name}: {v!r}")


def pb(v, name="data"):
    if v is None:
        return b""
    if not isinstance(v, str) or not v.startswith("0x") or len(v) % 2:
        raise RpcError(-32602, f"invalid {name}: {v!r}")
    try:
        return bytes.fromhex(v[2:])
    except ValueError:
        raise RpcError(-32602, f"invalid {name}: {v!r}")


def paddr(v):
    b = pb(v, "address")
    if len(b) != 20:
        raise RpcError(-32602, f"invalid address: {v!r}")
    return b


def camel(k):
    head, *rest = k.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def conv(v):
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int):
        return q(v)
    if isinstance(v, (bytes, bytearray)):
        return hx(v)
    if isinstance(v, (list, tuple)):
        return [conv(x) for x in v]
    if isinstance(v, dict):
        return {camel(k): conv(x) for k, x in v.items()}
    return v


def bloom_hex(value):
    return "0x" + int(value).to_bytes(256, "big").hex()


# ---------------------------------------------------------------- the node
class Node:
    def __init__(self, chain_id=CHAIN_ID, accounts=10, balance_eth=10_000, mnemonic=MNEMONIC,
                 allow_unprotected=False, max_log_range=0, max_log_results=0):
        overrides = {"balance": balance_eth * 10**18}
        self.backend = PyEVMBackend.from_mnemonic(
            mnemonic, genesis_state_overrides=overrides, num_accounts=accounts, hd_path=HD_PATH)
        type(self.backend.chain).chain_id = chain_id  # class is private to this backend
        self.chain_id = chain_id
        self.t = EthereumTester(backend=self.backend)
        self.allow_unprotected = allow_unprotected
        self.max_log_range = max_log_range
        self.max_log_results = max_log_results
        self.time_offset = 0        # seconds added to wall clock (evm_increaseTime)
        self.next_timestamp = None  # evm_setNextBlockTimestamp
        self._snapshot_offsets = {}
        self.lock = threading.RLock()
        self._refresh_pending()

    @property
    def chain(self):
        return self.backend.chain

    # ---- block resolution
    def tag(self, v, default="latest", strict=True):
        """JSON-RPC block tag -> eth-tester block identifier (int or tag)."""
        if v is None:
            return default
        if isinstance(v, dict):  # EIP-1898
            if "blockHash" in v:
                return self.t.get_block_by_hash(v["blockHash"])["number"]
            v = v.get("blockNumber", default)
        if v in ("latest", "safe", "finalized", "pending", "earliest"):
            return "latest" if v in ("safe", "finalized") else v
        n = pq(v, "block number")
        if strict and n > self.head_number():
            raise RpcError(-32000, "header not found")
        return n

    def _refresh_pending(self):
        """Give the pending block the current (offset) wall-clock time: py-evm stamps it when the
        previous block is mined, which on an idle chain would lag behind."""
        if self.chain.get_block().transactions:
            return  # automine off and transactions pending: their block keeps the time they ran at
        parent = self.chain.get_canonical_head()
        if self.next_timestamp is not None:
            ts = max(self.next_timestamp, parent.timestamp + 1)
        else:
            ts = max(int(time.time()) + self.time_offset, parent.timestamp + 1)
        self.chain.header = self.chain.header.copy(timestamp=ts)

    def _mined(self):
        self.next_timestamp = None
        self._refresh_pending()

    def head_number(self):
        return self.chain.get_canonical_head().block_number

    def header_for(self, tag):
        if tag in ("latest", "pending"):
            return self.chain.get_canonical_head()
        if tag == "earliest":
            return self.chain.get_canonical_block_header_by_number(0)
        return self.chain.get_canonical_block_header_by_number(tag)

    # ---- formatting
    def fmt_tx(self, tx):
        d = dict(tx)
        d["input"] = d.pop("data")
        if d.get("to") in ("", "0x", None):
            d["to"] = None
        d.pop("type", None)
        out = conv(d)
        out["type"] = tx.get("type") or "0x0"
        if "access_list" in tx:
            out["accessList"] = [{"address": a["address"], "storageKeys": list(a["storage_keys"])}
                                 for a in tx["access_list"]]
        return out

    def fmt_log(self, log):
        d = dict(log)
        d.pop("type", None)
        out = conv(d)
        out["removed"] = False
        return out

    def fmt_receipt(self, r):
        d = dict(r)
        d.pop("state_root", None)
        logs = d.pop("logs")
        typ = d.pop("type", "0x0")
        if d.get("to") in ("", "0x"):
            d["to"] = None
        out = conv(d)
        out["type"] = typ
        bn, ti = r["block_number"], r["transaction_index"]
        out["logs"] = [l[2] for l in self._block_logs(bn) if l[2]["transactionIndex"] == q(ti)] if logs else []
        bloom = BloomFilter()
        for l in logs:
            bloom.add(bytes.fromhex(l["address"][2:]))
            for t in l["topics"]:
                bloom.add(bytes.fromhex(t[2:]))
        out["logsBloom"] = bloom_hex(int(bloom))
        return out

    def fmt_block(self, b, full):
        d = dict(b)
        txs = d.pop("transactions")
        d["miner"] = d.pop("coinbase")
        bloom = d.pop("logs_bloom")
        out = conv(d)
        out["logsBloom"] = bloom_hex(bloom) if isinstance(bloom, int) else bloom
        out["transactions"] = [self.fmt_tx(t) for t in txs] if full else list(txs)
        return out

    # ---- call / estimate on a costless state
    def _call_tx(self, vm, state, p, gas):
        sender = paddr(p["from"]) if p.get("from") else ZERO_ADDR
        to = paddr(p["to"]) if p.get("to") else b""
        data = pb(p.get("input") or p.get("data") or "0x")
        value = pq(p.get("value", "0x0"))
        tx = vm.create_unsigned_transaction(
            nonce=state.get_nonce(sender), gas_price=0, gas=gas, to=to, value=value, data=data)
        return SpoofTransaction(tx, from_=sender)

    @staticmethod
    def _raise_vm_error(comp):
        err = comp.error
        if isinstance(err, Revert):
            data = comp.output or b""
            if not data:  # geth: no revert data -> a plain error without code 3 / data
                raise RpcError(-32000, "execution reverted")
            msg = "execution reverted"
            if data[:4] == bytes.fromhex("08c379a0"):
                try:
                    from eth_abi import decode
                    msg += ": " + decode(["string"], data[4:])[0]
                except Exception:
                    pass
            raise RpcError(3, msg, hx(data))
        raise RpcError(-32000, str(err) or type(err).__name__)

    def _apply(self, state, tx):
        snap = state.snapshot()
        try:
            return state.apply_transaction(tx)
        except EthValidationError as e:
            raise RpcError(-32000, str(e))
        finally:
            state.revert(snap)

    @contextmanager
    def _call_state(self, block):
        """(vm, state) to run eth_call/eth_estimateGas in, without gas cost. Like geth, the block
        context (number, timestamp, BLOCKHASH) is that of the requested block itself, on its
        post-state; "pending" runs in a fresh child of the latest block (wall-clock time)."""
        tag = self.tag(block)
        header = self.header_for(tag)
        vm = self.chain.get_vm(at_header=header)
        if tag == "pending":
            with vm.in_costless_state() as state:
                yield vm, state
            return
        free = header.copy(base_fee_per_gas=0) if hasattr(header, "base_fee_per_gas") else header
        state = vm.build_state(vm.chaindb.db, free, vm.chain_context, vm.previous_hashes)
        snap = state.snapshot()
        try:
            yield vm, state
        finally:
            state.revert(snap)

    def eth_call(self, p, block=None, *_):
        with self._call_state(block) as (vm, state):
            gas = pq(p["gas"]) if p.get("gas") else state.gas_limit
            comp = self._apply(state, self._call_tx(vm, state, p, gas))
            if comp.is_error:
                self._raise_vm_error(comp)
            return hx(comp.output)

    def eth_estimateGas(self, p, block=None, *_):
        # estimate against the pending block, as geth does by default
        with self._call_state(block or "pending") as (vm, state):
            cap = pq(p["gas"]) if p.get("gas") else state.gas_limit
            base = self._call_tx(vm, state, p, cap)
            comp = self._apply(state, base)
            if comp.is_error:
                self._raise_vm_error(comp)
            used = cap - comp.get_gas_remaining()  # before refund: what execution needs
            lo = max(base.intrinsic_gas, used) - 1
            ok = lambda g: not self._apply(state, SpoofTransaction(base, gas=g)).is_error
            if ok(lo + 1):  # usual case: exactly what was used (21000 for a plain transfer)
                return q(lo + 1)
            hi = min(cap, (used + comp.get_gas_refund() + 2300) * 64 // 63)
            if not ok(hi):
                hi = cap
            while hi - lo > 1 and (hi - lo) * 1000 > hi * 15:  # 1.5% like geth
                mid = (hi + lo) // 2
                if ok(mid):
                    hi = mid
                else:
                    lo = mid
            return q(hi)

    # ---- transactions
    def eth_sendRawTransaction(self, raw_hex):
        raw = pb(raw_hex)
        if not raw:
            raise RpcError(-32602, "empty transaction")
        vm = self.chain.get_vm()
        try:
            tx = vm.get_transaction_builder().decode(raw)
            tx.check_signature_validity()
            if tx.s > SECP256K1_N // 2:
                raise ValueError("invalid transaction v, r, s values (s > secp256k1n/2, EIP-2)")
            sender = tx.sender
        except Exception as e:
            raise RpcError(-32000, f"invalid transaction: {e}")
        cid = getattr(tx, "chain_id", None)
        if cid is None:
            v = tx.v
            if v in (27, 28):
                if not self.allow_unprotected:
                    raise RpcError(-32000, "only replay-protected (EIP-155) transactions allowed over RPC")
            else:
                cid = (v - 35) // 2
        if cid is not None and cid != self.chain_id:
            raise RpcError(-32000, f"invalid chain id for signer: have {cid} want {self.chain_id}")
        if tx.gas < tx.intrinsic_gas:
            raise RpcError(-32000, f"intrinsic gas too low: have {tx.gas}, want {tx.intrinsic_gas}")
        price = getattr(tx, "max_fee_per_gas", None) or tx.gas_price
        balance, cost = vm.state.get_balance(sender), tx.gas * price + tx.value
        if balance < cost:
            raise RpcError(-32000, f"insufficient funds for gas * price + value: address {to_checksum_address(sender)} have {balance} want {cost}")
        state_nonce = vm.state.get_nonce(sender)
        if tx.nonce < state_nonce:
            raise RpcError(-32000, f"nonce too low: address {to_checksum_address(sender)}, tx: {tx.nonce} state: {state_nonce}")
        if tx.nonce > state_nonce:
            raise RpcError(-32000, f"nonce too high: address {to_checksum_address(sender)}, tx: {tx.nonce} state: {state_nonce} (devnet has no mempool)")
        self._refresh_pending()
        try:
            h = self.t.send_raw_transaction(hx(raw))
            self._mined()
            return h
        except (EthValidationError, EUValidationError) as e:
            msg = str(e)
            if "afford" in msg or "balance" in msg.lower():
                msg = f"insufficient funds for gas * price + value: {msg}"
            elif "base fee" in msg.lower() or "max_fee_per_gas" in msg:
                msg = f"max fee per gas less than block base fee: {msg}"
            elif "intrinsic" in msg.lower():
                msg = f"intrinsic gas too low: {msg}"
            raise RpcError(-32000, msg)

    def eth_sendTransaction(self, p):
        """Unlocked dev accounts only."""
        tx = {"from": to_checksum_address(p["from"])}
        if p.get("to"):
            tx["to"] = to_checksum_address(p["to"])
        for k, key in (("value", "value"), ("gas", "gas"), ("nonce", "nonce"), ("gasPrice", "gas_price"),
                       ("maxFeePerGas", "max_fee_per_gas"), ("maxPriorityFeePerGas", "max_priority_fee_per_gas")):
            if p.get(k) is not None:
                tx[key] = pq(p[k])
        tx["data"] = p.get("input") or p.get("data") or "0x"
        if "gas" not in tx:
            tx["gas"] = pq(self.eth_estimateGas(p))
        self._refresh_pending()
        try:
            h = self.t.send_transaction(tx)
            self._mined()
            return h
        except (EthValidationError, EUValidationError) as e:
            raise RpcError(-32000, str(e))

    def eth_getTransactionReceipt(self, h):
        try:
            r = self.t.get_transaction_receipt(h)
        except TransactionNotFound:
            return None
        if r is None or r.get("block_number") is None:
            return None
        return self.fmt_receipt(r)

    def eth_getTransactionByHash(self, h):
        try:
            return self.fmt_tx(self.t.get_transaction_by_hash(h))
        except TransactionNotFound:
            return None

    # ---- state
    def eth_getBalance(self, a, block=None):
        return q(self.t.get_balance(to_checksum_address(a), self.tag(block)))

    def eth_getTransactionCount(self, a, block=None):
        return q(self.t.get_nonce(to_checksum_address(a), self.tag(block)))

    def eth_getCode(self, a, block=None):
        return hx(self.t.get_code(to_checksum_address(a), self.tag(block)))

    def eth_getStorageAt(self, a, slot, block=None):
        v = self.t.get_storage_at(to_checksum_address(a), hex(pq(slot)), self.tag(block))
        return "0x" + pb(v).rjust(32, b"\0").hex() if isinstance(v, str) else "0x" + int(v).to_bytes(32, "big").hex()

    # ---- blocks / logs
    def eth_blockNumber(self):
        return q(self.head_number())

    def eth_getBlockByNumber(self, tag, full=False):
        try:
            return self.fmt_block(self.t.get_block_by_number(self.tag(tag), full_transactions=bool(full)), full)
        except (BlockNotFound, RpcError):
            return None

    def eth_getBlockByHash(self, h, full=False):
        try:
            return self.fmt_block(self.t.get_block_by_hash(h, full_transactions=bool(full)), full)
        except BlockNotFound:
            return None

    def eth_getLogs(self, f):
        head = self.head_number()
        if f.get("blockHash"):
            try:
                lo = hi = self.chain.get_block_header_by_hash(pb(f["blockHash"])).block_number
            except Exception:
                raise RpcError(-32000, "unknown block")
        else:
            def num(v, default):
                t = self.tag(v, default, strict=False)
                return 0 if t == "earliest" else head if not isinstance(t, int) else t
            lo, hi = num(f.get("fromBlock"), "latest"), min(num(f.get("toBlock"), "latest"), head)
            if self.max_log_range and hi - lo + 1 > self.max_log_range:
                raise RpcError(-32005, f"query exceeds max block range {self.max_log_range}")
        addr = f.get("address")
        addrs = None if not addr else {paddr(a) for a in (addr if isinstance(addr, list) else [addr])}
        topics = []
        for t in f.get("topics") or []:
            topics.append(None if t is None else {pb(x) for x in (t if isinstance(t, list) else [t])})
        out = []
        for n in range(lo, hi + 1):
            header = self.chain.get_canonical_block_header_by_number(n)
            if not header.bloom:
                continue
            bloom = BloomFilter(header.bloom)
            if addrs and not any(a in bloom for a in addrs):
                continue
            if any(ts and not any(t in bloom for t in ts) for ts in topics):
                continue
            for log in self._block_logs(n):
                if addrs and log[0] not in addrs:
                    continue
                if len(topics) > len(log[1]) or any(ts and log[1][i] not in ts for i, ts in enumerate(topics)):
                    continue
                out.append(log[2])
                if self.max_log_results and len(out) > self.max_log_results:
                    raise RpcError(-32005, f"query returned more than {self.max_log_results} results")
        return out

    def _block_logs(self, n):
        """[(address bytes, [topic bytes], rpc log dict)] for canonical block n, logIndex per block."""
        block = self.chain.get_canonical_block_by_number(n)
        receipts = block.get_receipts(self.chain.chaindb)
        res, idx = [], 0
        for ti, (tx, rc) in enumerate(zip(block.transactions, receipts)):
            for log in rc.logs:
                tps = [t.to_bytes(32, "big") for t in log.topics]
                res.append((log.address, tps, {
                    "address": to_checksum_address(log.address), "topics": [hx(t) for t in tps],
                    "data": hx(log.data), "blockNumber": q(n), "blockHash": hx(block.hash),
                    "transactionHash": hx(tx.hash), "transactionIndex": q(ti), "logIndex": q(idx),
                    "removed": False}))
                idx += 1
        return res

    # ---- fees / chain info
    def _pending_base_fee(self):
        return self.chain.header.base_fee_per_gas

    def eth_gasPrice(self):
        return q(self._pending_base_fee() + GWEI)

    def eth_maxPriorityFeePerGas(self):
        return q(GWEI)

    def eth_feeHistory(self, count, newest="latest", percentiles=None):
        count = min(pq(count) if isinstance(count, str) else int(count), self.head_number() + 1, 1024)
        newest = self.tag(newest)
        top = self.head_number() if not isinstance(newest, int) else newest
        oldest = top - count + 1
        base, ratio, reward = [], [], []
        for n in range(oldest, top + 1):
            h = self.chain.get_canonical_block_header_by_number(n)
            base.append(q(h.base_fee_per_gas))
            ratio.append(h.gas_used / h.gas_limit)
            if percentiles:
                reward.append([q(GWEI if h.gas_used else 0) for _ in percentiles])
        nxt = self.chain.get_canonical_block_header_by_number(top + 1).base_fee_per_gas \
            if top < self.head_number() else self._pending_base_fee()
        base.append(q(nxt))
        out = {"oldestBlock": q(oldest), "baseFeePerGas": base, "gasUsedRatio": ratio}
        if percentiles:
            out["reward"] = reward
        return out

    def eth_chainId(self):
        return q(self.chain_id)

    def net_version(self):
        return str(self.chain_id)

    def net_listening(self):
        return True

    def eth_syncing(self):
        return False

    def eth_accounts(self):
        return list(self.t.get_accounts())

    def web3_clientVersion(self):
        return "kalypso-devnet/0.1 (eth-tester+py-evm)"

    # ---- dev helpers
    def _edit_state(self, fn):
        chain = self.chain
        vm = chain.get_vm()
        state = vm.state
        fn(state)
        state.persist()
        chain.header = chain.header.copy(state_root=state.state_root)
        self.t.mine_blocks(1)
        self._mined()
        return True

    def anvil_setBalance(self, a, wei):
        return self._edit_state(lambda s: s.set_balance(paddr(a), pq(wei)))
    hardhat_setBalance = anvil_setBalance

    def anvil_setCode(self, a, code):
        return self._edit_state(lambda s: s.set_code(paddr(a), pb(code)))
    hardhat_setCode = anvil_setCode

    def anvil_setNonce(self, a, n):
        return self._edit_state(lambda s: s.set_nonce(paddr(a), pq(n)))
    hardhat_setNonce = anvil_setNonce

    def anvil_setStorageAt(self, a, slot, value):
        return self._edit_state(lambda s: s.set_storage(paddr(a), pq(slot), int.from_bytes(pb(value), "big")))
    hardhat_setStorageAt = anvil_setStorageAt

    def dev_fund(self, a, wei):
        """A real, signed transfer from dev account 0 (mined)."""
        self._refresh_pending()
        h = self.t.send_transaction({"from": self.t.get_accounts()[0], "to": to_checksum_address(a),
                                     "value": pq(wei), "gas": 21000})
        self._mined()
        return h

    def dev_setMaxLogRange(self, n):
        self.max_log_range = pq(n) if isinstance(n, str) else int(n)
        return True

    def dev_setMaxLogResults(self, n):
        self.max_log_results = pq(n) if isinstance(n, str) else int(n)
        return True

    def evm_mine(self, ts=None):
        if ts is not None:
            self.evm_setNextBlockTimestamp(ts)
        self._refresh_pending()
        self.t.mine_blocks(1)
        self._mined()
        return "0x0"

    def anvil_mine(self, count="0x1", interval=None):
        n = pq(count) if count is not None else 1
        for _ in range(n):
            self.evm_mine()
        return None
    hardhat_mine = anvil_mine

    def evm_snapshot(self):
        sid = self.t.take_snapshot()
        self._snapshot_offsets[sid] = self.time_offset
        return q(sid)

    def evm_revert(self, sid):
        sid = pq(sid)
        try:
            self.t.revert_to_snapshot(sid)
        except Exception:
            return False
        # time travel done after the snapshot is undone too (like anvil)
        self.time_offset = self._snapshot_offsets.get(sid, self.time_offset)
        self._mined()
        return True

    def evm_setNextBlockTimestamp(self, ts):
        ts = pq(ts) if isinstance(ts, str) else int(ts)
        if ts <= self.chain.get_canonical_head().timestamp:
            raise RpcError(-32000, f"timestamp {ts} is not after the latest block's")
        self.next_timestamp = ts
        # later blocks continue from here, like anvil
        self.time_offset = ts - int(time.time())
        self._refresh_pending()
        return None

    def evm_increaseTime(self, secs):
        secs = pq(secs) if isinstance(secs, str) else int(secs)
        # Blocks mined faster than one per second run ahead of the wall clock, so count from
        # whichever is later: the next block is at least `secs` after the latest one.
        now = int(time.time())
        target = max(self.chain.get_canonical_head().timestamp, now + self.time_offset) + secs
        self.time_offset = target - now
        self._refresh_pending()
        return q(self.time_offset)

    def evm_setAutomine(self, on):
        (self.t.enable_auto_mine_transactions if on else self.t.disable_auto_mine_transactions)()
        return True

    # ---- dispatch
    def handle(self, req):
        if not isinstance(req, dict) or req.get("jsonrpc") != "2.0" or not isinstance(req.get("method"), str):
            return {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "invalid request"}}
        rid, method, params = req.get("id"), req["method"], req.get("params") or []
        fn = getattr(self, method, None) if method.startswith(PREFIXES) else None
        if not callable(fn):
            out = {"code": -32601, "message": f"the method {method} does not exist/is not available"}
            return {"jsonrpc": "2.0", "id": rid, "error": out}
        try:
            with self.lock:
                result = fn(*params) if isinstance(params, list) else fn(**params)
            return {"jsonrpc": "2.0", "id": rid, "result": result}
        except RpcError as e:
            err = {"code": e.code, "message": e.message}
            if e.data is not None:
                err["data"] = e.data
        except TypeError as e:
            err = {"code": -32602, "message": f"invalid params: {e}"}
        except (BlockNotFound, TransactionNotFound) as e:
            err = {"code": -32000, "message": str(e)}
        except (EthValidationError, EUValidationError, ValueError, KeyError) as e:
            err = {"code": -32602, "message": f"invalid params: {e}"}
        except Exception as e:  # keep serving
            err = {"code": -32603, "message": f"internal error: {type(e).__name__}: {e}"}
        return {"jsonrpc": "2.0", "id": rid, "error": err}


def make_handler(node, verbose=False):
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # otherwise ~40 ms delayed-ACK stall per keep-alive request

        def log_message(self, *a):
            if verbose:
                super().log_message(*a)

        def _send(self, code, body):
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            try:
                req = json.loads(self.rfile.read(n))
            except Exception:
                return self._send(200, {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "parse error"}})
            if isinstance(req, list):
                if not req:
                    return self._send(200, {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "empty batch"}})
                return self._send(200, [node.handle(r) for r in req])
            self._send(200, node.handle(req))

        def do_GET(self):  # health check
            self._send(200, {"ok": True, "chainId": node.chain_id, "block": node.head_number()})
    return H


class NodeProcess:
    """A devnet node in a child process (python -m kalypso_devnet.node): started on a free port unless
    one is given; `url`/`port` come from its first output line. stop() ends it."""

    def __init__(self, *args, port: int = 0, python: str | None = None):
        import subprocess
        import tempfile
        from pathlib import Path
        # stderr goes to a file: an undrained pipe would block a long-running node once full
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([python or sys.executable, "-m", "kalypso_devnet.node", "--port", str(port), *args],
                                     cwd=Path(__file__).resolve().parent.parent,
                                     stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.proc.kill()
            self.proc.wait(10)
            self.stderr.seek(0)
            raise RuntimeError(f"devnet node did not start: {line!r} {self.stderr.read()[-2000:]}")
        self.first_line = line.strip()
        self.url = line.split("listening on ")[1].split()[0]
        self.port = int(self.url.rsplit(":", 1)[1])

    def stop(self):
        import subprocess
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8545)
    ap.add_argument("--chain-id", type=int, default=CHAIN_ID)
    ap.add_argument("--accounts", type=int, default=10)
    ap.add_argument("--balance", type=int, default=10_000, help="ETH per dev account")
    ap.add_argument("--allow-unprotected-txs", action="store_true")
    ap.add_argument("--max-log-range", type=int, default=0,
                    help="largest eth_getLogs block range (0 = unlimited)")
    ap.add_argument("--max-log-results", type=int, default=0,
                    help="most logs one eth_getLogs may return (0 = unlimited)")
    ap.add_argument("--block-time", type=float, default=0,
                    help="also mine an empty block every N seconds (0 = only on transactions)")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args(argv)
    node = Node(a.chain_id, a.accounts, a.balance, allow_unprotected=a.allow_unprotected_txs,
                max_log_range=a.max_log_range, max_log_results=a.max_log_results)
    srv = ThreadingHTTPServer((a.host, a.port), make_handler(node, a.verbose))
    srv.daemon_threads = True
    print(f"devnet listening on http://{a.host}:{srv.server_address[1]} chainId={a.chain_id}", flush=True)
    if a.block_time > 0:
        def tick():
            while True:
                time.sleep(a.block_time)
                with node.lock:
                    node.evm_mine()
        threading.Thread(target=tick, daemon=True).start()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
