"""Reference side of the keystore round trips: eth-account writes and reads Web3 Secret Storage v3.

Reads one JSON request on stdin (secrets never go on the command line), prints one JSON answer.
  encrypt: {"key": hex, "password": str, "kdf": "scrypt"|"pbkdf2", "iterations": int} -> the keystore
  decrypt: {"keystore": {...}, "password": str} -> {"key": hex, "address": checksummed}
"""
import json
import sys

from eth_account import Account

req = json.load(sys.stdin)
if sys.argv[1] == "encrypt":
    print(json.dumps(Account.encrypt(req["key"], req["password"], kdf=req["kdf"], iterations=req["iterations"])))
elif sys.argv[1] == "decrypt":
    key = Account.decrypt(req["keystore"], req["password"])
    print(json.dumps({"key": key.hex(), "address": Account.from_key(key).address}))
else:
    sys.exit("unknown mode " + sys.argv[1])
