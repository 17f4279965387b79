"""Every function of the reference ABIs in abi/ exists in our compiled look-alikes with the same
selector, argument types, return types and mutability, and every event with the same topic0 — except
the entries listed in SKIPPED, each with the reason."""
import json

import pytest

from kalypso_devnet.compile import compile_contract
from kalypso_devnet.rpc import _type, signature

from genb_support import REPO

UUPS = {"UPGRADE_INTERFACE_VERSION()": "UUPS proxy plumbing: look-alikes are deployed directly (no proxies in Vyper)",
        "proxiableUUID()": "UUPS proxy plumbing", "upgradeToAndCall(address,bytes)": "UUPS proxy plumbing",
        "Initialized(uint64)": "OpenZeppelin Initializable event: no proxy initialisation",
        "Upgraded(address)": "UUPS proxy event",
        "RoleAdminChanged(bytes32,bytes32,bytes32)": "role admins are fixed to DEFAULT_ADMIN_ROLE (never changed)"}
SKIPPED = {
    "ProverManager.json": UUPS | {
        "addIvsKey(uint256,bytes,bytes)": "IVS enclaves are not simulated (no input-verification markets)",
        "IvKeyAdded(uint256,address)": "IVS enclaves are not simulated"},
    "ProofMarketplace.json": UUPS | {
        "distributeTransmitterFeeReward(address,uint256)": "Symbiotic transmitter rewards: SymbioticStaking is not deployed",
        "transferFeeToken(address,uint256)": "StakingManager fee routing for Symbiotic rewards: not deployed",
        "TransmitterFeeRewardAdded(address,uint256)": "Symbiotic transmitter rewards: not deployed",
        "ProverRewardShareSet(address,uint256)": "admin-only reward-share event, never emitted (100 % to provers as on Arbitrum One)",
        "submitProofForInvalidInputs(uint256,bytes)": "needs an IVS enclave signature: IVS is not simulated",
        "InvalidInputsDetected(uint256)": "IVS is not simulated",
},
    "ProofMarketplace.arbitrum-one-delta.json": {},
    "NativeStaking.json": UUPS | {"emergencyWithdraw(address,address)": "admin-only rescue of stray tokens"},
    "StakingManager.json": UUPS | {"emergencyWithdraw(address,address)": "admin-only rescue of stray tokens"},
    "EntityKeyRegistry.json": UUPS | {
        "initialize(address,(bytes,bytes,bytes)[])": "its arguments go to the constructor (no proxy)",
        "EnclaveKeyRevoked(bytes)": "keys are never revoked in the registry on the devnet",
        "EnclaveKeyWhitelisted(bytes,bytes32)": "the registry only verifies keys from attestations"},
    "v1-generator-registry/EntityKeyRegistry.json": UUPS | {
        "initialize(address,(bytes,bytes,bytes)[])": "its arguments go to the constructor (no proxy)",
        "EnclaveKeyRevoked(bytes)": "keys are never revoked in the registry on the devnet",
        "EnclaveKeyWhitelisted(bytes,bytes32)": "the registry only verifies keys from attestations"},
    "TeeVerifierWrapper.json": {
        "EnclaveImageRemovedFromFamily(bytes32,bytes32)": "the wrapper never removes images",
        "EnclaveImageRevoked(bytes32)": "the wrapper never revokes images",
        "EnclaveKeyRevoked(address)": "the wrapper never revokes keys",
        "EnclaveKeyWhitelisted(address,bytes32,bytes)": "keys are only verified from attestations"},
    "AttestationVerifier.json": UUPS | {
        "initialize((bytes,bytes,bytes)[],bytes[],address)": "its arguments go to the constructor (no proxy)"},
    "MockToken.json": {},
}
ARTIFACT = {"ProverManager.json": "genb/ProverManager", "ProofMarketplace.json": "genb/ProofMarketplace",
            "ProofMarketplace.arbitrum-one-delta.json": "genb/ProofMarketplace",
            "NativeStaking.json": "genb/NativeStaking", "StakingManager.json": "genb/StakingManager",
            "EntityKeyRegistry.json": "common/EntityKeyRegistry",
            "v1-generator-registry/EntityKeyRegistry.json": "common/EntityKeyRegistry",
            "TeeVerifierWrapper.json": "common/TeeVerifierWrapper",
            "AttestationVerifier.json": "common/AttestationVerifier", "MockToken.json": "common/Token"}


def entries(abi, kind):
    return {signature(e): e for e in abi if e.get("type") == kind}


@pytest.mark.parametrize("abi_file", sorted(ARTIFACT))
def test_reference_abi_is_covered(abi_file):
    ref = json.loads((REPO / "abi" / abi_file).read_text())
    ours = compile_contract(ARTIFACT[abi_file]).abi
    skipped = SKIPPED[abi_file]
    for kind in ("function", "event"):
        have = entries(ours, kind)
        for sig, e in entries(ref, kind).items():
            if sig in skipped:
                assert sig not in have, f"{sig} is implemented now: drop it from SKIPPED"
                continue
            assert sig in have, f"{abi_file}: {kind} {sig} missing from {ARTIFACT[abi_file]}"
            mine = have[sig]
            if kind == "function":
                assert [_type(o) for o in mine.get("outputs", [])] == [_type(o) for o in e.get("outputs", [])], sig
                assert mine["stateMutability"] == e["stateMutability"], sig
            else:
                assert [i.get("indexed", False) for i in mine["inputs"]] == [i.get("indexed", False) for i in e["inputs"]], sig
    # every skip names something the reference really has
    names = set(entries(ref, "function")) | set(entries(ref, "event"))
    assert set(skipped) <= names, set(skipped) - names


def test_both_claim_variants_have_their_selectors():
    ours = entries(compile_contract("genb/ProofMarketplace").abi, "function")
    from eth_utils import keccak
    assert "0x" + keccak(text="claimProverFeeReward()")[:4].hex() == "0x7587de01" and "claimProverFeeReward()" in ours
    assert "0x" + keccak(text="claimProverFeeReward(address)")[:4].hex() == "0xab483c68" and "claimProverFeeReward(address)" in ours


def test_every_raised_error_is_in_the_reference_abis():
    """Each `method_id("Name(types)")` the common/Gen B look-alikes raise is an error of abi/ (so a typo
    cannot produce a selector no client knows); the few the ABIs lack are listed here."""
    import re
    from kalypso_devnet.compile import CONTRACTS_DIR
    known = set()
    for f in (REPO / "abi").rglob("*.json"):
        for e in json.loads(f.read_text()):
            if e.get("type") == "error":
                known.add(signature(e))
    extra = {"Panic(uint256)", "Error(string)",
             "TeeVerifierEnclaveKeyNotVerified(bytes,bytes,bytes)"}  # spec §2.7, not in the SDK ABIs
    raised = set()
    for sub in ("lib", "common", "genb"):
        for p in (CONTRACTS_DIR / sub).glob("*.vy"):
            for m in re.finditer(r'method_id\("([A-Za-z0-9_]+\([^")]*\))"\)', p.read_text()):
                sig = m.group(1)
                if not sig.startswith(("verify(", "claimProverFeeReward(")):   # function selectors, not errors
                    raised.add(sig)
    assert len(raised) > 60
    assert raised - known - extra == set()
