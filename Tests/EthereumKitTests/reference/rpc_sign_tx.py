"""Signs one EIP-1559 transaction with eth-account for the JSON-RPC client tests (so the tests do not depend on
our own signer). Usage: rpc_sign_tx.py KEY_HEX CHAIN_ID NONCE TO VALUE GAS MAX_FEE MAX_PRIORITY [DATA_HEX].
Prints {"raw": "0x…", "hash": "0x…", "from": "0x…"}.
"""
import json
import sys

from eth_account import Account
from eth_utils import to_checksum_address

key, chain_id, nonce, to, value, gas, max_fee, max_prio = sys.argv[1:9]
data = sys.argv[9] if len(sys.argv) > 9 else "0x"
tx = {"type": 2, "chainId": int(chain_id), "nonce": int(nonce), "to": to_checksum_address(to), "value": int(value), "gas": int(gas),
      "maxFeePerGas": int(max_fee), "maxPriorityFeePerGas": int(max_prio), "data": data}
signed = Account.sign_transaction(tx, key)
print(json.dumps({"raw": "0x" + bytes(signed.raw_transaction).hex(), "hash": "0x" + bytes(signed.hash).hex(),
                  "from": Account.from_key(key).address}))
