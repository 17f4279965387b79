"""Generation A ("GeneratorRegistry") on top of the common contracts (spec §0.2, §8.1 wiring order).

    from kalypso_devnet.deploy import deploy
    d = deploy("http://127.0.0.1:8545", generation="A")   # options: slash_events=..., ask_variant=...
    a = GenA.attach(rpc, d)                       # Contract wrappers + the matching-engine enclave
    a.gr.call("generatorRegistry", operator)

Deploys GeneratorRegistry(stakingToken, EntityKeyRegistry, emitStakeSlashed) and
ProofMarketplace(paymentToken, MARKET_CREATION_COST, treasury, GeneratorRegistry, EntityKeyRegistry,
masterExtras), wires them like
kalypso-contracts `helpers/setup.ts rawSetup` (GR.initialize, PMP.initialize, KEY_REGISTER_ROLE for
both through addGeneratorRegistry/grantRole, UPDATER_ROLE for the admin, matching-engine image + key),
then creates the demo markets and mines past their activation block (asks need
block.number > creation + MARKET_ACTIVATION_DELAY).

Markets (ids start at 0 in Generation A):
    0 "private"      MockVerifier, prover image PROVER_PCRS (the enclave simulator's image)
    1 "public"       MockVerifier, no enclave (NO_ENCLAVE_ID)
    2 "tee"          TeeVerifierWrapper that trusts PROVER_PCRS, prover image PROVER_PCRS
    3 "other-image"  MockVerifier, prover image OTHER_PROVER_PCRS (our enclave gets IncorrectImageId)

Slashing penalty (stake locked per task, in POND): private 10, public 5, tee 10, other-image 20.
Market creation cost 1000 USDC. The matching engine is dev account MATCHING_ENGINE.

Look-alike contracts (contracts/gena/): GeneratorRegistry.vy and ProofMarketplaceGenA.vy. Same
selectors, events, custom errors (raw_revert: byte-identical revert data) and check order as the real
Generation A contracts for what operators and dashboards touch (tests/test_gena_abi.py lists what is
skipped: the UUPS functions). Differences on purpose:
* No UUPS proxies; `initialize` is the deployer's one-time wiring call (`InvalidInitialization()` after).
* Time is `block.number`; one block between a reduction request and its execution (the devnet's
  eth_call/estimateGas run in the pending block, so the very next transaction already qualifies).
* `updateEncryptionKey` on a public market reverts `PublicMarketsDontNeedKey()` (spec: "same checks as
  the key part of join"); without the flag, `joinMarketplace` checks nothing about the enclave (spec §9.1).
* `submitProofForInvalidInputs` accepts an EIP-191 signature over keccak256(abi.encode(askId, proverData))
  by a key verified in the market's IVS or prover family (spec §5.5); `relayBatchAssignTasks` one over
  keccak256(abi.encode(askIds, generators, newAcls)) by the matching-engine key.
* Unknown ids behave as observed on the real bytecode (spec §9.1): `marketData`/`listOfAsk` revert with
  empty data, `getAskState`/`discardRequest`/`submitProof`/`createAsk` with Panic(0x32).

Faithful to the real Generation A build (not differences, listed because clients get them wrong):
* `intendToReduceStake(stakeToReduce)` / `intendToReduceCompute(computeToReduce)` take the amount to
  reduce (the SDK ABI's names; spec §9 item 2; 0 reverts `CannotBeZero()`) and store a utilisation
  rounded DOWN: declared 11 reduced by 6 leaves 4, and `unstake` pays up to totalStake/1e18 wei more
  than asked (kalypso_devnet.reductions computes both). The "request already pending" test of
  intendToReduceStake reads the compute utilisation (spec §9 item 3).
* Every refund to a requester (the rest of the reward after a proof, a discarded or slashed task, a
  cancelled ask) and the treasury's fees are credited to `claimableAmount` and paid by `flush`.
* A public market's `AskCreated` carries empty `secret_data` and `acl`.

Deploy options (recorded in `Deployment.options`):
* `slash_events="sdk"` (default): `discardRequest`/`slashGenerator` log only `ProofNotGenerated` and the
  stake token's `Transfer`, like the SDK 1.0.57 build; `"sepolia"`: also `StakeSlashed` after the
  Transfer, as the deployed Arbitrum Sepolia build is reported to do (spec §0.3, §9.1). Neither logs
  `ComputeLockReleased` on a slash: read the state from the registry's getters, not from these events.
* `ask_variant="sdk"` (default): only `createAsk(ask, secretType, privateInputs, acl)` and the 4-field
  `AskCreated`; `"master"`: also the contracts-master overload with `extraData` and its 5-field
  `AskCreated` (raw_log, same topic0 as master), and the devnet's `treasuryCollection()` total. Without
  it those two revert with empty data, like functions the contract lacks.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from .. import constants as C
from ..attestation import Enclave, encode_pcrs
from ..rpc import Contract, Rpc, dev_account
from .common import TOKEN_UNIT, USDC_UNIT, Deployment, Market, deploy_contract

GR_ARTIFACT = "gena/GeneratorRegistry"
PMP_ARTIFACT = "gena/ProofMarketplaceGenA"  # file stem differs from genb/ProofMarketplace.vy so bare names stay unambiguous

# Payment token is the 6-decimal devnet USDC; stake is the 18-decimal devnet POND.
MARKET_CREATION_COST = 1_000 * USDC_UNIT
MARKET_ACTIVATION_DELAY = 100
SLASHING_PENALTY = {"private": 10 * TOKEN_UNIT, "public": 5 * TOKEN_UNIT, "tee": 10 * TOKEN_UNIT,
                    "other-image": 20 * TOKEN_UNIT}
ZERO_PCRS = (bytes(48), bytes(48), bytes(48))

# createAsk is overloaded: the SDK 1.0.57 / deployed 4-argument form and the master form with extraData
# (spec §0.3); the Contract wrapper needs the full signature.
CREATE_ASK = "createAsk((uint256,uint256,uint256,uint256,uint256,address,bytes),uint8,bytes,bytes)"
CREATE_ASK_WITH_EXTRA = "createAsk((uint256,uint256,uint256,uint256,uint256,address,bytes),uint8,bytes,bytes,bytes)"


def market_metadata(name: str, kind: str) -> bytes:
    """UTF-8 JSON like noir_examples 98_createMarketPlace.ts (spec §3.1)."""
    return json.dumps({
        "zkAppName": name,
        "proverCode": f"https://example.invalid/kalypso-devnet/{kind}/prover",
        "verifierCode": f"https://example.invalid/kalypso-devnet/{kind}/verifier",
        "proverOysterImage": f"https://example.invalid/kalypso-devnet/{kind}/nitro-enclave.eif",
        "inputOuputVerifierUrl": "http://not_available",
        "kind": kind,
    }, separators=(",", ":")).encode()


def matching_engine_enclave() -> Enclave:
    """The matching engine's enclave key is dev account MATCHING_ENGINE, so that account (which holds
    gas) can call assignTask: the marketplace only accepts a verified key of the ME image family."""
    key = bytes(dev_account(C.MATCHING_ENGINE).key)
    return Enclave(key, tuple(C.MATCHING_ENGINE_PCRS))


@dataclass
class GenA:
    """Contract wrappers of a Generation A deployment, for scripts and tests."""
    rpc: Rpc
    d: Deployment
    gr: Contract
    pm: Contract
    ekr: Contract
    staking: Contract
    payment: Contract

    @classmethod
    def attach(cls, rpc: Rpc, d: Deployment) -> "GenA":
        if d.generation != "A":
            raise ValueError(f"deployment is Generation {d.generation}, not A")
        return cls(rpc, d, d.contract(rpc, "generatorRegistry"), d.contract(rpc, "proofMarketplace"),
                   d.contract(rpc, "entityKeyRegistry"), d.contract(rpc, "stakingToken"),
                   d.contract(rpc, "paymentToken"))

    def market(self, kind: str) -> Market:
        for m in self.d.markets.values():
            if m.kind == kind:
                return m
        raise KeyError(f"no {kind!r} market in this deployment (have {[m.kind for m in self.d.markets.values()]})")

    def mine(self, blocks: int = 1):
        """Mine empty blocks (Gen A counts time in block numbers)."""
        if blocks > 0:
            self.rpc("anvil_mine", hex(blocks))


def _create_market(rpc: Rpc, d: Deployment, pm: Contract, admin, kind: str, verifier: str, prover_pcrs,
                   tee_verifier: str | None = None) -> Market:
    market_id = pm.call("marketCounter")
    rc = pm.transact(admin, "createMarketplace", market_metadata(f"Devnet {kind} market", kind), verifier,
                     SLASHING_PENALTY[kind], encode_pcrs(prover_pcrs), encode_pcrs(ZERO_PCRS))
    created = pm.events(rc, "MarketplaceCreated")
    if [e["marketId"] for e in created] != [market_id]:
        raise RuntimeError(f"createMarketplace for the {kind} market emitted {created}, expected id {market_id}")
    m = Market(market_id, kind, verifier, tee_verifier, tuple(prover_pcrs) if prover_pcrs != ZERO_PCRS else None)
    d.markets[market_id] = m
    return m


SLASH_EVENTS = {"sdk": False, "sepolia": True}      # -> GeneratorRegistry(_emitStakeSlashed)
ASK_VARIANTS = {"sdk": False, "master": True}       # -> ProofMarketplace(_masterExtras)


def deploy(rpc: Rpc, d: Deployment, slash_events: str = "sdk", ask_variant: str = "sdk") -> None:
    """Deploy and wire the Generation A contracts and markets onto the common ones in `d` (options in
    the module doc). The options change constructor arguments only: the addresses stay the same."""
    if slash_events not in SLASH_EVENTS:
        raise ValueError(f"slash_events must be one of {sorted(SLASH_EVENTS)}, not {slash_events!r}")
    if ask_variant not in ASK_VARIANTS:
        raise ValueError(f"ask_variant must be one of {sorted(ASK_VARIANTS)}, not {ask_variant!r}")
    d.options.update(slash_events=slash_events, ask_variant=ask_variant)
    admin = dev_account(C.ADMIN)
    treasury = dev_account(C.TREASURY).address
    a = d.addresses
    ekr = d.contract(rpc, "entityKeyRegistry")
    payment = d.contract(rpc, "paymentToken")

    gr = deploy_contract(rpc, d, "generatorRegistry", GR_ARTIFACT, a["stakingToken"], a["entityKeyRegistry"],
                         SLASH_EVENTS[slash_events])
    pm = deploy_contract(rpc, d, "proofMarketplace", PMP_ARTIFACT, a["paymentToken"], MARKET_CREATION_COST,
                         treasury, gr.address, a["entityKeyRegistry"], ASK_VARIANTS[ask_variant])

    gr.transact(admin, "initialize", admin.address, pm.address)
    pm.transact(admin, "initialize", admin.address)
    ekr.transact(admin, "addGeneratorRegistry", gr.address)
    # The marketplace whitelists market images into families, which needs KEY_REGISTER_ROLE too.
    ekr.transact(admin, "grantRole", ekr.call("KEY_REGISTER_ROLE"), pm.address)
    pm.transact(admin, "grantRole", pm.call("UPDATER_ROLE"), admin.address)

    me = matching_engine_enclave()
    pm.transact(admin, "setMatchingEngineImage", encode_pcrs(me.pcrs))
    att = me.attestation(rpc.timestamp() * 1000)
    pm.transact(admin, "verifyMatchingEngine", att, me.sign_operator(att, pm.address))

    tee = deploy_contract(rpc, d, "teeVerifier", "TeeVerifierWrapper", admin.address, a["attestationVerifier"],
                          [encode_pcrs(C.PROVER_PCRS)])

    payment.transact(admin, "approve", pm.address, 4 * MARKET_CREATION_COST)
    mock = a["mockVerifier"]
    _create_market(rpc, d, pm, admin, "private", mock, C.PROVER_PCRS)
    _create_market(rpc, d, pm, admin, "public", mock, ZERO_PCRS)
    _create_market(rpc, d, pm, admin, "tee", tee.address, C.PROVER_PCRS, tee_verifier=tee.address)
    _create_market(rpc, d, pm, admin, "other-image", mock, C.OTHER_PROVER_PCRS)

    # Asks are refused until block.number > activationBlock (creation block + 100).
    rpc("anvil_mine", hex(MARKET_ACTIVATION_DELAY + 1))


__all__ = ["deploy", "GenA", "matching_engine_enclave", "market_metadata", "MARKET_CREATION_COST",
           "SLASHING_PENALTY", "GR_ARTIFACT", "PMP_ARTIFACT", "CREATE_ASK", "CREATE_ASK_WITH_EXTRA", "SLASH_EVENTS",
           "ASK_VARIANTS"]
