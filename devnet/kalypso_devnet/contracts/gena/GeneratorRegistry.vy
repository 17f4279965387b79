# pragma version 0.4.3
# @license MIT
"""
@title Generation A GeneratorRegistry look-alike (local devnet)
@notice Behaves like Kalypso's Generation A GeneratorRegistry as the hardware-operator console sees it:
        same function selectors, events, custom errors (byte-identical revert data) and check order
        (spec kalypso-protocol.md §2, §3.2, §9, §9.1). Stake is held inside this contract, time is
        block numbers. Deployed directly (no UUPS proxy); `initialize` may be called once by the deployer.
        The constructor flag `_emitStakeSlashed` picks the build: False = the SDK 1.0.57 build (a slash
        logs only the stake token's Transfer), True = the deployed Arbitrum Sepolia build (also logs
        StakeSlashed).
"""

interface IERC20:
    def transfer(to: address, amount: uint256) -> bool: nonpayable
    def transferFrom(owner: address, to: address, amount: uint256) -> bool: nonpayable

interface IEntityKeyRegistry:
    def updatePubkey(keyOwner: address, keyIndex: uint256, pubkey: Bytes[MAX_KEY], attestation_data: Bytes[MAX_ATT]): nonpayable
    def removePubkey(keyOwner: address, keyIndex: uint256): nonpayable
    def verifyKey(attestation_data: Bytes[MAX_ATT]): nonpayable
    def isImageInFamily(imageId: bytes32, family: bytes32) -> bool: view

interface IProofMarketplace:
    def marketData(marketId: uint256) -> (address, bytes32, uint256, uint256, bytes32, address, Bytes[MAX_META]): view

# Bounds of dynamic inputs. A real attestation blob is 704 bytes (spec §2.6.1); the slack lets malformed
# blobs reach the same checks as on the real contract instead of failing ABI decoding.
MAX_ATT: constant(uint256) = 2048
MAX_SIG: constant(uint256) = 256
MAX_KEY: constant(uint256) = 256
MAX_PCR: constant(uint256) = 256
MAX_META: constant(uint256) = 4096
MAX_DATA: constant(uint256) = 4096
MAX_IDS: constant(uint256) = 64

EXPONENT: constant(uint256) = 10**18
REDUCTION_REQUEST_BLOCK_GAP: constant(uint256) = 1
NO_ENCLAVE_ID: constant(bytes32) = 0xcd2e66bf0b91eeedc6c648ae9335a78d7c9a4ab0ef33612a824d91cdc68a4f21
SECP256K1_HALF_N: constant(uint256) = 57896044618658097711785492504343953926418782139537452191302581570759080747168

# GeneratorState (Solidity enum order)
STATE_NULL: constant(uint8) = 0
STATE_JOINED: constant(uint8) = 1
STATE_NO_COMPUTE_AVAILABLE: constant(uint8) = 2
STATE_WIP: constant(uint8) = 3
STATE_REQUESTED_FOR_EXIT: constant(uint8) = 4

DEFAULT_ADMIN_ROLE: public(constant(bytes32)) = empty(bytes32)
PROOF_MARKET_PLACE_ROLE: public(constant(bytes32)) = keccak256("PROOF_MARKET_PLACE_ROLE")
PARALLEL_REQUESTS_UPPER_LIMIT: public(constant(uint256)) = 100
UNLOCK_WAIT_BLOCKS: public(constant(uint256)) = 100

STAKING_TOKEN: public(immutable(address))
ENTITY_KEY_REGISTRY: public(immutable(address))
DEPLOYER: immutable(address)
EMIT_STAKE_SLASHED: immutable(bool)

struct Generator:
    rewardAddress: address
    totalStake: uint256
    sumOfComputeAllocations: uint256
    computeConsumed: uint256
    stakeLocked: uint256
    activeMarketplaces: uint256
    declaredCompute: uint256
    intendedStakeUtilization: uint256
    intendedComputeUtilization: uint256
    generatorData: Bytes[MAX_DATA]

struct GeneratorInfoPerMarket:
    state: uint8
    computePerRequestRequired: uint256
    proofGenerationCost: uint256
    proposedTime: uint256
    activeRequests: uint256

event RegisteredGenerator:
    generator: indexed(address)
    initialCompute: uint256
    initialStake: uint256

event DeregisteredGenerator:
    generator: indexed(address)

event ChangedGeneratorRewardAddress:
    generator: indexed(address)
    newRewardAddress: address

