"""Make a Generation B devnet look lived-in: other provers registered, staked and joined (their enclave
keys made up locally), a stream of bids, tasks assigned by the matching engine to other provers and —
only once our OPERATOR has joined a market — to ours, proofs, missed deadlines refunded and slashed,
rewards claimed.

    s = GenBScenario(rpc_url, deployment)           # deployment from kalypso_devnet.deploy.deploy
    s.setup()                                        # other provers (idempotent)
    s.populate(rounds=3)                             # some history, with a little time travel
    s.run_forever(interval=5)                        # keep feeding a live demo

Our OPERATOR is NOT registered by default (the console's onboarding wizard does that). Pass
`onboard_operator(...)` a key provider to run the full Appendix A sequence for it in tests and demos.
"""
from __future__ import annotations

import json
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from .. import constants as C
from ..attestation import Enclave, now_ms
from ..deploy.common import TOKEN_UNIT, USDC_UNIT, Deployment
from ..deploy.gen_b import matching_engine
from ..rpc import Reverted, Rpc, dev_account

# (attestation_data, enclave_signature) for an operator address: what the console gets from the
# enclave (:1500 -> verifier :1400 -> :5000/api/signAttestation).
KeyProvider = Callable[[str], tuple]

PROFILES = {
    C.OTHER_PROVERS[0]: {"display_name": "Aurora Proving", "display_description": "Nitro fleet in eu-west",
                         "website": "https://aurora.invalid", "twitter": "@aurora_prove"},
    C.OTHER_PROVERS[1]: {"display_name": "Bolt Labs", "display_description": "GPU provers, fast turnaround",
                         "website": "https://bolt.invalid", "twitter": "@boltlabs"},
    C.OTHER_PROVERS[2]: {"display_name": "Cobalt Compute", "display_description": "Community operator",
                         "website": "https://cobalt.invalid", "twitter": "@cobalt"},
}
# (prover index) -> [(market, compute per request, cost in USDC units, proposed time s, commission)]
MEMBERSHIPS = {
    C.OTHER_PROVERS[0]: [(1, 2, 8 * USDC_UNIT, 60, 10**17), (2, 1, 5 * USDC_UNIT, 30, 0)],
    C.OTHER_PROVERS[1]: [(2, 2, 6 * USDC_UNIT, 60, 5 * 10**16), (3, 2, 12 * USDC_UNIT, 120, 10**17)],
    C.OTHER_PROVERS[2]: [(4, 4, 20 * USDC_UNIT, 120, 2 * 10**17), (2, 1, 4 * USDC_UNIT, 90, 0)],
}
BID_TIMES = (60, 120, 300)


@dataclass
class Stats:
    bids: int = 0
    assigned: int = 0
    proofs: int = 0
    refunded: int = 0
    slashed: int = 0
    claims: int = 0
    to_operator: int = 0
    errors: list = field(default_factory=list)


