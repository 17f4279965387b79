# pragma version ~=0.4.3
"""OpenZeppelin v5 AccessControl look-alike (same selectors, events and errors)."""

DEFAULT_ADMIN_ROLE: public(constant(bytes32)) = empty(bytes32)

event RoleGranted:
    role: indexed(bytes32)
    account: indexed(address)
    sender: indexed(address)

event RoleRevoked:
    role: indexed(bytes32)
    account: indexed(address)
    sender: indexed(address)

roles: HashMap[bytes32, HashMap[address, bool]]


@deploy
def __init__(admin: address):
    self._grant(DEFAULT_ADMIN_ROLE, admin)


@internal
def _grant(role: bytes32, account: address):
    if not self.roles[role][account]:
        self.roles[role][account] = True
        log RoleGranted(role=role, account=account, sender=msg.sender)


@internal
@view
def check(role: bytes32, account: address):
    if not self.roles[role][account]:
        raw_revert(concat(method_id("AccessControlUnauthorizedAccount(address,bytes32)"), abi_encode(account, role)))


@external
@view
def hasRole(role: bytes32, account: address) -> bool:
    return self.roles[role][account]


@external
@view
def getRoleAdmin(role: bytes32) -> bytes32:
    return DEFAULT_ADMIN_ROLE


@external
@view
def supportsInterface(interfaceId: bytes4) -> bool:
    """ERC-165 and IAccessControl."""
    return interfaceId == 0x01ffc9a7 or interfaceId == 0x7965db0b


@external
def grantRole(role: bytes32, account: address):
    self.check(DEFAULT_ADMIN_ROLE, msg.sender)
    self._grant(role, account)


@external
def revokeRole(role: bytes32, account: address):
    self.check(DEFAULT_ADMIN_ROLE, msg.sender)
    if self.roles[role][account]:
        self.roles[role][account] = False
        log RoleRevoked(role=role, account=account, sender=msg.sender)


@external
def renounceRole(role: bytes32, callerConfirmation: address):
    if callerConfirmation != msg.sender:
        raw_revert(method_id("AccessControlBadConfirmation()"))
    if self.roles[role][msg.sender]:
        self.roles[role][msg.sender] = False
        log RoleRevoked(role=role, account=msg.sender, sender=msg.sender)