event JoinedMarketplace:
    generator: indexed(address)
    marketId: indexed(uint256)
    computeAllocation: uint256

event RequestExitMarketplace:
    generator: indexed(address)
    marketId: indexed(uint256)

event LeftMarketplace:
    generator: indexed(address)
    marketId: indexed(uint256)

event AddIvsKey:
    marketId: indexed(uint256)
    signer: indexed(address)

event AddedStake:
    generator: indexed(address)
    amount: uint256

event RequestStakeDecrease:
    generator: indexed(address)
    intendedUtilization: uint256

event RemovedStake:
    generator: indexed(address)
    amount: uint256

event IncreasedCompute:
    generator: indexed(address)
    compute: uint256

event RequestComputeDecrease:
    generator: indexed(address)
    intendedUtilization: uint256

event DecreaseCompute:
    generator: indexed(address)
    compute: uint256

event StakeLockImposed:
    generator: indexed(address)
    stake: uint256

event StakeLockReleased:
    generator: indexed(address)
    stake: uint256

# Emitted by the deployed Arbitrum Sepolia build (spec §0.3), absent from the SDK 1.0.57 ABI: only
# when deployed with _emitStakeSlashed.
event StakeSlashed:
    generator: indexed(address)
    stake: uint256

event ComputeLockImposed:
    generator: indexed(address)
    stake: uint256

event ComputeLockReleased:
    generator: indexed(address)
    stake: uint256

event RoleGranted:
    role: indexed(bytes32)
    account: indexed(address)
    sender: indexed(address)

event RoleRevoked:
    role: indexed(bytes32)
    account: indexed(address)
    sender: indexed(address)

event Initialized:
    version: uint64

proofMarketplace: public(address)
initialized: bool

_generators: HashMap[address, Generator]
_info: HashMap[address, HashMap[uint256, GeneratorInfoPerMarket]]
unstakeRequestBlock: HashMap[address, uint256]
reduceComputeRequestBlock: HashMap[address, uint256]
_roles: HashMap[bytes32, HashMap[address, bool]]


@deploy
def __init__(_stakingToken: address, _entityRegistry: address, _emitStakeSlashed: bool):
    STAKING_TOKEN = _stakingToken
    ENTITY_KEY_REGISTRY = _entityRegistry
    DEPLOYER = msg.sender
    EMIT_STAKE_SLASHED = _emitStakeSlashed


# ---------------------------------------------------------------- errors

@internal
@pure
def _err(sig: Bytes[4]):
    raw_revert(sig)


@internal
@pure
def _panic(code: uint256):
    raw_revert(concat(method_id("Panic(uint256)"), convert(code, bytes32)))


# ---------------------------------------------------------------- access control (OZ v5 shaped)

@internal
@view
def _check_role(role: bytes32, account: address):
    if not self._roles[role][account]:
        raw_revert(concat(method_id("AccessControlUnauthorizedAccount(address,bytes32)"), abi_encode(account, role)))


@internal
def _grant(role: bytes32, account: address):
    if not self._roles[role][account]:
        self._roles[role][account] = True
        log RoleGranted(role=role, account=account, sender=msg.sender)


@external
def initialize(_admin: address, _proofMarketplace: address):
    if self.initialized or msg.sender != DEPLOYER:
        self._err(method_id("InvalidInitialization()"))
    self.initialized = True
    self._grant(DEFAULT_ADMIN_ROLE, _admin)
    self._grant(PROOF_MARKET_PLACE_ROLE, _proofMarketplace)
    self.proofMarketplace = _proofMarketplace
    log Initialized(version=1)


@external
@view
def hasRole(role: bytes32, account: address) -> bool:
    return self._roles[role][account]


@external
@view
def getRoleAdmin(role: bytes32) -> bytes32:
    return DEFAULT_ADMIN_ROLE


@external
def grantRole(role: bytes32, account: address):
    self._check_role(DEFAULT_ADMIN_ROLE, msg.sender)
    self._grant(role, account)


@external
def revokeRole(role: bytes32, account: address):
    self._check_role(DEFAULT_ADMIN_ROLE, msg.sender)
    if self._roles[role][account]:
        self._roles[role][account] = False
        log RoleRevoked(role=role, account=account, sender=msg.sender)


@external
def renounceRole(role: bytes32, callerConfirmation: address):
    if callerConfirmation != msg.sender:
        self._err(method_id("AccessControlBadConfirmation()"))
    if self._roles[role][msg.sender]:
        self._roles[role][msg.sender] = False
        log RoleRevoked(role=role, account=msg.sender, sender=msg.sender)


