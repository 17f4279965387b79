"""Make a Generation A devnet look lived-in: other generators registered, staked and joined (public,
private, TEE and other-image markets, each private join with its own enclave key), a requester
creating asks, the matching engine assigning them, proofs submitted, some tasks discarded or missed
and slashed after the deadline, expired asks cancelled, some rewards flushed and some left claimable.

    from kalypso_devnet.scenario.gen_a import populate, run_forever
    s = populate(rpc, deployment, rounds=20)      # a deterministic history (seeded)
    run_forever(rpc, deployment, interval=2.0)    # keep it moving until stop.set() / Ctrl-C

    python -m kalypso_devnet.scenario.gen_a --rpc http://127.0.0.1:8545 --deployment deployment.json [--forever]

Our own operator (dev account OPERATOR) is never touched: the console drives it. Everything is done
through JSON-RPC with signed transactions from the dev accounts, like a real network would see it.
"""
from __future__ import annotations

import argparse
import json
import random
import threading
from dataclasses import dataclass, field

from .. import constants as C
from ..attestation import Enclave
from ..deploy.common import TOKEN_UNIT, USDC_UNIT, Deployment
from ..deploy.gen_a import CREATE_ASK, GenA
from ..rpc import Reverted, Rpc, dev_account

ASK_CREATE, ASK_UNASSIGNED, ASK_ASSIGNED, ASK_COMPLETE, ASK_DEADLINE_CROSSED = 1, 2, 3, 4, 5


@dataclass(frozen=True)
class Plan:
    """One other generator: which markets it serves, with what price (USDC base units) and time (blocks)."""
    account: int
    declared_compute: int
    stake: int
    markets: tuple  # of (market kind, compute per request, proofGenerationCost, proposedTime)
    reliability: float  # chance that an assigned task is proved in time
    metadata: dict


PLANS = (
    Plan(C.OTHER_PROVERS[0], 16, 200 * TOKEN_UNIT,
         (("public", 2, 1 * USDC_UNIT, 8), ("private", 4, 2 * USDC_UNIT, 12)), 0.9,
         {"display_name": "Aurora Provers", "display_description": "Two c6a.8xlarge boxes in Frankfurt",
          "website": "https://aurora.example", "twitter": "@aurora_zk"}),
    Plan(C.OTHER_PROVERS[1], 8, 120 * TOKEN_UNIT,
         (("public", 1, 800_000, 10), ("tee", 2, 3 * USDC_UNIT, 15)), 0.75,
         {"display_name": "Borealis Compute", "display_description": "Nitro enclaves, us-east-1",
          "website": "https://borealis.example", "twitter": "@borealis"}),
    Plan(C.OTHER_PROVERS[2], 12, 300 * TOKEN_UNIT,
         (("other-image", 3, 4 * USDC_UNIT, 20), ("public", 2, 1_500_000, 6)), 0.6,
         {"display_name": "Cirrus Labs", "display_description": "Experimental prover image",
          "website": "https://cirrus.example", "twitter": "@cirrus"}),
)

MARKET_IMAGE = {"private": C.PROVER_PCRS, "tee": C.PROVER_PCRS, "other-image": C.OTHER_PROVER_PCRS}


def enclave_for(account: int, kind: str) -> Enclave:
    """The (deterministic) enclave of an other generator for a private market: one key per market,
    since a key can be verified only once (spec §2.6.3)."""
    return Enclave.generate(MARKET_IMAGE[kind], seed=f"gena-scenario:{account}:{kind}".encode())


@dataclass
class Stats:
    asks: int = 0
    assigned: int = 0
    proved: int = 0
    discarded: int = 0
    slashed: int = 0
    cancelled: int = 0
    flushed: int = 0

    def as_dict(self) -> dict:
        return dict(vars(self))


