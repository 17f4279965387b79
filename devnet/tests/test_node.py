"""The devnet node over real HTTP JSON-RPC: what a real node accepts and rejects (ported from the
reference smoke test), reverts in geth's shape, logs with range limits, time travel, snapshots."""
import json
import time
import http.client

import pytest
import rlp
from eth_abi import decode, encode
from eth_account import Account
from eth_utils import keccak

from kalypso_devnet.compile import compile_contract
from kalypso_devnet.rpc import Rpc, RpcError, Reverted, deploy, dev_account, selector

A, B = dev_account(0), dev_account(1)
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@pytest.fixture
def probe(chain):
    return deploy(chain, A, compile_contract("test/Probe"))


def store(v):
    return selector("store(uint256)") + encode(["uint256"], [v]).hex()


def raw_of(tx, key=A):
    return "0x" + key.sign_transaction(tx).raw_transaction.hex()


def test_first_line_and_chain_id(node, rpc):
    assert node.first_line == f"devnet listening on http://127.0.0.1:{node.port} chainId=31337"
    assert rpc("eth_chainId") == "0x7a69"
    assert rpc("net_version") == "31337"
    # anvil/hardhat account #1 of "test ... junk"
    assert B.address == "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


def test_deploy_call_logs(chain, probe):
    n0 = chain.block_number()
    rc = probe.transact(A, "store", 5)
    assert chain.block_number() == n0 + 1, "automine: one block per transaction"
    assert probe.call("value") == 5
    assert probe.call("chainid") == 31337
    t0 = "0x" + keccak(text="Stored(address,uint256)").hex()
    assert rc["logs"][0]["topics"][0] == t0 and int(rc["logsBloom"], 16) != 0
    bn = rc["blockNumber"]
    logs = chain("eth_getLogs", {"fromBlock": bn, "toBlock": bn, "address": probe.address, "topics": [t0]})
    assert [lg["transactionHash"] for lg in logs] == [rc["transactionHash"]]
    who = "0x" + "00" * 12 + A.address[2:].lower()
    assert len(chain("eth_getLogs", {"fromBlock": "0x0", "toBlock": "latest", "address": probe.address,
                                     "topics": [None, who]})) == 1
    assert chain("eth_getLogs", {"fromBlock": "0x0", "address": [probe.address], "topics": ["0x" + "11" * 32]}) == []
    assert probe.events(rc, "Stored") == [{"who": A.address, "value": 5, "_block": int(bn, 16)}]


def test_reverts_have_geth_shape(chain, probe):
    e = chain.raw("eth_call", {"from": A.address, "to": probe.address, "data": store(13)})["error"]
    assert e["code"] == 3 and e["message"] == "execution reverted: unlucky"
    assert decode(["string"], bytes.fromhex(e["data"][10:]))[0] == "unlucky"
    # no revert data (a missing function): geth's plain error, without code 3 and data
    e = chain.raw("eth_call", {"from": A.address, "to": probe.address, "data": "0xdeadbeef"})["error"]
    assert e == {"code": -32000, "message": "execution reverted"}
    with pytest.raises(Reverted) as ei:
        chain.send_tx(A, probe.address, bytes.fromhex("deadbeef"))
    assert ei.value.raw == b""
    e = chain.raw("eth_estimateGas", {"from": A.address, "to": probe.address, "data": store(7)})["error"]
    assert e["code"] == 3 and e["data"] == selector("Seven(uint256)") + encode(["uint256"], [7]).hex()
    with pytest.raises(Reverted) as ei:
        probe.transact(A, "store", 7)
    assert ei.value.selector == selector("Seven(uint256)")
    # a reverting tx sent with fixed gas is mined with status 0
    with pytest.raises(RuntimeError, match="status 0"):
        chain.send_tx(A, probe.address, bytes.fromhex(store(13)[2:]), gas=100_000)