@external
@view
def supportsInterface(interfaceId: bytes4) -> bool:
    # ERC-165 and IAccessControl
    return interfaceId == 0x01ffc9a7 or interfaceId == 0x7965db0b


# ---------------------------------------------------------------- attestation helpers (lib/Helper.sol)

@internal
@pure
def _decode_attestation(att: Bytes[MAX_ATT]) -> (Bytes[MAX_SIG], Bytes[MAX_KEY], Bytes[MAX_PCR], Bytes[MAX_PCR], Bytes[MAX_PCR], uint256):
    return abi_decode(att, (Bytes[MAX_SIG], Bytes[MAX_KEY], Bytes[MAX_PCR], Bytes[MAX_PCR], Bytes[MAX_PCR], uint256))


@internal
@pure
def _image_id(att: Bytes[MAX_ATT]) -> bytes32:
    sig: Bytes[MAX_SIG] = b""
    key: Bytes[MAX_KEY] = b""
    p0: Bytes[MAX_PCR] = b""
    p1: Bytes[MAX_PCR] = b""
    p2: Bytes[MAX_PCR] = b""
    ts: uint256 = 0
    sig, key, p0, p1, p2, ts = self._decode_attestation(att)
    return keccak256(concat(p0, p1, p2))


@internal
@pure
def _pubkey(att: Bytes[MAX_ATT]) -> Bytes[MAX_KEY]:
    sig: Bytes[MAX_SIG] = b""
    key: Bytes[MAX_KEY] = b""
    p0: Bytes[MAX_PCR] = b""
    p1: Bytes[MAX_PCR] = b""
    p2: Bytes[MAX_PCR] = b""
    ts: uint256 = 0
    sig, key, p0, p1, p2, ts = self._decode_attestation(att)
    if len(key) != 64:
        self._err(method_id("InvalidEnclaveKey()"))
    return key


@internal
@pure
def _pubkey_to_address(key: Bytes[MAX_KEY]) -> address:
    return convert(convert(convert(keccak256(key), uint256) % 2**160, uint160), address)


@internal
@pure
def _recover(digest: bytes32, sig: Bytes[MAX_SIG]) -> address:
    # OpenZeppelin ECDSA.recover: same errors, same order.
    if len(sig) != 65:
        raw_revert(concat(method_id("ECDSAInvalidSignatureLength(uint256)"), convert(len(sig), bytes32)))
    r: bytes32 = extract32(sig, 0)
    s: bytes32 = extract32(sig, 32)
    v: uint256 = convert(slice(sig, 64, 1), uint256)
    if convert(s, uint256) > SECP256K1_HALF_N:
        raw_revert(concat(method_id("ECDSAInvalidSignatureS(bytes32)"), s))
    signer: address = empty(address)
    if v == 27 or v == 28:
        signer = ecrecover(digest, v, r, s)
    if signer == empty(address):
        self._err(method_id("ECDSAInvalidSignature()"))
    return signer


@internal
@view
def _verify_enclave_signature(att: Bytes[MAX_ATT], sig: Bytes[MAX_SIG], bound: address) -> Bytes[MAX_KEY]:
    # HELPER.VERIFY_ENCLAVE_SIGNATURE: the enclave signs keccak256(abi.encode(attestationData, operator))
    # with EIP-191 (spec §2.6.2). The signer is recovered first (ECDSA errors), then the attested key's
    # length is checked (InvalidEnclaveKey, in PUBKEY_TO_ADDRESS), then the two are compared.
    inner: bytes32 = keccak256(abi_encode(att, bound))
    digest: bytes32 = keccak256(concat(b"\x19Ethereum Signed Message:\n32", inner))
    signer: address = self._recover(digest, sig)
    key: Bytes[MAX_KEY] = self._pubkey(att)
    if signer != self._pubkey_to_address(key):
        raw_revert(concat(method_id("InvalidEnclaveSignature(address)"), abi_encode(signer)))
    return key


@internal
@pure
def _generator_family(marketId: uint256) -> bytes32:
    return keccak256(abi_encode("gen", marketId))


@internal
@pure
def _ivs_family(marketId: uint256) -> bytes32:
    return keccak256(abi_encode("ivs", marketId))


@internal
@pure
def _is_enclave(imageId: bytes32) -> bool:
    return imageId != empty(bytes32) and imageId != NO_ENCLAVE_ID


