"""Generation B ("ProverManager") deployment on top of the common contracts: ProverManager,
ProofMarketplace, StakingManager, NativeStaking (POND and WETH stake tokens), a verified
matching-engine key (dev account MATCHING_ENGINE running MATCHING_ENGINE_PCRS), and four markets:

    1  private, prover image PROVER_PCRS (what the enclave simulator attests), MockVerifier
    2  public (NO_ENCLAVE_ID), MockVerifier
    3  private PROVER_PCRS with a TeeVerifierWrapper as proof verifier (spec §2.7)
    4  private, prover image OTHER_PROVER_PCRS (our enclave cannot join: IncorrectImageId)

Wiring follows kalypso-contracts jung/initial-deploy scripts/deploy (spec §8.1): the Arbitrum Sepolia
pool setup, with NativeStaking as the only (enabled) pool; SymbioticStaking is not deployed.
"""
from __future__ import annotations

import json

from .. import constants as C
from ..attestation import Enclave, encode_pcrs, now_ms, public_key64
from ..rpc import Rpc, dev_account
from .common import TOKEN_UNIT, USDC_UNIT, Deployment, Market, deploy_contract

MARKET_CREATION_COST = 1000 * USDC_UNIT          # config/42161.json: 1000 USDC
WITHDRAWAL_DURATION = 3600                        # Arbitrum One native withdrawalDuration
POND_TO_LOCK = 100 * TOKEN_UNIT                   # NativeStaking.amountToLock per task
WETH_TO_LOCK = TOKEN_UNIT // 10
POND_WEIGHT, WETH_WEIGHT = 6 * 10**17, 4 * 10**17
ZERO_PCRS = (bytes(48), bytes(48), bytes(48))     # public market: image id = NO_ENCLAVE_ID
KEY_REGISTER_ROLE = bytes.fromhex("dc697ce6c0c3f886fbbc8e0d233abfac5ac53653ac08b3635bb0aec70c395c42")


def market_metadata(name: str, description: str) -> bytes:
    """UTF-8 JSON in the noir example's shape (spec §3.1)."""
    return json.dumps({"zkAppName": name, "description": description,
                       "proverCode": "https://github.com/marlinprotocol/noir_prover_enclave",
                       "verifierCode": "https://github.com/marlinprotocol/kalypso-contracts",
                       "proverOysterImage": "http://127.0.0.1/devnet/nitro-enclave.eif",
                       "inputOuputVerifierUrl": "http://not_available"}).encode()


def matching_engine() -> Enclave:
    """The matching engine's enclave key is the MATCHING_ENGINE dev account's key, so that account can
    send assignTask itself."""
    return Enclave(bytes(dev_account(C.MATCHING_ENGINE).key), tuple(C.MATCHING_ENGINE_PCRS))


CLAIM_VARIANTS = {"both": 3, "sdk": 1, "arbitrum-one": 2}


def deploy(rpc: Rpc, d: Deployment, claim_variant: str = "both"):
    """`claim_variant`: which claimProverFeeReward overloads the marketplace answers ("both", "sdk" =
    claimProverFeeReward() only as in the SDK 1.0.58 ABI, "arbitrum-one" = claimProverFeeReward(address)
    only); the other one reverts with empty data, like a deployment without it (spec §2.10)."""
    if claim_variant not in CLAIM_VARIANTS:
        raise ValueError(f"claim_variant must be one of {sorted(CLAIM_VARIANTS)}, not {claim_variant!r}")
    d.options["claim_variant"] = claim_variant
    admin = dev_account(C.ADMIN)
    treasury = dev_account(C.TREASURY).address
    a = d.addresses
    pm = deploy_contract(rpc, d, "proverManager", "genb/ProverManager")
    sm = deploy_contract(rpc, d, "stakingManager", "genb/StakingManager")
    ns = deploy_contract(rpc, d, "nativeStaking", "genb/NativeStaking")
    pmp = deploy_contract(rpc, d, "proofMarketplace", "genb/ProofMarketplace")
    erk = d.contract(rpc, "entityKeyRegistry")
    usdc = d.contract(rpc, "paymentToken")

    pm.transact(admin, "initialize", admin.address, pmp.address, sm.address, erk.address)
    pmp.transact(admin, "initialize", admin.address, usdc.address, treasury, pm.address, erk.address,
                 MARKET_CREATION_COST)
    if claim_variant != "both":
        pmp.transact(admin, "devnetSetClaimVariants", CLAIM_VARIANTS[claim_variant])
    sm.transact(admin, "initialize", admin.address, pmp.address, "0x" + "00" * 20, usdc.address)
    ns.transact(admin, "initialize", admin.address, sm.address, WITHDRAWAL_DURATION, usdc.address)
    sm.transact(admin, "grantRole", sm.call("PROVER_MANAGER_ROLE"), pm.address)
    # the devnet admin stands in for the Symbiotic slash-result transmitter
    sm.transact(admin, "grantRole", sm.call("SYMBIOTIC_STAKING_ROLE"), admin.address)
    sm.transact(admin, "addStakingPool", ns.address)
    sm.transact(admin, "setEnabledPool", ns.address, True)
    sm.transact(admin, "setPoolRewardShare", [ns.address], [10**18])
    ns.transact(admin, "addStakeToken", a["stakingToken"], POND_WEIGHT)
    ns.transact(admin, "addStakeToken", a["stakeToken2"], WETH_WEIGHT)
    ns.transact(admin, "setStakeAmountToLock", a["stakingToken"], POND_TO_LOCK)
    ns.transact(admin, "setStakeAmountToLock", a["stakeToken2"], WETH_TO_LOCK)
    erk.transact(admin, "addProverManager", pm.address)
    erk.transact(admin, "grantRole", KEY_REGISTER_ROLE, pmp.address)

    # matching engine: image in the ME family, then its key verified from an attestation
    me = matching_engine()
    pmp.transact(admin, "setMatchingEngineImage", encode_pcrs(me.pcrs))
    att = me.attestation(max(now_ms(), rpc.timestamp() * 1000))
    pmp.transact(admin, "verifyMatchingEngine", att, me.sign_operator(att, pmp.address))

    tee = deploy_contract(rpc, d, "teeVerifier3", "common/TeeVerifierWrapper", admin.address, a["attestationVerifier"],
                          [encode_pcrs(C.PROVER_PCRS)])
    usdc.transact(admin, "approve", pmp.address, 4 * MARKET_CREATION_COST)
    specs = [
        ("private", a["mockVerifier"], C.PROVER_PCRS, None,
         market_metadata("devnet-private", "Private market: enclaves running PROVER_PCRS")),
        ("public", a["mockVerifier"], ZERO_PCRS, None,
         market_metadata("devnet-public", "Public market: no enclave needed")),
        ("tee", tee.address, C.PROVER_PCRS, tee.address,
         market_metadata("devnet-tee", "Private market whose proofs are checked by a TEE verifier")),
        ("other-image", a["mockVerifier"], C.OTHER_PROVER_PCRS, None,
         market_metadata("devnet-other-image", "Private market for another prover image")),
    ]
    for kind, verifier, pcrs, tee_addr, meta in specs:
        rc = pmp.transact(admin, "createMarket", meta, verifier, encode_pcrs(pcrs), encode_pcrs(C.IVS_PCRS))
        mid = pmp.events(rc, "MarketplaceCreated")[0]["marketId"]
        d.markets[mid] = Market(mid, kind, verifier, tee_addr, tuple(pcrs) if kind != "public" else None)
