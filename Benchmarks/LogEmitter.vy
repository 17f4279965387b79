# pragma version ~=0.4.3
# For `kalypso-bench cache-index`: emits the marketplace's TaskCreated(uint256 indexed, address indexed, bytes)
# in bulk, so a py-evm devnet can hold 100,000 Kalypso-shaped logs after a few dozen transactions.

event TaskCreated:
    bidId: indexed(uint256)
    prover: indexed(address)
    new_acl: Bytes[32]

counter: public(uint256)


@external
def emit(n: uint256):
    c: uint256 = self.counter
    for i: uint256 in range(n, bound=4000):
        log TaskCreated(bidId=c + i, prover=msg.sender, new_acl=b"acl")
    self.counter = c + n