@internal
@view
def _market(marketId: uint256) -> (address, bytes32, bytes32):
    # An id >= marketCounter reverts inside marketData with empty data; the revert bubbles up (spec §9.1).
    verifier: address = empty(address)
    proverImageId: bytes32 = empty(bytes32)
    penalty: uint256 = 0
    activation: uint256 = 0
    ivsImageId: bytes32 = empty(bytes32)
    creator: address = empty(address)
    meta: Bytes[MAX_META] = b""
    verifier, proverImageId, penalty, activation, ivsImageId, creator, meta = staticcall IProofMarketplace(self.proofMarketplace).marketData(marketId)
    return verifier, proverImageId, ivsImageId


@internal
def _safe_transfer(to: address, amount: uint256):
    ok: bool = extcall IERC20(STAKING_TOKEN).transfer(to, amount, default_return_value=True)
    if not ok:
        raw_revert(concat(method_id("SafeERC20FailedOperation(address)"), abi_encode(STAKING_TOKEN)))


@internal
def _safe_transfer_from(owner: address, amount: uint256):
    ok: bool = extcall IERC20(STAKING_TOKEN).transferFrom(owner, self, amount, default_return_value=True)
    if not ok:
        raw_revert(concat(method_id("SafeERC20FailedOperation(address)"), abi_encode(STAKING_TOKEN)))


@internal
@view
def _is_registered(g: address) -> bool:
    return self._generators[g].rewardAddress != empty(address) and len(self._generators[g].generatorData) != 0


# ---------------------------------------------------------------- registration

@external
@nonreentrant
def register(rewardAddress: address, declaredCompute: uint256, initialStake: uint256, generatorData: Bytes[MAX_DATA]):
    if len(generatorData) == 0 or rewardAddress == empty(address) or declaredCompute == 0:
        self._err(method_id("CannotBeZero()"))
    if self._generators[msg.sender].rewardAddress != empty(address):
        self._err(method_id("GeneratorAlreadyExists()"))
    self._generators[msg.sender] = Generator(
        rewardAddress=rewardAddress,
        totalStake=initialStake,
        sumOfComputeAllocations=0,
        computeConsumed=0,
        stakeLocked=0,
        activeMarketplaces=0,
        declaredCompute=declaredCompute,
        intendedStakeUtilization=EXPONENT,
        intendedComputeUtilization=EXPONENT,
        generatorData=generatorData,
    )
    if initialStake != 0:
        self._safe_transfer_from(msg.sender, initialStake)
    log RegisteredGenerator(generator=msg.sender, initialCompute=declaredCompute, initialStake=initialStake)


@external
def changeRewardAddress(newRewardAddress: address):
    if newRewardAddress == empty(address) or self._generators[msg.sender].rewardAddress == empty(address):
        self._err(method_id("CannotBeZero()"))
    self._generators[msg.sender].rewardAddress = newRewardAddress
    log ChangedGeneratorRewardAddress(generator=msg.sender, newRewardAddress=newRewardAddress)


@external
@nonreentrant
def deregister(refundAddress: address):
    # Not checking registration is faithful: an unregistered caller "deregisters" and gets 0 (spec §9.1).
    g: Generator = self._generators[msg.sender]
    if g.sumOfComputeAllocations != 0:
        self._err(method_id("CannotLeaveWithActiveMarket()"))
    self._safe_transfer(refundAddress, g.totalStake)
    self._generators[msg.sender] = empty(Generator)
    log DeregisteredGenerator(generator=msg.sender)


# ---------------------------------------------------------------- compute

@external
def increaseDeclaredCompute(computeToIncrease: uint256):
    if not self._is_registered(msg.sender):
        self._err(method_id("CannotBeZero()"))
    # 0 is accepted like on the real contract (spec §9.1).
    self._generators[msg.sender].declaredCompute += computeToIncrease
    log IncreasedCompute(generator=msg.sender, compute=computeToIncrease)


