# pragma version ~=0.4.3
"""Node test contract: storage, events, Error(string) and custom-error reverts, chain id, time."""

event Stored:
    who: indexed(address)
    value: uint256

value: public(uint256)


@external
def store(v: uint256):
    assert v != 13, "unlucky"
    if v == 7:
        raw_revert(concat(method_id("Seven(uint256)"), abi_encode(v)))
    self.value = v
    log Stored(who=msg.sender, value=v)


@external
@view
def chainid() -> uint256:
    return chain.id


@external
@view
def now() -> uint256:
    return block.timestamp
