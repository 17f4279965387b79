# pragma version ~=0.4.3
"""Mintable mock ERC-20 (OpenZeppelin v5 ERC20 surface and custom errors; unrestricted mint like the
Gen B mocks POND/USDC/WETH). Used as staking token, 6-decimal USDC-like payment token, second stake token."""

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256

event Approval:
    owner: indexed(address)
    spender: indexed(address)
    value: uint256

name: public(String[64])
symbol: public(String[32])
decimals: public(uint8)
totalSupply: public(uint256)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])


@deploy
def __init__(_name: String[64], _symbol: String[32], _decimals: uint8, supply: uint256):
    self.name = _name
    self.symbol = _symbol
    self.decimals = _decimals
    self._mint(msg.sender, supply)


@internal
def _mint(to: address, amount: uint256):
    if to == empty(address):
        raw_revert(concat(method_id("ERC20InvalidReceiver(address)"), abi_encode(to)))
    self.totalSupply += amount
    self.balanceOf[to] += amount
    log Transfer(sender=empty(address), receiver=to, value=amount)


@internal
def _transfer(owner: address, to: address, amount: uint256):
    if owner == empty(address):
        raw_revert(concat(method_id("ERC20InvalidSender(address)"), abi_encode(owner)))
    if to == empty(address):
        raw_revert(concat(method_id("ERC20InvalidReceiver(address)"), abi_encode(to)))
    bal: uint256 = self.balanceOf[owner]
    if bal < amount:
        raw_revert(concat(method_id("ERC20InsufficientBalance(address,uint256,uint256)"), abi_encode(owner, bal, amount)))
    self.balanceOf[owner] = bal - amount
    self.balanceOf[to] += amount
    log Transfer(sender=owner, receiver=to, value=amount)


@external
def mint(to: address, amount: uint256):
    self._mint(to, amount)


@external
def transfer(to: address, amount: uint256) -> bool:
    self._transfer(msg.sender, to, amount)
    return True


@external
def approve(spender: address, amount: uint256) -> bool:
    if spender == empty(address):
        raw_revert(concat(method_id("ERC20InvalidSpender(address)"), abi_encode(spender)))
    self.allowance[msg.sender][spender] = amount
    log Approval(owner=msg.sender, spender=spender, value=amount)
    return True


@external
def transferFrom(owner: address, to: address, amount: uint256) -> bool:
    allowed: uint256 = self.allowance[owner][msg.sender]
    if allowed != max_value(uint256):
        if allowed < amount:
            raw_revert(concat(method_id("ERC20InsufficientAllowance(address,uint256,uint256)"), abi_encode(msg.sender, allowed, amount)))
        self.allowance[owner][msg.sender] = allowed - amount
    self._transfer(owner, to, amount)
    return True
