"""Fixed identities of the local demo network, shared by the node, the deploy and scenario scripts,
the enclave simulator and the tests. Every key here is a public, well-known TEST key: never use them
on a real network.

Accounts come from the anvil/hardhat mnemonic "test test ... junk" (m/44'/60'/0'/0/i), so wallets and
tools that know anvil recognise them.
"""
MNEMONIC = "test test test test test test test test test test test junk"
HD_PATH = "m/44'/60'/0'/0"
CHAIN_ID = 31337

# Roles of the dev accounts (index into the mnemonic).
ADMIN = 0            # deploys everything, holds admin roles, creates markets
OPERATOR = 1         # "our" hardware operator: the console's default identity on the demo network
GAS_KEY = 2          # the gas key handed to the enclave (runtime_config.private_key)
OTHER_PROVERS = (3, 4, 5)   # other operators that make the network look lived-in
REQUESTER = 6        # creates asks/bids (pays for proofs)
MATCHING_ENGINE = 7  # the matching-engine key that assigns tasks (verified as an enclave key)
TREASURY = 8         # receives market creation fees and slashed stake (Gen A)
TOKEN_FAUCET = 9     # spare account

# The attestation-verifier enclave ("god" verifier) key, set in the AttestationVerifier at deployment
# (spec §8.2 item 2). The off-chain verifier endpoint of the enclave simulator signs EIP-712
# attestations with it. Hardhat/anvil account #19's key: public, test only.
VERIFIER_PRIVATE_KEY = "0xdf57089febbacf7ba0bc227dafbffa9fc08a93fdc68e1e42411a14efcf23656e"

def pcr(tag: int) -> bytes:
    """A fake 48-byte PCR value (Nitro PCRs are SHA-384 sized)."""
    return bytes(47) + bytes([tag])

# The verifier enclave's own image (what AttestationVerifier whitelists for its key).
VERIFIER_PCRS = (pcr(0x65), pcr(0x36), pcr(0x93))
# The prover enclave image the simulator reports in its attestations; demo private markets accept it.
PROVER_PCRS = (pcr(0x11), pcr(0x12), pcr(0x13))
# A second prover image (a market our enclave cannot join: IncorrectImageId).
OTHER_PROVER_PCRS = (pcr(0x21), pcr(0x22), pcr(0x23))
# The matching-engine image.
MATCHING_ENGINE_PCRS = (pcr(0x31), pcr(0x32), pcr(0x33))
# IVS image.
IVS_PCRS = (pcr(0x41), pcr(0x42), pcr(0x43))

# Default ports of the enclave simulator (0 = pick a free port; the chosen ports are printed and
# written into kalypso-config.json).
GENERATOR_CLIENT_PORT = 0   # spec §5.4 (real enclave: 5000)
ATTESTATION_PORT = 0        # spec §5.2 (real enclave: 1500)
VERIFIER_PORT = 0           # spec §5.3 (real: 1400)
