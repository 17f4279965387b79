"""Make a Generation A devnet look lived-in: other generators registered, staked and joined (public,
private, TEE and other-image markets; every private join with its own made-up enclave key), a requester
creating asks, the matching engine assigning them (to our OPERATOR too, once it has joined a market),
proofs submitted, some tasks discarded or missed and slashed after the deadline, expired asks
cancelled, some rewards and refunds flushed and some left claimable. Same shape as scenario/gen_b.py:

    s = GenAScenario(rpc_url, deployment)           # deployment from kalypso_devnet.deploy.deploy(..., "A")
    s.setup()                                        # other generators (idempotent)
    s.populate(rounds=20)                            # some history; blocks are mined between rounds
    s.run_forever(interval=5)                        # keep feeding a live demo

    python -m kalypso_devnet.scenario.gen_a --rpc http://127.0.0.1:8545 --deployment deployment.json [--forever]

The deployment's options (Deployment.options, e.g. slash_events="sdk" | "sepolia") decide what the
contracts log; the scenario drives both builds the same way and reports the options in `.options`.

Our OPERATOR is NOT registered by default (the console's onboarding does that); `onboard_operator(...)`
runs the Appendix A sequence for it in tests and demos. Generation A counts time in block numbers, so
"time passing" here means mining blocks. Everything goes through JSON-RPC with signed transactions.
"""
from __future__ import annotations

import json
import random
import threading
from dataclasses import dataclass, field
from typing import Callable

from .. import constants as C
from ..attestation import Enclave
from ..deploy.common import TOKEN_UNIT, USDC_UNIT, Deployment
from ..deploy.gen_a import CREATE_ASK, GenA
from ..rpc import Reverted, Rpc, dev_account

ASK_CREATE, ASK_UNASSIGNED, ASK_ASSIGNED, ASK_COMPLETE, ASK_DEADLINE_CROSSED = 1, 2, 3, 4, 5
GEN_JOINED, GEN_WIP = 1, 3
ZERO = "0x" + "00" * 20

# (attestation_data, enclave_signature) for an operator address: what the console gets from the
# enclave (:1500 -> verifier :1400 -> :5000/api/signAttestation).
KeyProvider = Callable[[str], tuple]


@dataclass(frozen=True)
class Plan:
    """One other generator: the markets it serves with (compute per request, proofGenerationCost in
    USDC base units, proposedTime in blocks), and how often it proves an assigned task in time."""
    account: int
    declared_compute: int
    stake: int
    markets: tuple  # of (market kind, compute per request, cost, proposed time)
    reliability: float
    metadata: dict


PLANS = (
    Plan(C.OTHER_PROVERS[0], 16, 200 * TOKEN_UNIT,
         (("public", 2, 1 * USDC_UNIT, 8), ("private", 4, 2 * USDC_UNIT, 12)), 0.9,
         {"display_name": "Aurora Provers", "display_description": "Two c6a.8xlarge boxes in Frankfurt",
          "website": "https://aurora.invalid", "twitter": "@aurora_zk"}),
    Plan(C.OTHER_PROVERS[1], 8, 120 * TOKEN_UNIT,
         (("public", 1, 800_000, 10), ("tee", 2, 3 * USDC_UNIT, 15)), 0.75,
         {"display_name": "Borealis Compute", "display_description": "Nitro enclaves, us-east-1",
          "website": "https://borealis.invalid", "twitter": "@borealis"}),
    Plan(C.OTHER_PROVERS[2], 12, 300 * TOKEN_UNIT,
         (("other-image", 3, 4 * USDC_UNIT, 20), ("public", 2, 1_500_000, 6)), 0.6,
         {"display_name": "Cirrus Labs", "display_description": "Experimental prover image",
          "website": "https://cirrus.invalid", "twitter": "@cirrus"}),
)

MARKET_IMAGE = {"private": C.PROVER_PCRS, "tee": C.PROVER_PCRS, "other-image": C.OTHER_PROVER_PCRS}


def enclave_for(account: int, kind: str) -> Enclave:
    """The deterministic enclave of an other generator for a private market: one key per market, since
    a key can be verified only once (spec §2.6.3)."""
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
    to_operator: int = 0
    errors: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(vars(self))