def test_rejects_what_a_real_node_rejects(chain):
    nonce = int(chain("eth_getTransactionCount", A.address, "pending"), 16)
    gp = int(chain("eth_gasPrice"), 16)
    e = chain.raw("eth_sendRawTransaction", raw_of({"to": B.address, "value": 1, "gas": 21000, "gasPrice": gp,
                                                     "nonce": nonce, "chainId": 1}))["error"]
    assert "invalid chain id" in e["message"]
    e = chain.raw("eth_sendRawTransaction", raw_of({"type": 2, "to": B.address, "value": 1, "gas": 21000,
                                                     "maxFeePerGas": gp * 2, "maxPriorityFeePerGas": 1,
                                                     "nonce": nonce, "chainId": 5}))
    assert "error" in e
    good = A.sign_transaction({"to": B.address, "value": 1, "gas": 21000, "gasPrice": gp, "nonce": nonce,
                               "chainId": 31337})
    fields = rlp.decode(good.raw_transaction)

    def tamper(i, val):
        f = list(fields)
        f[i] = val if isinstance(val, bytes) else val.to_bytes(32, "big").lstrip(b"\0")
        return "0x" + rlp.encode(f).hex()

    s = int.from_bytes(fields[8], "big")
    for raw in (tamper(8, N - s), tamper(7, b""), tamper(8, b""), tamper(6, 99999), tamper(7, N + 1),
                tamper(7, int.from_bytes(fields[7], "big") ^ 1), "0xdeadbeef"):
        assert "error" in chain.raw("eth_sendRawTransaction", raw)
    high_s = chain.raw("eth_sendRawTransaction", tamper(8, N - s))["error"]["message"]
    assert "s > secp256k1n/2" in high_s or "invalid" in high_s
    # unprotected legacy tx (v = 27/28)
    from eth_account._utils.legacy_transactions import serializable_unsigned_transaction_from_dict
    ut = serializable_unsigned_transaction_from_dict({"to": B.address, "value": 1, "gas": 21000, "gasPrice": gp,
                                                      "nonce": nonce})
    sig = Account._keys.PrivateKey(A.key).sign_msg_hash(ut.hash())
    unprot = "0x" + rlp.encode([nonce, gp, 21000, bytes.fromhex(B.address[2:]), 1, b"", sig.v + 27, sig.r, sig.s]).hex()
    assert "replay-protected" in chain.raw("eth_sendRawTransaction", unprot)["error"]["message"]
    # nonce too high / too low
    e = chain.raw("eth_sendRawTransaction", raw_of({"to": B.address, "value": 1, "gas": 21000, "gasPrice": gp,
                                                     "nonce": nonce + 5, "chainId": 31337}))["error"]
    assert "nonce too high" in e["message"]
    chain("eth_sendRawTransaction", "0x" + good.raw_transaction.hex())
    e = chain.raw("eth_sendRawTransaction", "0x" + good.raw_transaction.hex())["error"]
    assert "nonce too low" in e["message"]
    # insufficient funds: a fresh key with no ETH
    poor = Account.create()
    e = chain.raw("eth_sendRawTransaction", raw_of({"to": B.address, "value": 1, "gas": 21000, "gasPrice": gp,
                                                     "nonce": 0, "chainId": 31337}, poor))["error"]
    assert "insufficient funds" in e["message"]