@external
def intendToReduceCompute(computeToReduce: uint256):
    if not self._is_registered(msg.sender) or computeToReduce == 0:
        self._err(method_id("CannotBeZero()"))
    g: Generator = self._generators[msg.sender]
    if g.intendedComputeUtilization != EXPONENT:
        self._err(method_id("RequestAlreadyInPlace()"))
    if computeToReduce > g.declaredCompute:
        self._panic(17)
    newTotal: uint256 = g.declaredCompute - computeToReduce
    if newTotal <= g.sumOfComputeAllocations:
        self._err(method_id("ExceedsAcceptableRange()"))
    # Rounded DOWN like the real contract, so decreaseDeclaredCompute may land below newTotal
    # (declared 11, reduce 6 -> 4); kalypso_devnet.reductions computes the outcome.
    newUtilization: uint256 = newTotal * EXPONENT // g.declaredCompute
    if newUtilization >= EXPONENT:
        self._err(method_id("ExceedsAcceptableRange()"))
    self._generators[msg.sender].intendedComputeUtilization = newUtilization
    self.reduceComputeRequestBlock[msg.sender] = block.number + REDUCTION_REQUEST_BLOCK_GAP
    log RequestComputeDecrease(generator=msg.sender, intendedUtilization=newUtilization)


@external
def decreaseDeclaredCompute():
    if not self._is_registered(msg.sender):
        self._err(method_id("InvalidGenerator()"))
    g: Generator = self._generators[msg.sender]
    if g.intendedComputeUtilization == EXPONENT:
        self._err(method_id("ReduceComputeRequestNotInPlace()"))
    newTotal: uint256 = g.intendedComputeUtilization * g.declaredCompute // EXPONENT
    toRelease: uint256 = g.declaredCompute - newTotal
    if newTotal < g.computeConsumed:
        self._err(method_id("InsufficientGeneratorComputeAvailable()"))
    if newTotal < g.sumOfComputeAllocations:
        self._err(method_id("InsufficientGeneratorComputeAvailable()"))
    requestBlock: uint256 = self.reduceComputeRequestBlock[msg.sender]
    if not (block.number >= requestBlock and requestBlock != 0):
        self._err(method_id("ReductionRequestNotValid()"))
    self._generators[msg.sender].declaredCompute = newTotal
    self._generators[msg.sender].intendedComputeUtilization = EXPONENT
    self.reduceComputeRequestBlock[msg.sender] = 0
    log DecreaseCompute(generator=msg.sender, compute=toRelease)


# ---------------------------------------------------------------- stake

@external
@nonreentrant
def stake(generatorAddress: address, amount: uint256) -> uint256:
    if not self._is_registered(generatorAddress):
        self._err(method_id("InvalidGenerator()"))
    if amount == 0:
        self._err(method_id("CannotBeZero()"))
    self._safe_transfer_from(msg.sender, amount)
    self._generators[generatorAddress].totalStake += amount
    log AddedStake(generator=generatorAddress, amount=amount)
    return self._generators[generatorAddress].totalStake


@external
def intendToReduceStake(stakeToReduce: uint256):
    if not self._is_registered(msg.sender) or stakeToReduce == 0:
        self._err(method_id("CannotBeZero()"))
    g: Generator = self._generators[msg.sender]
    # Contract bug reproduced (spec §9 item 3): the "already pending" test reads the COMPUTE utilisation,
    # so a second stake request overwrites the first, and a pending compute request blocks this one.
    if g.intendedComputeUtilization != EXPONENT:
        self._err(method_id("RequestAlreadyInPlace()"))
    if stakeToReduce > g.totalStake:
        self._panic(17)
    if g.totalStake == 0:
        self._panic(18)
    newTotal: uint256 = g.totalStake - stakeToReduce
    # Rounded DOWN like the real contract: unstake then pays up to totalStake/1e18 wei more than asked.
    newUtilization: uint256 = newTotal * EXPONENT // g.totalStake
    if newUtilization >= EXPONENT:
        self._err(method_id("ExceedsAcceptableRange()"))
    self._generators[msg.sender].intendedStakeUtilization = newUtilization
    self.unstakeRequestBlock[msg.sender] = block.number + REDUCTION_REQUEST_BLOCK_GAP
    log RequestStakeDecrease(generator=msg.sender, intendedUtilization=newUtilization)


@external
@nonreentrant
def unstake(to: address):
    if not self._is_registered(msg.sender):
        self._err(method_id("InvalidGenerator()"))
    g: Generator = self._generators[msg.sender]
    if g.intendedStakeUtilization == EXPONENT:
        self._err(method_id("UnstakeRequestNotInPlace()"))
    newTotal: uint256 = g.intendedStakeUtilization * g.totalStake // EXPONENT
    amount: uint256 = g.totalStake - newTotal
    if newTotal < g.stakeLocked:
        self._err(method_id("InsufficientStakeToLock()"))
    self._safe_transfer(to, amount)
    self._generators[msg.sender].totalStake = newTotal
    self._generators[msg.sender].intendedStakeUtilization = EXPONENT
    requestBlock: uint256 = self.unstakeRequestBlock[msg.sender]
    if not (block.number >= requestBlock and requestBlock != 0):
        self._err(method_id("ReductionRequestNotValid()"))
    self.unstakeRequestBlock[msg.sender] = 0
    log RemovedStake(generator=msg.sender, amount=amount)