class GenAScenario:
    def __init__(self, rpc_url: str, deployment: Deployment, seed: int = 1, prove_operator_tasks: bool = False,
                 slash_operator: bool = True, log=None):
        if deployment.generation != "A":
            raise ValueError("GenAScenario needs a Generation A deployment")
        self.rpc = Rpc(rpc_url) if isinstance(rpc_url, str) else rpc_url
        self.d = deployment
        self.a = GenA.attach(self.rpc, deployment)
        # Deployment JSON written before the options were recorded has none: the deploy defaults then.
        self.options = {"slash_events": "sdk", "ask_variant": "sdk"} | dict(deployment.options)
        self.rng = random.Random(seed)
        self.prove_operator_tasks = prove_operator_tasks
        self.slash_operator = slash_operator
        self.log = log or (lambda msg: None)
        self.stats = Stats()
        self.operator = dev_account(C.OPERATOR)
        self.requester = dev_account(C.REQUESTER)
        self.me = dev_account(C.MATCHING_ENGINE)
        self.gas = dev_account(C.GAS_KEY)
        self.slasher = dev_account(C.TOKEN_FAUCET)
        self.operator_enclaves: dict[int, Enclave] = {}  # market id -> the operator's enclave, when onboarded here
        self.will_miss: set[int] = set()  # ask ids whose (other) generator lets the deadline pass
        self.open: set[int] = set()       # ask ids not COMPLETE yet
        self.seen = 0                     # asks scanned so far

    def _attest(self, enc: Enclave) -> bytes:
        return enc.attestation(self.rpc.timestamp() * 1000)

    # ------------------------------------------------------------ setup

    def setup(self):
        """Register, stake and join every planned generator (skips what is already on chain)."""
        a = self.a
        for plan in PLANS:
            acct = dev_account(plan.account)
            if a.gr.call("generatorRegistry", acct.address)[0] == ZERO:
                a.gr.transact(acct, "register", acct.address, plan.declared_compute, 0,
                              json.dumps(plan.metadata, separators=(",", ":")).encode())
                a.staking.transact(acct, "approve", a.gr.address, plan.stake)
                a.gr.transact(acct, "stake", acct.address, plan.stake)
                self.log(f"generator {acct.address} registered and staked")
            for kind, compute, cost, ptime in plan.markets:
                m = a.market(kind)
                if a.gr.call("generatorInfoPerMarket", acct.address, m.id)[0] != 0:
                    continue
                if kind == "public":
                    a.gr.transact(acct, "joinMarketplace", m.id, compute, cost, ptime, False, b"", b"")
                else:
                    enc = enclave_for(plan.account, kind)
                    att = self._attest(enc)
                    a.gr.transact(acct, "joinMarketplace", m.id, compute, cost, ptime, True, att,
                                  enc.sign_operator(att, acct.address))
                    if m.tee_verifier:
                        tee = self.d.contract(self.rpc, "teeVerifier")
                        if tee.call("getVerifiedKey", enc.address) == bytes(32):
                            tee.transact(acct, "verifyKey", att)
                self.log(f"generator {acct.address} joined market {m.id} ({kind})")
        self._scan()

    def onboard_operator(self, key_provider: KeyProvider | Enclave, market: int | None = None,
                         declared_compute: int = 8, stake: int = 100 * TOKEN_UNIT, proof_cost: int = 2 * USDC_UNIT,
                         proposed_time: int = 20):
        """Appendix A for our OPERATOR: register, approve + stake, join `market` (default: the private
        one) with attestation + enclave signature, and verify the key in the market's TEE verifier if
        it has one. `key_provider(operator_address) -> (attestation_data, enclave_signature)`, or an Enclave."""
        a, op = self.a, self.operator
        market = a.market("private").id if market is None else market
        if isinstance(key_provider, Enclave):
            enc = key_provider
            self.operator_enclaves[market] = enc

            def key_provider(addr, enc=enc):
                att = self._attest(enc)
                return att, enc.sign_operator(att, addr)
        if a.gr.call("generatorRegistry", op.address)[0] == ZERO:
            a.gr.transact(op, "register", op.address, declared_compute, 0,
                          json.dumps({"display_name": "devnet operator", "display_description": "our console"}).encode())
        have = a.gr.call("generatorRegistry", op.address)[1]
        if have < stake:
            a.staking.transact(op, "approve", a.gr.address, stake - have)
            a.gr.transact(op, "stake", op.address, stake - have)
        m = self.d.markets[market]
        private = m.kind != "public"
        att, sig = key_provider(op.address) if private else (b"", b"")
        a.gr.transact(op, "joinMarketplace", market, 2, proof_cost, proposed_time, private, att, sig)
        if m.tee_verifier:
            self.d.contract(self.rpc, "teeVerifier").transact(op, "verifyKey", att)
        self.log(f"operator {op.address} onboarded into market {market}")

    def _scan(self):
        n = self.a.pm.call("askCounter")
        for ask_id in range(self.seen, n):
            if self.a.pm.call("listOfAsk", ask_id)[1] != ASK_COMPLETE:
                self.open.add(ask_id)
        self.seen = n

    # ------------------------------------------------------------ one round

    def create_asks(self, n: int):
        a = self.a
        for _ in range(n):
            kind = self.rng.choice(("public", "public", "private", "tee", "other-image"))
            m = a.market(kind)
            reward = self.rng.randint(1, 6) * USDC_UNIT
            ask = (m.id, reward, self.rpc.block_number() + self.rng.randint(4, 30), self.rng.randint(10, 40), 0,
                   self.requester.address, json.dumps({"n": self.rng.randint(1, 10**6)}).encode())
            a.payment.transact(self.requester, "approve", a.pm.address, reward)
            a.pm.transact(self.requester, CREATE_ASK, ask, 1, b"", b"")
            self.stats.asks += 1

    def _candidates(self, market_id: int) -> list[str]:
        out = [dev_account(p.account).address for p in PLANS
               if any(self.a.market(kind).id == market_id for kind, *_ in p.markets)]
        self.rng.shuffle(out)
        state, idle = self.a.gr.call("getGeneratorState", self.operator.address, market_id)
        if state in (GEN_JOINED, GEN_WIP) and idle > 0:
            out.insert(0, self.operator.address)  # our operator gets work as soon as it has joined
        return out

    @staticmethod
    def _plan_of(generator: str) -> Plan | None:
        return next((p for p in PLANS if dev_account(p.account).address == generator), None)

    def _assign(self, ask_id: int, market_id: int):
        for addr in self._candidates(market_id):
            try:
                self.a.pm.transact(self.me, "assignTask", ask_id, addr, b"")
            except Reverted:
                plan = self._plan_of(addr)
                if plan:
                    self._top_up_if_needed(plan)
                continue  # price/time mismatch, no idle compute or short of stake: next generator
            self.stats.assigned += 1
            if addr == self.operator.address:
                self.stats.to_operator += 1
            else:
                plan = self._plan_of(addr)
                if self.rng.random() > plan.reliability:
                    self.will_miss.add(ask_id)
            return

    def _advance(self, ask_id: int):
        a = self.a
        state = a.pm.call("getAskState", ask_id)
        (market_id, *_rest), _stored, _requester, generator = a.pm.call("listOfAsk", ask_id)
        ours = generator == self.operator.address
        plan = self._plan_of(generator)
        if state == ASK_CREATE:
            self._assign(ask_id, market_id)
        elif state == ASK_ASSIGNED:
            if ours:
                if self.prove_operator_tasks:
                    a.pm.transact(self.gas, "submitProof", ask_id, self._proof(market_id, ask_id, None))
                    self.stats.proved += 1
                    self.open.discard(ask_id)
                return  # otherwise the operator's enclave (or the console) proves it
            if plan is None or ask_id in self.will_miss:
                return  # not ours to drive, or it runs into the deadline
            if self.rng.random() < 0.05:
                a.pm.transact(dev_account(plan.account), "discardRequest", ask_id)
                self.stats.discarded += 1
            else:
                a.pm.transact(dev_account(plan.account), "submitProof", ask_id, self._proof(market_id, ask_id, plan))
                self.stats.proved += 1
            self.open.discard(ask_id)
        elif state == ASK_DEADLINE_CROSSED:
            if (ours and self.slash_operator) or plan is not None:
                a.pm.transact(self.slasher, "slashGenerator", ask_id, self.slasher.address)
                self.stats.slashed += 1
                self.will_miss.discard(ask_id)
                self.open.discard(ask_id)
        elif state == ASK_UNASSIGNED:
            a.pm.transact(self.requester, "cancelAsk", ask_id)
            self.stats.cancelled += 1
            self.open.discard(ask_id)
        else:
            self.open.discard(ask_id)

    def _proof(self, market_id: int, ask_id: int, plan: Plan | None) -> bytes:
        m = self.d.markets[market_id]
        body = f"proof of ask {ask_id}".encode()
        if not m.tee_verifier:
            return body  # MockVerifier markets accept any bytes
        enc = enclave_for(plan.account, m.kind) if plan else self.operator_enclaves.get(market_id)
        if enc is None:
            raise RuntimeError(f"no enclave key of the operator for TEE market {market_id} (onboard it with an Enclave)")
        inputs = self.a.pm.call("listOfAsk", ask_id)[0][6]
        return enc.sign_proof(inputs, body)

    def _top_up_if_needed(self, plan: Plan):
        acct = dev_account(plan.account)
        reg = self.a.gr.call("generatorRegistry", acct.address)
        if reg[1] - reg[4] < 20 * TOKEN_UNIT:
            self.a.staking.transact(acct, "approve", self.a.gr.address, plan.stake // 2)
            self.a.gr.transact(acct, "stake", acct.address, plan.stake // 2)

    def settle(self):
        """Assign, prove, discard, slash and cancel what the open asks call for."""
        self._scan()
        for ask_id in sorted(self.open):
            self._advance(ask_id)

    def flush_rewards(self):
        """Now and then a generator flushes its earnings, or the requester its refunds (remainders of
        rewards, discarded, slashed and cancelled asks all wait in claimableAmount)."""
        plan = self.rng.choice(PLANS)
        for who in (dev_account(plan.account), self.requester):
            if self.rng.random() < 0.3 and self.a.pm.call("claimableAmount", who.address) > 0:
                self.a.pm.transact(who, "flush", who.address)
                self.stats.flushed += 1

    def step(self, asks: int | None = None):
        self.create_asks(self.rng.randint(1, 3) if asks is None else asks)
        self.settle()
        self.flush_rewards()

    def populate(self, rounds: int = 20, max_blocks: int = 12) -> Stats:
        """setup() and `rounds` steps, mining 2..max_blocks empty blocks after each so expiries and
        deadlines (block numbers) pass."""
        self.setup()
        for _ in range(rounds):
            self.step()
            if max_blocks >= 2:
                self.a.mine(self.rng.randint(2, max_blocks))
        return self.stats

    def run_forever(self, interval: float = 5.0, stop: threading.Event | None = None, asks: int | None = None):
        """Keep the network busy until `stop` is set (or forever), a round every `interval` seconds."""
        self.setup()
        stop = stop or threading.Event()
        while not stop.is_set():
            try:
                self.step(asks)
                if self.rng.random() < 0.5:
                    self.a.mine(self.rng.randint(1, 4))
            except Reverted as e:
                self.stats.errors.append(str(e))
                self.log(f"scenario step reverted: {e}")
            stop.wait(interval)
        return self.stats


def main(argv=None):
    import argparse
    ap = argparse.ArgumentParser(description="Feed a Generation A devnet with other generators, asks, tasks and proofs.")
    ap.add_argument("--rpc", required=True)
    ap.add_argument("--deployment", required=True, help="deployment JSON (Deployment.to_json) of a Generation A deploy")
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--forever", action="store_true")
    ap.add_argument("--interval", type=float, default=5.0)
    args = ap.parse_args(argv)
    with open(args.deployment) as f:
        d = Deployment.from_json(json.load(f))
    s = GenAScenario(args.rpc, d, seed=args.seed, log=lambda m: print(m, flush=True))
    print(f"deployment options: {json.dumps(s.options)}", flush=True)
    print(json.dumps(s.populate(args.rounds).as_dict()), flush=True)
    if args.forever:
        s.run_forever(args.interval)


if __name__ == "__main__":
    main()