def test_batch_requests(node):
    conn = http.client.HTTPConnection("127.0.0.1", node.port)
    body = [{"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
            {"jsonrpc": "2.0", "id": 2, "method": "no_such_method", "params": []},
            {"jsonrpc": "2.0", "id": 3, "method": "eth_blockNumber", "params": []}]
    conn.request("POST", "/", json.dumps(body), {"Content-Type": "application/json"})
    out = json.loads(conn.getresponse().read())
    assert [r["id"] for r in out] == [1, 2, 3]
    assert out[0]["result"] == "0x7a69" and out[1]["error"]["code"] == -32601 and "result" in out[2]


def test_get_logs_max_range(chain, probe):
    for v in (1, 2, 3):
        probe.transact(A, "store", v)
    head = chain.block_number()
    chain("dev_setMaxLogRange", 2)
    try:
        with pytest.raises(RpcError) as ei:
            chain("eth_getLogs", {"fromBlock": hex(head - 2), "toBlock": hex(head), "address": probe.address})
        assert ei.value.code == -32005 and ei.value.message == "query exceeds max block range 2"
        assert len(chain("eth_getLogs", {"fromBlock": hex(head - 1), "toBlock": hex(head),
                                         "address": probe.address})) == 2
    finally:
        chain("dev_setMaxLogRange", 0)
    assert len(chain("eth_getLogs", {"fromBlock": hex(head - 2), "toBlock": hex(head), "address": probe.address})) == 3
    chain("dev_setMaxLogResults", 2)
    try:
        with pytest.raises(RpcError) as ei:
            chain("eth_getLogs", {"fromBlock": hex(head - 2), "toBlock": hex(head), "address": probe.address})
        assert ei.value.code == -32005 and ei.value.message == "query returned more than 2 results"
    finally:
        chain("dev_setMaxLogResults", 0)


def test_revert_and_remine_is_a_reorg(chain, probe):
    snap = chain.snapshot()
    probe.transact(A, "store", 1)
    n = chain.block_number()
    old_hash = chain("eth_getBlockByNumber", hex(n), False)["hash"]
    chain.revert(snap)
    probe.transact(B, "store", 2)
    new = chain("eth_getBlockByNumber", hex(n), False)
    assert chain.block_number() == n and new["hash"] != old_hash


def test_time_travel_and_wall_clock(chain, probe):
    # blocks are stamped with wall-clock time even after the chain sat idle
    time.sleep(1.2)
    before = int(time.time())
    probe.transact(A, "store", 1)
    assert chain.timestamp() >= before
    t0 = chain.timestamp()
    chain("evm_increaseTime", 3600)
    chain("evm_mine")
    assert chain.timestamp() >= t0 + 3600
    # the offset persists for later blocks; eth_call sees the requested block's own time (like geth),
    # "pending" a fresh block on top of the latest
    probe.transact(A, "store", 2)
    assert chain.timestamp() >= t0 + 3600
    assert probe.call("now") == chain.timestamp()
    assert probe.call("now", block="pending") > chain.timestamp()
    bn = chain.block_number()
    assert probe.call("now", block=hex(bn - 1)) == chain.timestamp(hex(bn - 1))
    target = chain.timestamp() + 500
    chain("evm_setNextBlockTimestamp", target)
    chain("evm_mine")
    assert chain.timestamp() == target


def test_snapshot_revert(chain, probe):
    probe.transact(A, "store", 9)
    snap = chain.snapshot()
    bn = chain.block_number()
    ts = chain.timestamp()
    probe.transact(A, "store", 42)
    chain("evm_increaseTime", 10_000)
    chain("anvil_mine", "0x5")
    assert chain.block_number() == bn + 6
    assert chain.revert(snap) is True
    assert chain.block_number() == bn and probe.call("value") == 9
    assert chain("eth_getLogs", {"fromBlock": hex(bn + 1), "toBlock": "latest"}) == []
    probe.transact(A, "store", 3)
    assert chain.timestamp() < ts + 10_000, "time travel after the snapshot is undone"


def test_dev_helpers(chain):
    fresh = "0x" + "ab" * 20
    chain("anvil_setBalance", fresh, hex(123))
    assert chain.balance(fresh) == 123
    chain("dev_fund", fresh, hex(1000))
    assert chain.balance(fresh) == 1123
    chain("anvil_mine", "0x5")
    fh = chain("eth_feeHistory", "0x5", "latest", [25, 75])
    assert len(fh["baseFeePerGas"]) == 6 and len(fh["reward"]) == 5


def test_cli_block_time_and_log_range():
    """--block-time mines empty blocks on a timer; --max-log-range is set from the command line."""
    from kalypso_devnet.node import NodeProcess
    n = NodeProcess("--block-time", "0.3", "--max-log-range", "5")
    try:
        r = Rpc(n.url)
        start = r.block_number()
        deadline = time.time() + 10
        while r.block_number() < start + 6 and time.time() < deadline:
            time.sleep(0.1)
        assert r.block_number() >= start + 6
        with pytest.raises(RpcError) as ei:
            r("eth_getLogs", {"fromBlock": "0x0", "toBlock": "latest"})
        assert ei.value.code == -32005 and "max block range 5" in ei.value.message
    finally:
        n.stop()


def test_automine_off_then_mine(chain, probe):
    chain("evm_setAutomine", False)
    try:
        n = chain.block_number()
        nonce = int(chain("eth_getTransactionCount", A.address, "latest"), 16)
        base = int(chain("eth_getBlockByNumber", "latest", False)["baseFeePerGas"], 16)
        tx = {"type": 2, "chainId": 31337, "nonce": nonce, "to": probe.address, "value": 0,
              "data": store(11), "gas": 100_000, "maxPriorityFeePerGas": 10**9, "maxFeePerGas": 2 * base + 10**9}
        h = chain("eth_sendRawTransaction", raw_of(tx))
        assert chain.block_number() == n and chain("eth_getTransactionReceipt", h) is None
        chain("evm_mine")
        rc = chain("eth_getTransactionReceipt", h)
        assert rc["status"] == "0x1" and int(rc["blockNumber"], 16) == n + 1
        assert probe.call("value") == 11
    finally:
        chain("evm_setAutomine", True)
