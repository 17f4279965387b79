"""`kalypso-bench cache-index` helpers and baseline.

prepare RPC N          deploy Benchmarks/LogEmitter.vy on the devnet node and emit N TaskCreated logs;
                       prints {"address", "fromBlock", "toBlock"}.
index RPC ADDR FROM TO DB
                       the baseline: eth_getLogs over the same 10,000-block windows, eth-abi decoding of every
                       log, Python sqlite3 inserting one row per event in one transaction per window; prints
                       {"cpuSeconds": user+sys of this process, "events"}. (web3.py is not in the pinned venv;
                       its get_logs decodes with the same eth-abi, so this is the lighter of the two.)
"""
import json
import os
import resource
import sqlite3
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "devnet"))


def rpc(url, method, params):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=600) as r:
        out = json.loads(r.read())
    if "error" in out:
        raise RuntimeError(out["error"])
    return out["result"]


def prepare(url, n):
    import vyper
    from kalypso_devnet.compile import Artifact
    from kalypso_devnet.rpc import Rpc, deploy, dev_account
    src = open(os.path.join(os.path.dirname(__file__), "LogEmitter.vy")).read()
    out = vyper.compile_code(src, output_formats=["abi", "bytecode"])
    r = Rpc(url)
    acct = dev_account(0)
    c = deploy(r, acct, Artifact("LogEmitter", out["abi"], out["bytecode"]))
    first = None
    left = n
    while left > 0:
        k = min(4000, left)
        rc = c.transact(acct, "emit", k, gas=29_000_000)
        first = first if first is not None else int(rc["blockNumber"], 16) if isinstance(rc["blockNumber"], str) else rc["blockNumber"]
        left -= k
    last = int(rpc(url, "eth_blockNumber", []), 16)
    print(json.dumps({"address": c.address, "fromBlock": first, "toBlock": last}))


def index(url, address, start, end, db):
    from eth_abi import decode
    t0 = resource.getrusage(resource.RUSAGE_SELF)
    c = sqlite3.connect(db)
    c.execute("""CREATE TABLE IF NOT EXISTS event (blockNumber INTEGER, logIndex INTEGER, blockHash TEXT, txHash TEXT,
                 name TEXT, jobId INTEGER, account TEXT, acl BLOB, PRIMARY KEY (blockNumber, logIndex))""")
    count = 0
    frm = start
    while frm <= end:
        to = min(end, frm + 9999)
        logs = rpc(url, "eth_getLogs", [{"address": address, "fromBlock": hex(frm), "toBlock": hex(to)}])
        rows = []
        for lg in logs:
            topics = lg["topics"]
            job = decode(["uint256"], bytes.fromhex(topics[1][2:]))[0]
            prover = decode(["address"], bytes.fromhex(topics[2][2:]))[0]
            (acl,) = decode(["bytes"], bytes.fromhex(lg["data"][2:]))
            rows.append((int(lg["blockNumber"], 16), int(lg["logIndex"], 16), lg["blockHash"], lg["transactionHash"],
                         "TaskCreated", job, prover.lower(), acl))
        with c:
            c.executemany("INSERT INTO event VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        count += len(rows)
        frm = to + 1
    c.close()
    t1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (t1.ru_utime - t0.ru_utime) + (t1.ru_stime - t0.ru_stime)
    print(json.dumps({"cpuSeconds": cpu, "events": count}))


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2], int(sys.argv[3]))
    else:
        index(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