@dataclass
class GenAScenario:
    """State of the lived-in network driver (what it plans to do with tasks it already saw)."""
    a: GenA
    rng: random.Random
    stats: Stats = field(default_factory=Stats)
    will_miss: set = field(default_factory=set)       # ask ids the assignee will let expire
    open: set = field(default_factory=set)            # ask ids not yet COMPLETE
    seen: int = 0                                     # asks scanned so far

    @property
    def rpc(self) -> Rpc:
        return self.a.rpc

    # ---------------------------------------------------------------- setup
    def setup(self):
        """Register, stake and join every planned generator (idempotent: skips what is on chain)."""
        a, rpc = self.a, self.rpc
        for plan in PLANS:
            acct = dev_account(plan.account)
            if a.gr.call("generatorRegistry", acct.address)[0] == "0x" + "00" * 20:
                a.gr.transact(acct, "register", acct.address, plan.declared_compute, 0,
                              json.dumps(plan.metadata, separators=(",", ":")).encode())
                a.staking.transact(acct, "approve", a.gr.address, plan.stake)
                a.gr.transact(acct, "stake", acct.address, plan.stake)
            for kind, compute, cost, ptime in plan.markets:
                m = a.market(kind)
                if a.gr.call("generatorInfoPerMarket", acct.address, m.id)[0] != 0:
                    continue
                if kind == "public":
                    a.gr.transact(acct, "joinMarketplace", m.id, compute, cost, ptime, False, b"", b"")
                    continue
                enc = enclave_for(plan.account, kind)
                att = enc.attestation(rpc.timestamp() * 1000)
                a.gr.transact(acct, "joinMarketplace", m.id, compute, cost, ptime, True, att,
                              enc.sign_operator(att, acct.address))
                if m.tee_verifier:
                    tee = a.d.contract(rpc, "teeVerifier")
                    if tee.call("getVerifiedKey", enc.address) == bytes(32):
                        tee.transact(acct, "verifyKey", att)
        self._scan()

    def _scan(self):
        n = self.a.pm.call("askCounter")
        for ask_id in range(self.seen, n):
            if self.a.pm.call("listOfAsk", ask_id)[1] != ASK_COMPLETE:
                self.open.add(ask_id)
        self.seen = n

    # ---------------------------------------------------------------- one tick
    def step(self):
        """One round: new asks, assignments, proofs/discards, slashes, cancels and a flush."""
        self._create_asks()
        self._scan()
        for ask_id in sorted(self.open):
            self._advance(ask_id)
        if self.rng.random() < 0.3:
            self._flush_someone()

    def _create_asks(self):
        a, rpc = self.a, self.rpc
        req = dev_account(C.REQUESTER)
        for _ in range(self.rng.randint(1, 3)):
            kind = self.rng.choice(("public", "public", "private", "tee", "other-image"))
            m = a.market(kind)
            reward = self.rng.randint(1, 6) * USDC_UNIT
            ask = (m.id, reward, rpc.block_number() + self.rng.randint(4, 30), self.rng.randint(10, 40), 0,
                   req.address, json.dumps({"n": self.rng.randint(1, 10**6)}).encode())
            a.payment.transact(req, "approve", a.pm.address, reward)
            a.pm.transact(req, CREATE_ASK, ask, 1, b"", b"")
            self.stats.asks += 1

    def _candidates(self, market_id: int):
        out = []
        for plan in PLANS:
            for kind, *_ in plan.markets:
                if self.a.market(kind).id == market_id:
                    out.append(plan)
        self.rng.shuffle(out)
        return out

    def _advance(self, ask_id: int):
        a = self.a
        state = a.pm.call("getAskState", ask_id)
        (market_id, *_rest), _stored, _requester, generator = a.pm.call("listOfAsk", ask_id)
        if state == ASK_CREATE:
            for plan in self._candidates(market_id):
                acct = dev_account(plan.account)
                try:
                    a.pm.transact(dev_account(C.MATCHING_ENGINE), "assignTask", ask_id, acct.address, b"")
                except Reverted:
                    self._top_up_if_needed(plan)
                    continue  # price/time mismatch, busy or short of stake: try the next generator
                self.stats.assigned += 1
                if self.rng.random() > plan.reliability:
                    self.will_miss.add(ask_id)
                break
        elif state == ASK_ASSIGNED:
            plan = self._plan_of(generator)
            if plan is None:
                self.open.discard(ask_id)  # someone else's task (e.g. the console's operator): not ours to drive
                return
            if ask_id in self.will_miss:
                return  # lets it run into the deadline
            acct = dev_account(plan.account)
            if self.rng.random() < 0.05:
                a.pm.transact(acct, "discardRequest", ask_id)
                self.stats.discarded += 1
            else:
                a.pm.transact(acct, "submitProof", ask_id, self._proof(market_id, generator, ask_id))
                self.stats.proved += 1
            self.open.discard(ask_id)
        elif state == ASK_DEADLINE_CROSSED:
            if self._plan_of(generator) is None:
                self.open.discard(ask_id)
                return
            slasher = dev_account(C.TOKEN_FAUCET)
            a.pm.transact(slasher, "slashGenerator", ask_id, slasher.address)
            self.stats.slashed += 1
            self.will_miss.discard(ask_id)
            self.open.discard(ask_id)
        elif state == ASK_UNASSIGNED:
            a.pm.transact(dev_account(C.REQUESTER), "cancelAsk", ask_id)
            self.stats.cancelled += 1
            self.open.discard(ask_id)
        else:
            self.open.discard(ask_id)

    @staticmethod
    def _plan_of(generator: str) -> Plan | None:
        return next((p for p in PLANS if dev_account(p.account).address == generator), None)

    def _proof(self, market_id: int, generator: str, ask_id: int) -> bytes:
        m = self.a.d.markets[market_id]
        body = f"proof of ask {ask_id}".encode()
        if m.tee_verifier:
            plan = self._plan_of(generator)
            inputs = self.a.pm.call("listOfAsk", ask_id)[0][6]
            return enclave_for(plan.account, m.kind).sign_proof(inputs, body)
        return body

    def _top_up_if_needed(self, plan: Plan):
        acct = dev_account(plan.account)
        reg = self.a.gr.call("generatorRegistry", acct.address)
        total, locked = reg[1], reg[4]
        if total - locked < 20 * TOKEN_UNIT:
            self.a.staking.transact(acct, "approve", self.a.gr.address, plan.stake // 2)
            self.a.gr.transact(acct, "stake", acct.address, plan.stake // 2)

    def _flush_someone(self):
        plan = self.rng.choice(PLANS)
        addr = dev_account(plan.account).address
        if self.a.pm.call("claimableAmount", addr) > 0:
            self.a.pm.transact(dev_account(plan.account), "flush", addr)
            self.stats.flushed += 1


def populate(rpc: Rpc, d: Deployment, rounds: int = 20, seed: int = 7) -> GenAScenario:
    """Set up the other generators and play `rounds` rounds, mining a few blocks between rounds so
    deadlines and expiries pass (Generation A counts time in blocks)."""
    s = GenAScenario(GenA.attach(rpc, d), random.Random(seed))
    s.setup()
    for _ in range(rounds):
        s.step()
        s.a.mine(s.rng.randint(2, 12))
    return s


def run_forever(rpc: Rpc, d: Deployment, interval: float = 2.0, seed: int = 7,
                stop: threading.Event | None = None) -> GenAScenario:
    """Keep the network moving: one round every `interval` seconds until `stop` is set."""
    s = GenAScenario(GenA.attach(rpc, d), random.Random(seed))
    s.setup()
    stop = stop or threading.Event()
    while not stop.is_set():
        s.step()
        if s.rng.random() < 0.5:
            s.a.mine(s.rng.randint(1, 4))
        stop.wait(interval)
    return s


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rpc", default="http://127.0.0.1:8545")
    p.add_argument("--deployment", required=True, help="deployment JSON (Deployment.to_json) of a Generation A deploy")
    p.add_argument("--rounds", type=int, default=20)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--forever", action="store_true")
    p.add_argument("--interval", type=float, default=2.0)
    args = p.parse_args(argv)
    with open(args.deployment) as f:
        d = Deployment.from_json(json.load(f))
    rpc = Rpc(args.rpc)
    if args.forever:
        try:
            run_forever(rpc, d, args.interval, args.seed)
        except KeyboardInterrupt:
            pass
        return
    s = populate(rpc, d, args.rounds, args.seed)
    print(json.dumps(s.stats.as_dict()))


if __name__ == "__main__":
    main()