class GenBScenario:
    def __init__(self, rpc_url: str, deployment: Deployment, seed: int = 1, proof_rate: float = 0.75,
                 prove_operator_tasks: bool = False, slash_operator: bool = True, log=None,
                 onboard_operator: bool = False, key_provider: "KeyProvider | Enclave | None" = None,
                 operator_market: int = 1):
        """`onboard_operator=True` makes setup() run the Appendix A sequence for our OPERATOR in
        `operator_market`, with `key_provider` (required then) giving its attestation and signature."""
        if deployment.generation != "B":
            raise ValueError("GenBScenario needs a Generation B deployment")
        if onboard_operator and key_provider is None:
            raise ValueError("onboard_operator=True needs a key_provider (or an Enclave) for the operator's enclave")
        if operator_market not in deployment.markets:
            raise ValueError(f"operator_market {operator_market} is not a market of this deployment "
                             f"({sorted(deployment.markets)})")
        self._onboard = (key_provider, operator_market) if onboard_operator else None
        self.rpc = Rpc(rpc_url)
        self.d = deployment
        self.rng = random.Random(seed)
        self.proof_rate = proof_rate
        self.prove_operator_tasks = prove_operator_tasks
        self.slash_operator = slash_operator
        self.log = log or (lambda msg: None)
        self.stats = Stats()
        c = lambda role: deployment.contract(self.rpc, role)
        self.pm, self.pmp, self.ns, self.sm = c("proverManager"), c("proofMarketplace"), c("nativeStaking"), c("stakingManager")
        self.erk, self.usdc, self.pond, self.weth = c("entityKeyRegistry"), c("paymentToken"), c("stakingToken"), c("stakeToken2")
        self.admin, self.requester = dev_account(C.ADMIN), dev_account(C.REQUESTER)
        self.me = dev_account(C.MATCHING_ENGINE)
        self.operator = dev_account(C.OPERATOR)
        self.gas = dev_account(C.GAS_KEY)
        self.accounts = {i: dev_account(i) for i in C.OTHER_PROVERS}
        # enclave keys of the other provers, one per (prover, private market), derived deterministically
        self.enclaves: dict[tuple[int, int], Enclave] = {}
        # the operator's enclave per market, when onboarded here (used to prove TEE-market tasks)
        self.operator_enclaves: dict[int, Enclave] = {}
        assert matching_engine().address == self.me.address

    # ------------------------------------------------------------ setup

    def _enclave(self, who: int, market: int) -> Enclave:
        pcrs = self.d.markets[market].prover_pcrs
        return self.enclaves.setdefault((who, market), Enclave.generate(pcrs, seed=f"prover{who}-market{market}".encode()))

    def _attest(self, enc: Enclave) -> bytes:
        return enc.attestation(max(now_ms(), self.rpc.timestamp() * 1000))

    def setup(self):
        """Register, stake and join the other provers (skips what is already done)."""
        for who, acct in self.accounts.items():
            if self.pm.call("proverRegistry", acct.address)[0] == "0x" + "00" * 20:
                self.pm.transact(acct, "register", acct.address, 10, json.dumps(PROFILES[who]).encode())
                stake = (2000 + 1000 * (who - C.OTHER_PROVERS[0])) * TOKEN_UNIT
                self.pond.transact(acct, "approve", self.ns.address, stake)
                self.ns.transact(acct, "stake", self.pond.address, acct.address, stake)
                if who == C.OTHER_PROVERS[1]:
                    self.weth.transact(acct, "approve", self.ns.address, 5 * TOKEN_UNIT)
                    self.ns.transact(acct, "stake", self.weth.address, acct.address, 5 * TOKEN_UNIT)
                self.log(f"prover {acct.address} registered and staked")
            for market, compute, cost, ptime, commission in MEMBERSHIPS[who]:
                if self.pm.call("proverInfoPerMarket", acct.address, market)[0] != 0:
                    continue
                m = self.d.markets[market]
                if m.kind == "public":
                    self.pm.transact(acct, "joinMarketplace", market, compute, cost, ptime, commission, False, b"", b"")
                else:
                    enc = self._enclave(who, market)
                    att = self._attest(enc)
                    self.pm.transact(acct, "joinMarketplace", market, compute, cost, ptime, commission, True, att,
                                     enc.sign_operator(att, acct.address))
                    if m.tee_verifier:
                        self.d.contract(self.rpc, "teeVerifier3").transact(acct, "verifyKey", att)
                self.log(f"prover {acct.address} joined market {market}")
        if self._onboard and self.pm.call("proverInfoPerMarket", self.operator.address, self._onboard[1])[0] == 0:
            self.onboard_operator(*self._onboard)

    def onboard_operator(self, key_provider: KeyProvider | Enclave, market: int = 1, declared_compute: int = 8,
                         stake: int = 1000 * TOKEN_UNIT, proof_cost: int = 10 * USDC_UNIT, proposed_time: int = 120):
        """The full Appendix A sequence for our OPERATOR: register, stake POND, join `market` with an
        attestation and enclave signature, and verify the key in the market's TEE verifier if it has
        one. `key_provider(operator_address) -> (attestation_data, enclave_signature)`, or an Enclave."""
        op = self.operator
        if isinstance(key_provider, Enclave):
            enc = key_provider
            self.operator_enclaves[market] = enc

            def key_provider(addr, enc=enc):
                att = self._attest(enc)
                return att, enc.sign_operator(att, addr)
        if self.pm.call("proverRegistry", op.address)[0] == "0x" + "00" * 20:
            self.pm.transact(op, "register", op.address, declared_compute,
                             json.dumps({"display_name": "devnet operator", "display_description": "our console"}).encode())
        if self.ns.call("getStakeAmount", self.pond.address, op.address, op.address) < stake:
            self.pond.transact(op, "approve", self.ns.address, stake)
            self.ns.transact(op, "stake", self.pond.address, op.address, stake)
        att, sig = key_provider(op.address)
        m = self.d.markets[market]
        private = m.kind != "public"
        self.pm.transact(op, "joinMarketplace", market, 2, proof_cost, proposed_time, 10**17, private,
                         att if private else b"", sig if private else b"")
        if m.tee_verifier:
            self.d.contract(self.rpc, "teeVerifier3").transact(op, "verifyKey", att)
        self.log(f"operator {op.address} onboarded into market {market}")

    # ------------------------------------------------------------ one round

    def _joined(self, market: int) -> list[str]:
        out = []
        for addr in [a.address for a in self.accounts.values()] + [self.operator.address]:
            st, idle = self.pm.call("getProverState", addr, market)
            if st in (1, 3) and idle > 0:
                out.append(addr)
        return out

    def create_bids(self, n: int):
        ids = []
        for _ in range(n):
            market = self.rng.choice(sorted(self.d.markets))
            reward = self.rng.randint(20, 80) * USDC_UNIT
            bid_time = self.rng.choice(BID_TIMES)
            self.usdc.transact(self.requester, "approve", self.pmp.address, reward)
            data = json.dumps({"inputs": [self.rng.randint(0, 10**9) for _ in range(3)]}).encode()
            secret = self.rng.randbytes(48) if self.rng.random() < 0.5 else b""
            rc = self.pmp.transact(self.requester, "createBid",
                                   (market, reward, self.rpc.timestamp() + 600, bid_time, 0, self.requester.address, data),
                                   1 if secret else 0, secret, self.rng.randbytes(32) if secret else b"", b"")
            ids.append(self.pmp.events(rc, "BidCreated")[0]["bidId"])
            self.stats.bids += 1
        return ids

    def assign_open_bids(self):
        for bid_id in range(self.pmp.call("bidCounter")):
            if self.pmp.call("getBidState", bid_id) != 1:
                continue
            bid = self.pmp.call("listOfBid", bid_id)[0]
            market, reward, bid_time = bid[0], bid[1], bid[3]
            candidates = []
            for addr in self._joined(market):
                cost, ptime = self.pm.call("getProverAssignmentDetails", addr, market)
                if cost <= reward and ptime <= bid_time:
                    candidates.append(addr)
            if not candidates:
                continue
            prover = self.rng.choice(candidates)
            try:
                self.pmp.transact(self.me, "assignTask", bid_id, prover, self.rng.randbytes(32))
            except Reverted as e:  # e.g. no stake token with enough free stake
                self.stats.errors.append(f"assign {bid_id} -> {prover}: {e.error}")
                continue
            self.stats.assigned += 1
            if prover == self.operator.address:
                self.stats.to_operator += 1
            self.log(f"bid {bid_id} (market {market}) assigned to {prover}")

    def _prove(self, bid_id: int, prover: str, market: int, data: bytes):
        m = self.d.markets[market]
        proof = b"proof:" + self.rng.randbytes(64)
        if m.tee_verifier:
            if prover == self.operator.address:
                enc = self.operator_enclaves.get(market)
                if enc is None:
                    return False
            else:
                who = next(i for i, a in self.accounts.items() if a.address == prover)
                enc = self._enclave(who, market)
            proof = enc.sign_proof(data, proof)
        sender = self.gas if prover == self.operator.address else next(a for a in self.accounts.values() if a.address == prover)
        self.pmp.transact(sender, "submitProof", bid_id, proof)
        self.stats.proofs += 1
        return True

    def prove_and_settle(self):
        """Other provers prove most of their tasks; crossed deadlines are refunded and slashed."""
        crossed = []
        for bid_id in range(self.pmp.call("bidCounter")):
            state = self.pmp.call("getBidState", bid_id)
            bid, _, _, prover = self.pmp.call("listOfBid", bid_id)
            ours = prover == self.operator.address
            if state == 3 and (not ours or self.prove_operator_tasks):
                if self.rng.random() < self.proof_rate or (ours and self.prove_operator_tasks):
                    self._prove(bid_id, prover, bid[0], bid[6])
            elif state == 5:
                crossed.append((bid_id, prover))
        if crossed:
            self.pmp.transact(self.requester, "refundFees", [b for b, _ in crossed])
            self.stats.refunded += len(crossed)
            treasury = dev_account(C.TREASURY).address
            slash = [(b, p, treasury) for b, p in crossed if self.slash_operator or p != self.operator.address]
            if slash:
                self.sm.transact(self.admin, "onSlashResultSubmission", slash)
                self.stats.slashed += len(slash)
            self.log(f"refunded {len(crossed)} late bids, slashed {len(slash)}")

    def claim_rewards(self):
        for acct in self.accounts.values():
            if self.pmp.call("proverClaimableFeeReward", acct.address) > 0 and self.rng.random() < 0.5:
                self.pmp.transact(acct, "claimProverFeeReward()")
                self.stats.claims += 1

    def step(self, bids: int = 3):
        self.create_bids(bids)
        self.assign_open_bids()
        self.prove_and_settle()
        self.claim_rewards()

    def populate(self, rounds: int = 3, time_travel: int = 150):
        """setup() and `rounds` steps, moving the chain clock `time_travel` seconds after each so some
        deadlines cross. Keep rounds*time_travel far below the 60000 s attestation window."""
        self.setup()
        for _ in range(rounds):
            self.step()
            if time_travel:
                self.rpc.increase_time(time_travel)
        self.prove_and_settle()
        return self.stats

    def run_forever(self, interval: float = 5.0, stop: threading.Event | None = None, bids: int = 2):
        """Keep the network busy in wall-clock time until `stop` is set (or forever)."""
        self.setup()
        stop = stop or threading.Event()
        while not stop.is_set():
            try:
                self.step(bids)
            except Reverted as e:
                self.stats.errors.append(str(e))
                self.log(f"scenario step reverted: {e}")
            stop.wait(interval)


def main(argv=None):
    import argparse
    ap = argparse.ArgumentParser(description="Feed a Generation B devnet with other provers, bids, tasks and proofs.")
    ap.add_argument("--rpc", required=True)
    ap.add_argument("--deployment", required=True, help="deployment JSON written by `python -m kalypso_devnet.deploy`")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--forever", action="store_true")
    ap.add_argument("--interval", type=float, default=5.0)
    a = ap.parse_args(argv)
    d = Deployment.from_json(json.loads(open(a.deployment).read()))
    s = GenBScenario(a.rpc, d, log=lambda m: print(m, flush=True))
    print(s.populate(a.rounds), flush=True)
    if a.forever:
        s.run_forever(a.interval)


if __name__ == "__main__":
    main()