# ---------------------------------------------------------------- keys

@external
def updateEncryptionKey(marketId: uint256, attestationData: Bytes[MAX_ATT], enclaveSignature: Bytes[MAX_SIG]):
    # Registration first (the real _updateEncryptionKey's "extra check to prevent spam"); only
    # registration, not membership: works before joining (spec §9.1).
    if self._generators[msg.sender].rewardAddress == empty(address):
        self._err(method_id("CannotBeZero()"))
    verifier: address = empty(address)
    proverImageId: bytes32 = empty(bytes32)
    ivsImageId: bytes32 = empty(bytes32)
    verifier, proverImageId, ivsImageId = self._market(marketId)
    if not self._is_enclave(proverImageId):
        self._err(method_id("PublicMarketsDontNeedKey()"))
    if not staticcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).isImageInFamily(self._image_id(attestationData), self._generator_family(marketId)):
        self._err(method_id("IncorrectImageId()"))
    key: Bytes[MAX_KEY] = self._verify_enclave_signature(attestationData, enclaveSignature, msg.sender)
    extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).updatePubkey(msg.sender, marketId, key, attestationData)


@external
def removeEncryptionKey(marketId: uint256):
    extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).removePubkey(msg.sender, marketId)


@external
def addIvsKey(marketId: uint256, attestationData: Bytes[MAX_ATT], enclaveSignature: Bytes[MAX_SIG]):
    verifier: address = empty(address)
    proverImageId: bytes32 = empty(bytes32)
    ivsImageId: bytes32 = empty(bytes32)
    verifier, proverImageId, ivsImageId = self._market(marketId)
    if not staticcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).isImageInFamily(self._image_id(attestationData), self._ivs_family(marketId)):
        self._err(method_id("IncorrectImageId()"))
    key: Bytes[MAX_KEY] = self._verify_enclave_signature(attestationData, enclaveSignature, msg.sender)
    extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).verifyKey(attestationData)
    log AddIvsKey(marketId=marketId, signer=self._pubkey_to_address(key))


# ---------------------------------------------------------------- markets

@external
def joinMarketplace(
    marketId: uint256,
    computePerRequestRequired: uint256,
    proofGenerationCost: uint256,
    proposedTime: uint256,
    updateMarketDedicatedKey: bool,
    attestationData: Bytes[MAX_ATT],
    enclaveSignature: Bytes[MAX_SIG],
):
    if self._generators[msg.sender].rewardAddress == empty(address) or proposedTime == 0 or computePerRequestRequired == 0:
        self._err(method_id("CannotBeZero()"))
    verifier: address = empty(address)
    proverImageId: bytes32 = empty(bytes32)
    ivsImageId: bytes32 = empty(bytes32)
    verifier, proverImageId, ivsImageId = self._market(marketId)
    if verifier == empty(address):
        self._err(method_id("InvalidMarket()"))
    if self._info[msg.sender][marketId].state != STATE_NULL:
        self._err(method_id("AlreadyJoinedMarket()"))
    g: Generator = self._generators[msg.sender]
    if g.sumOfComputeAllocations + computePerRequestRequired > g.declaredCompute:
        self._err(method_id("CannotBeMoreThanDeclaredCompute()"))
    self._generators[msg.sender].sumOfComputeAllocations = g.sumOfComputeAllocations + computePerRequestRequired
    self._generators[msg.sender].activeMarketplaces = g.activeMarketplaces + 1
    self._info[msg.sender][marketId] = GeneratorInfoPerMarket(
        state=STATE_JOINED,
        computePerRequestRequired=computePerRequestRequired,
        proofGenerationCost=proofGenerationCost,
        proposedTime=proposedTime,
        activeRequests=0,
    )
    # Without the flag nothing about the enclave is checked, even on a private market (spec §9.1).
    if updateMarketDedicatedKey:
        if not self._is_enclave(proverImageId):
            self._err(method_id("PublicMarketsDontNeedKey()"))
        if not staticcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).isImageInFamily(self._image_id(attestationData), self._generator_family(marketId)):
            self._err(method_id("IncorrectImageId()"))
        key: Bytes[MAX_KEY] = self._verify_enclave_signature(attestationData, enclaveSignature, msg.sender)
        extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).updatePubkey(msg.sender, marketId, key, attestationData)
    log JoinedMarketplace(generator=msg.sender, marketId=marketId, computeAllocation=computePerRequestRequired)


