"""The Generation B scenario: other provers, bids, assignments, proofs, refunds and slashes — and our
operator untouched unless onboarded, then receiving tasks too."""
import json

from kalypso_devnet import constants as C
from kalypso_devnet.attestation import Enclave
from kalypso_devnet.deploy import write_config
from kalypso_devnet.deploy.common import Deployment
from kalypso_devnet.rpc import dev_account
from kalypso_devnet.scenario.gen_b import GenBScenario

OP = dev_account(C.OPERATOR)


def test_populate_leaves_operator_alone(node, chain, deployment):
    s = GenBScenario(node.url, deployment, seed=7)
    st = s.populate(rounds=3, time_travel=150)
    assert st.bids == 9 and st.assigned > 0 and st.proofs > 0 and st.to_operator == 0
    assert st.refunded == st.slashed > 0, st   # proof_rate < 1 leaves some late tasks
    assert s.pm.call("proverRegistry", OP.address)[0] == "0x" + "00" * 20
    pmp = s.pmp
    assert pmp.logs("TaskCreated") and pmp.logs("ProofCreated") and pmp.logs("ProofNotGenerated")
    assert s.ns.logs("TaskSlashed") and s.ns.logs("StakeLocked") and s.ns.logs("StakeUnlocked")
    assert len(s.pm.logs("ProverJoinedMarketplace")) == 6
    # setup is idempotent
    s.setup()
    assert len(s.pm.logs("ProverJoinedMarketplace")) == 6


def test_onboarded_operator_gets_tasks(node, chain, deployment):
    import pytest
    with pytest.raises(ValueError, match="key_provider"):
        GenBScenario(node.url, deployment, onboard_operator=True)
    enc = Enclave.generate(C.PROVER_PCRS, seed=b"scenario-operator")
    s = GenBScenario(node.url, deployment, seed=3, prove_operator_tasks=True, onboard_operator=True,
                     key_provider=enc, operator_market=3)
    s.setup()
    s.setup()   # idempotent: already joined
    assert s.pm.call("proverInfoPerMarket", OP.address, 3)[0] == 1
    assert s.erk.call("pub_key", OP.address, 3) == enc.public_key
    assert deployment.contract(chain, "teeVerifier3").call("getVerifiedKey", enc.address) == enc.image_id
    for _ in range(6):
        s.step(bids=4)
        if s.stats.to_operator:
            break
    assert s.stats.to_operator > 0
    mine = [e["bidId"] for e in s.pmp.logs("TaskCreated") if e["prover"] == OP.address]
    proved = {e["bidId"] for e in s.pmp.logs("ProofCreated")}
    assert set(mine) <= proved     # proved through the TEE verifier with the operator's enclave key
    assert s.pmp.call("proverClaimableFeeReward", OP.address) > 0


def test_deployment_json_roundtrip_and_config(tmp_path, node, deployment):
    d2 = Deployment.from_json(json.loads(json.dumps(deployment.to_json())))
    assert d2.addresses == deployment.addresses and d2.markets == deployment.markets
    cfg = write_config(tmp_path / "kalypso-config.json", deployment,
                       {"url": "http://127.0.0.1:5001", "utilityUrl": "http://127.0.0.1:1501",
                        "verifier": "http://127.0.0.1:1401"}, node.url)
    on_disk = json.loads((tmp_path / "kalypso-config.json").read_text())
    assert on_disk == cfg
    assert cfg["generation"] == "B" and cfg["chainId"] == 31337 and cfg["rpcHttp"] == node.url
    assert cfg["rpcWs"] == "wss" + node.url[4:]  # the generator client refuses a ws_url without "wss"
    assert cfg["generator_registry"] == deployment.addresses["proverManager"]
    assert cfg["operator"] == OP.address
    assert cfg["markets"]["3"]["teeVerifier"] == deployment.addresses["teeVerifier3"]
    assert cfg["markets"]["1"]["teeVerifier"] == "0x" + "00" * 20
    assert cfg["generatorEnclave"] == {"url": "http://127.0.0.1:5001", "utilityUrl": "http://127.0.0.1:1501"}
    assert cfg["attestationVerifierEndPoint"] == "http://127.0.0.1:1401"
    assert cfg["logStartBlock"] == deployment.start_block
    # same keys as the repository's sample
    from genb_support import REPO
    sample = json.loads((REPO / "kalypso-config.json").read_text())
    assert set(cfg) == set(sample)


def test_fresh_deployment_matches_the_sample_config():
    """Deterministic addresses: the repository's kalypso-config.json was written from a deploy on a
    fresh node (its own node here: the session node also carries other deployments)."""
    from genb_support import REPO
    from kalypso_devnet.deploy import deploy
    from kalypso_devnet.node import NodeProcess
    n = NodeProcess()
    try:
        d = deploy(n.url, "B")
    finally:
        n.stop()
    sample = json.loads((REPO / "kalypso-config.json").read_text())
    a = d.addresses
    assert (sample["proof_market_place"], sample["generator_registry"], sample["entity_registry"],
            sample["nativeStaking"], sample["stakingManager"], sample["payment_token"], sample["staking_token"],
            sample["attestation_verifier"]) == (a["proofMarketplace"], a["proverManager"], a["entityKeyRegistry"],
                                                a["nativeStaking"], a["stakingManager"], a["paymentToken"],
                                                a["stakingToken"], a["attestationVerifier"])
    assert sample["markets"]["3"]["teeVerifier"] == a["teeVerifier3"]
    assert sample["logStartBlock"] == d.start_block == 1


def test_deploy_option_claim_variant(node, chain):
    from kalypso_devnet.deploy import deploy
    import pytest as _pytest
    d = deploy(node.url, "B", claim_variant="arbitrum-one")
    assert d.contract(chain, "proofMarketplace").call("claimVariants") == 2
    with _pytest.raises(ValueError, match="claim_variant"):
        deploy(node.url, "B", claim_variant="mainnet")