@internal
@view
def _idle_compute(generator: address) -> uint256:
    g: Generator = self._generators[generator]
    usable: uint256 = g.declaredCompute * g.intendedComputeUtilization // EXPONENT
    if usable < g.computeConsumed:
        return 0
    return usable - g.computeConsumed


@internal
@view
def _free_stake(generator: address) -> uint256:
    g: Generator = self._generators[generator]
    usable: uint256 = g.totalStake * g.intendedStakeUtilization // EXPONENT
    if usable < g.stakeLocked:
        return 0
    return usable - g.stakeLocked


@internal
@view
def _state(generator: address, marketId: uint256) -> (uint8, uint256):
    stored: uint8 = self._info[generator][marketId].state
    if stored == STATE_NULL:
        return STATE_NULL, 0
    if stored == STATE_REQUESTED_FOR_EXIT:
        return STATE_REQUESTED_FOR_EXIT, 0
    idle: uint256 = self._idle_compute(generator)
    if idle == 0:
        return STATE_NO_COMPUTE_AVAILABLE, 0
    declared: uint256 = self._generators[generator].declaredCompute
    if idle == declared:
        return STATE_JOINED, idle
    if idle < declared:
        return STATE_WIP, idle
    return STATE_NULL, 0


@external
@view
def getGeneratorState(generatorAddress: address, marketId: uint256) -> (uint8, uint256):
    return self._state(generatorAddress, marketId)


@internal
def _leave(generator: address, marketId: uint256):
    verifier: address = empty(address)
    proverImageId: bytes32 = empty(bytes32)
    ivsImageId: bytes32 = empty(bytes32)
    verifier, proverImageId, ivsImageId = self._market(marketId)
    if verifier == empty(address):
        self._err(method_id("InvalidMarket()"))
    info: GeneratorInfoPerMarket = self._info[generator][marketId]
    if info.state == STATE_NULL:
        self._err(method_id("InvalidGeneratorStatePerMarket()"))
    if info.activeRequests != 0:
        self._err(method_id("CannotLeaveMarketWithActiveRequest()"))
    self._generators[generator].sumOfComputeAllocations -= info.computePerRequestRequired
    self._generators[generator].activeMarketplaces -= 1
    self._info[generator][marketId] = empty(GeneratorInfoPerMarket)
    log LeftMarketplace(generator=generator, marketId=marketId)


@internal
def _request_exit(generator: address, marketId: uint256):
    state: uint8 = 0
    idle: uint256 = 0
    state, idle = self._state(generator, marketId)
    if state == STATE_NULL or state == STATE_REQUESTED_FOR_EXIT:
        self._err(method_id("OnlyValidGeneratorsCanRequestExit()"))
    self._info[generator][marketId].state = STATE_REQUESTED_FOR_EXIT
    log RequestExitMarketplace(generator=generator, marketId=marketId)
    if self._info[generator][marketId].activeRequests == 0:
        self._leave(generator, marketId)


@external
def leaveMarketplace(marketId: uint256):
    self._leave(msg.sender, marketId)


@external
def leaveMarketplaces(marketIds: DynArray[uint256, MAX_IDS]):
    for marketId: uint256 in marketIds:
        self._leave(msg.sender, marketId)


@external
def requestForExitMarketplace(marketId: uint256):
    self._request_exit(msg.sender, marketId)


@external
def requestForExitMarketplaces(marketIds: DynArray[uint256, MAX_IDS]):
    for marketId: uint256 in marketIds:
        self._request_exit(msg.sender, marketId)


# ---------------------------------------------------------------- called by the ProofMarketplace

@external
@nonreentrant
def assignGeneratorTask(generatorAddress: address, marketId: uint256, stakeToLock: uint256):
    self._check_role(PROOF_MARKET_PLACE_ROLE, msg.sender)
    state: uint8 = 0
    idle: uint256 = 0
    state, idle = self._state(generatorAddress, marketId)
    if not (state == STATE_JOINED or state == STATE_WIP):
        self._err(method_id("AssignOnlyToIdleGenerators()"))
    info: GeneratorInfoPerMarket = self._info[generatorAddress][marketId]
    if info.computePerRequestRequired > idle:
        self._err(method_id("InsufficientGeneratorComputeAvailable()"))
    if info.activeRequests > PARALLEL_REQUESTS_UPPER_LIMIT:
        self._err(method_id("MaxParallelRequestsPerMarketExceeded()"))
    if self._free_stake(generatorAddress) < stakeToLock:
        self._err(method_id("InsufficientStakeToLock()"))
    self._generators[generatorAddress].stakeLocked += stakeToLock
    self._generators[generatorAddress].computeConsumed += info.computePerRequestRequired
    self._info[generatorAddress][marketId].activeRequests = info.activeRequests + 1
    log StakeLockImposed(generator=generatorAddress, stake=stakeToLock)
    log ComputeLockImposed(generator=generatorAddress, stake=info.computePerRequestRequired)


@internal
@view
def _check_working(generatorAddress: address, marketId: uint256, err: Bytes[4]):
    state: uint8 = 0
    idle: uint256 = 0
    state, idle = self._state(generatorAddress, marketId)
    if not (state == STATE_WIP or state == STATE_REQUESTED_FOR_EXIT or state == STATE_NO_COMPUTE_AVAILABLE):
        self._err(err)


@external
def completeGeneratorTask(generatorAddress: address, marketId: uint256, stakeToRelease: uint256):
    self._check_role(PROOF_MARKET_PLACE_ROLE, msg.sender)
    self._check_working(generatorAddress, marketId, method_id("OnlyWorkingGenerators()"))
    compute: uint256 = self._info[generatorAddress][marketId].computePerRequestRequired
    self._generators[generatorAddress].computeConsumed -= compute
    self._generators[generatorAddress].stakeLocked -= stakeToRelease
    self._info[generatorAddress][marketId].activeRequests -= 1
    log StakeLockReleased(generator=generatorAddress, stake=stakeToRelease)
    log ComputeLockReleased(generator=generatorAddress, stake=compute)


@external
def slashGenerator(generatorAddress: address, marketId: uint256, slashingAmount: uint256, rewardAddress: address) -> uint256:
    self._check_role(PROOF_MARKET_PLACE_ROLE, msg.sender)
    self._check_working(generatorAddress, marketId, method_id("CannotBeSlashed()"))
    compute: uint256 = self._info[generatorAddress][marketId].computePerRequestRequired
    self._info[generatorAddress][marketId].activeRequests -= 1
    self._generators[generatorAddress].totalStake -= slashingAmount
    self._generators[generatorAddress].stakeLocked -= slashingAmount
    self._generators[generatorAddress].computeConsumed -= compute
    self._safe_transfer(rewardAddress, slashingAmount)
    # Neither build logs ComputeLockReleased here; only the Arbitrum Sepolia one logs StakeSlashed.
    if EMIT_STAKE_SLASHED:
        log StakeSlashed(generator=generatorAddress, stake=slashingAmount)
    return self._generators[generatorAddress].totalStake


# ---------------------------------------------------------------- views

@external
@view
def generatorRegistry(generator: address) -> (address, uint256, uint256, uint256, uint256, uint256, uint256, uint256, uint256, Bytes[MAX_DATA]):
    g: Generator = self._generators[generator]
    return (
        g.rewardAddress,
        g.totalStake,
        g.sumOfComputeAllocations,
        g.computeConsumed,
        g.stakeLocked,
        g.activeMarketplaces,
        g.declaredCompute,
        g.intendedStakeUtilization,
        g.intendedComputeUtilization,
        g.generatorData,
    )


@external
@view
def generatorInfoPerMarket(generator: address, marketId: uint256) -> (uint8, uint256, uint256, uint256, uint256):
    info: GeneratorInfoPerMarket = self._info[generator][marketId]
    return info.state, info.computePerRequestRequired, info.proofGenerationCost, info.proposedTime, info.activeRequests


@external
@view
def getGeneratorAssignmentDetails(generatorAddress: address, marketId: uint256) -> (uint256, uint256):
    info: GeneratorInfoPerMarket = self._info[generatorAddress][marketId]
    return info.proofGenerationCost, info.proposedTime


@external
@view
def getGeneratorRewardDetails(generatorAddress: address, marketId: uint256) -> (address, uint256):
    return self._generators[generatorAddress].rewardAddress, self._info[generatorAddress][marketId].proofGenerationCost
