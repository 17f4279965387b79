# pragma version 0.4.3
# @license MIT
"""
@title Generation A ProofMarketplace look-alike (local devnet)
@notice The "Ask" marketplace of Kalypso Generation A as the operator console sees it: same selectors,
        events, custom errors (byte-identical revert data) and check order (spec kalypso-protocol.md
        §2.10, §3.1, §3.4, §9.1). Time is block numbers. Everything owed accrues in `claimableAmount`
        (the operator's earnings, the requester's refunds, the treasury's fees) and is paid by `flush`.
        Deployed directly (no UUPS proxy); `initialize` may be called once by the deployer.
        The constructor flag `_masterExtras` adds what the SDK 1.0.57 / deployed Generation A build does
        not have: `createAsk(..., extraData)` with the 5-field AskCreated of contracts master (spec §0.3)
        and the devnet's `treasuryCollection()` total. Without it both revert with empty data, like a
        call to a function the contract lacks.
"""

interface IERC20:
    def transfer(to: address, amount: uint256) -> bool: nonpayable
    def transferFrom(owner: address, to: address, amount: uint256) -> bool: nonpayable

interface IVerifier:
    def checkSampleInputsAndProof() -> bool: view
    def verifyInputs(inputs: Bytes[MAX_PROVER_DATA]) -> bool: view
    def verify(encodedPublicAndPrivateInputs: Bytes[MAX_INPUT_AND_PROOF]) -> bool: view

interface IEntityKeyRegistry:
    def updatePubkey(keyOwner: address, keyIndex: uint256, pubkey: Bytes[MAX_KEY], attestation_data: Bytes[MAX_ATT]): nonpayable
    def whitelistImageUsingPcrs(family: bytes32, pcrs: Bytes[MAX_PCRS]): nonpayable
    def removeEnclaveImageFromFamily(imageId: bytes32, family: bytes32): nonpayable
    def isImageInFamily(imageId: bytes32, family: bytes32) -> bool: view
    # view on the registry; declared nonpayable because Vyper forbids a bare staticcall statement
    def allowOnlyVerifiedFamily(familyId: bytes32, _key: address): nonpayable
    def getVerifiedKey(_key: address) -> bytes32: view

interface IGeneratorRegistry:
    def getGeneratorAssignmentDetails(generatorAddress: address, marketId: uint256) -> (uint256, uint256): view
    def getGeneratorRewardDetails(generatorAddress: address, marketId: uint256) -> (address, uint256): view
    def assignGeneratorTask(generatorAddress: address, marketId: uint256, stakeToLock: uint256): nonpayable
    def completeGeneratorTask(generatorAddress: address, marketId: uint256, stakeToRelease: uint256): nonpayable
    def slashGenerator(generatorAddress: address, marketId: uint256, slashingAmount: uint256, rewardAddress: address) -> uint256: nonpayable

MAX_ATT: constant(uint256) = 2048
MAX_SIG: constant(uint256) = 256
MAX_KEY: constant(uint256) = 256
MAX_PCR: constant(uint256) = 256
MAX_PCRS: constant(uint256) = 1024
MAX_META: constant(uint256) = 4096
MAX_PROVER_DATA: constant(uint256) = 4096
MAX_PROOF: constant(uint256) = 8192
MAX_INPUT_AND_PROOF: constant(uint256) = 12416
MAX_SECRET: constant(uint256) = 8192
MAX_ACL: constant(uint256) = 1024
MAX_EXTRA: constant(uint256) = 1024
MAX_BATCH: constant(uint256) = 64
MAX_IMAGES: constant(uint256) = 16

MAX_ECIES_ACL: constant(uint256) = 130
NO_ENCLAVE_ID: constant(bytes32) = 0xcd2e66bf0b91eeedc6c648ae9335a78d7c9a4ab0ef33612a824d91cdc68a4f21
SECP256K1_HALF_N: constant(uint256) = 57896044618658097711785492504343953926418782139537452191302581570759080747168

# AskState (Solidity enum order)
ASK_NULL: constant(uint8) = 0
ASK_CREATE: constant(uint8) = 1
ASK_UNASSIGNED: constant(uint8) = 2
ASK_ASSIGNED: constant(uint8) = 3
ASK_COMPLETE: constant(uint8) = 4
ASK_DEADLINE_CROSSED: constant(uint8) = 5

DEFAULT_ADMIN_ROLE: public(constant(bytes32)) = empty(bytes32)
UPDATER_ROLE: public(constant(bytes32)) = keccak256("UPDATER_ROLE")
MATCHING_ENGINE_ROLE: public(constant(bytes32)) = keccak256("MATCHING_ENGINE_ROLE")
MARKET_ACTIVATION_DELAY: public(constant(uint256)) = 100

PAYMENT_TOKEN: public(immutable(address))
MARKET_CREATION_COST: public(immutable(uint256))
TREASURY: immutable(address)
GENERATOR_REGISTRY: public(immutable(address))
ENTITY_KEY_REGISTRY: public(immutable(address))
DEPLOYER: immutable(address)
MASTER_EXTRAS: immutable(bool)

struct Market:
    verifier: address
    proverImageId: bytes32
    slashingPenalty: uint256
    activationBlock: uint256
    ivsImageId: bytes32
    creator: address
    marketmetadata: Bytes[MAX_META]

struct Ask:
    marketId: uint256
    reward: uint256
    expiry: uint256
    timeTakenForProofGeneration: uint256
    deadline: uint256
    refundAddress: address
    proverData: Bytes[MAX_PROVER_DATA]

struct AskWithState:
    ask: Ask
    state: uint8
    requester: address
    generator: address

event AskCreated:
    askId: indexed(uint256)
    hasPrivateInputs: indexed(bool)
    secret_data: Bytes[MAX_SECRET]
    acl: Bytes[MAX_ACL]

event TaskCreated:
    askId: indexed(uint256)
    generator: indexed(address)
    new_acl: Bytes[MAX_ACL]

event ProofCreated:
    askId: indexed(uint256)
    proof: Bytes[MAX_PROOF]

event ProofNotGenerated:
    askId: indexed(uint256)

event InvalidInputsDetected:
    askId: indexed(uint256)

event MarketplaceCreated:
    marketId: indexed(uint256)

event AskCancelled:
    askId: indexed(uint256)

event UpdateCostPerBytes:
    secretType: indexed(uint8)
    costPerInputBytes: uint256

event UpdateMinProvingTime:
    secretType: indexed(uint8)
    newProvingTime: uint256

event AddExtraProverImage:
    marketId: indexed(uint256)
    imageId: indexed(bytes32)

event AddExtraIVSImage:
    marketId: indexed(uint256)
    imageId: indexed(bytes32)

event RemoveExtraProverImage:
    marketId: indexed(uint256)
    imageId: indexed(bytes32)

event RemoveExtraIVSImage:
    marketId: indexed(uint256)
    imageId: indexed(bytes32)

event Paused:
    account: address

event Unpaused:
    account: address

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

# topic0 of the 5-field AskCreated of contracts master >= 2024-12-27 (spec §0.3), logged with raw_log
# because an event name can only be declared once.
ASK_CREATED_WITH_EXTRA_TOPIC: constant(bytes32) = keccak256("AskCreated(uint256,bool,bytes,bytes,bytes)")
CREATE_ASK_WITH_EXTRA_SELECTOR: constant(Bytes[4]) = method_id("createAsk((uint256,uint256,uint256,uint256,uint256,address,bytes),uint8,bytes,bytes,bytes)")

marketCounter: public(uint256)
_markets: HashMap[uint256, Market]
askCounter: public(uint256)
_asks: HashMap[uint256, AskWithState]
claimableAmount: public(HashMap[address, uint256])
costPerInputBytes: public(HashMap[uint8, uint256])
minProvingTime: public(HashMap[uint8, uint256])
_treasuryCollection: uint256
paused: public(bool)
initialized: bool
_roles: HashMap[bytes32, HashMap[address, bool]]


@deploy
def __init__(_paymentToken: address, _marketCreationCost: uint256, _treasury: address, _generatorRegistry: address, _entityRegistry: address, _masterExtras: bool):
    PAYMENT_TOKEN = _paymentToken
    MARKET_CREATION_COST = _marketCreationCost
    TREASURY = _treasury
    GENERATOR_REGISTRY = _generatorRegistry
    ENTITY_KEY_REGISTRY = _entityRegistry
    DEPLOYER = msg.sender
    MASTER_EXTRAS = _masterExtras


# ---------------------------------------------------------------- errors

@internal
@pure
def _err(sig: Bytes[4]):
    raw_revert(sig)


@internal
@pure
def _err_id(sig: Bytes[4], askId: uint256):
    raw_revert(concat(sig, convert(askId, bytes32)))


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
def initialize(_admin: address):
    if self.initialized or msg.sender != DEPLOYER:
        self._err(method_id("InvalidInitialization()"))
    self.initialized = True
    self._grant(DEFAULT_ADMIN_ROLE, _admin)
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
    return interfaceId == 0x01ffc9a7 or interfaceId == 0x7965db0b


@external
def pause():
    self._check_role(UPDATER_ROLE, msg.sender)
    if self.paused:
        self._err(method_id("EnforcedPause()"))
    self.paused = True
    log Paused(account=msg.sender)


@external
def unpause():
    self._check_role(UPDATER_ROLE, msg.sender)
    if not self.paused:
        self._err(method_id("ExpectedPause()"))
    self.paused = False
    log Unpaused(account=msg.sender)


# ---------------------------------------------------------------- helpers

@internal
@pure
def _image_id_from_pcrs(pcrs: Bytes[MAX_PCRS]) -> bytes32:
    p0: Bytes[MAX_PCR] = b""
    p1: Bytes[MAX_PCR] = b""
    p2: Bytes[MAX_PCR] = b""
    p0, p1, p2 = abi_decode(pcrs, (Bytes[MAX_PCR], Bytes[MAX_PCR], Bytes[MAX_PCR]))
    return keccak256(concat(p0, p1, p2))


@internal
@pure
def _is_enclave(imageId: bytes32) -> bool:
    return imageId != empty(bytes32) and imageId != NO_ENCLAVE_ID


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
def _matching_engine_family() -> bytes32:
    return keccak256(abi_encode(MATCHING_ENGINE_ROLE))


@internal
@pure
def _pubkey_to_address(key: Bytes[MAX_KEY]) -> address:
    return convert(convert(convert(keccak256(key), uint256) % 2**160, uint160), address)


@internal
@pure
def _recover(digest: bytes32, sig: Bytes[MAX_SIG]) -> address:
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
@pure
def _eth_signed(h: bytes32) -> bytes32:
    return keccak256(concat(b"\x19Ethereum Signed Message:\n32", h))


@internal
def _safe_transfer(to: address, amount: uint256):
    ok: bool = extcall IERC20(PAYMENT_TOKEN).transfer(to, amount, default_return_value=True)
    if not ok:
        raw_revert(concat(method_id("SafeERC20FailedOperation(address)"), abi_encode(PAYMENT_TOKEN)))


@internal
def _safe_transfer_from(owner: address, to: address, amount: uint256):
    ok: bool = extcall IERC20(PAYMENT_TOKEN).transferFrom(owner, to, amount, default_return_value=True)
    if not ok:
        raw_revert(concat(method_id("SafeERC20FailedOperation(address)"), abi_encode(PAYMENT_TOKEN)))


@internal
def _credit(to: address, amount: uint256):
    # _increaseClaimableAmount: refunds and fees wait in claimableAmount until someone flushes them.
    if amount != 0:
        self.claimableAmount[to] += amount


@internal
def _credit_treasury(amount: uint256):
    self._credit(TREASURY, amount)
    if MASTER_EXTRAS:
        self._treasuryCollection += amount


@external
@view
def treasuryCollection() -> uint256:
    """Devnet extra (`_masterExtras` only): everything ever credited to the treasury (platform fees,
    invalid-input remainders); the real Generation A build has no such getter."""
    if not MASTER_EXTRAS:
        raw_revert(b"")
    return self._treasuryCollection


@internal
@view
def _market_or_panic(marketId: uint256) -> Market:
    # Reading marketData[id] inside the real contract is an array access: Panic(0x32) out of range.
    if marketId >= self.marketCounter:
        self._panic(50)
    return self._markets[marketId]


@internal
@view
def _ask_or_panic(askId: uint256) -> AskWithState:
    if askId >= self.askCounter:
        self._panic(50)
    return self._asks[askId]


# ---------------------------------------------------------------- markets

@external
@nonreentrant
def createMarketplace(_marketmetadata: Bytes[MAX_META], _verifier: address, _penalty: uint256, _proverPcrs: Bytes[MAX_PCRS], _ivsPcrs: Bytes[MAX_PCRS]):
    if _penalty == 0 or len(_marketmetadata) == 0 or _verifier == empty(address):
        self._err(method_id("CannotBeZero()"))
    if not staticcall IVerifier(_verifier).checkSampleInputsAndProof():
        self._err(method_id("InvalidInputs()"))
    # The creation fee moves before anything else is written, so its Transfer is the first log.
    self._safe_transfer_from(msg.sender, TREASURY, MARKET_CREATION_COST)
    marketId: uint256 = self.marketCounter
    proverImageId: bytes32 = self._image_id_from_pcrs(_proverPcrs)
    ivsImageId: bytes32 = self._image_id_from_pcrs(_ivsPcrs)
    self._markets[marketId] = Market(
        verifier=_verifier,
        proverImageId=proverImageId,
        slashingPenalty=_penalty,
        activationBlock=block.number + MARKET_ACTIVATION_DELAY,
        ivsImageId=ivsImageId,
        creator=msg.sender,
        marketmetadata=_marketmetadata,
    )
    # Families decide who may join (GeneratorRegistry checks isImageInFamily); public images have none.
    if self._is_enclave(proverImageId):
        extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).whitelistImageUsingPcrs(self._generator_family(marketId), _proverPcrs)
    if self._is_enclave(ivsImageId):
        extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).whitelistImageUsingPcrs(self._ivs_family(marketId), _ivsPcrs)
    log MarketplaceCreated(marketId=marketId)
    self.marketCounter = marketId + 1


@external
@view
def marketData(marketId: uint256) -> (address, bytes32, uint256, uint256, bytes32, address, Bytes[MAX_META]):
    # Public-array getter semantics of the real build: out of range reverts with EMPTY data (spec §9.1).
    if marketId >= self.marketCounter:
        raw_revert(b"")
    m: Market = self._markets[marketId]
    return m.verifier, m.proverImageId, m.slashingPenalty, m.activationBlock, m.ivsImageId, m.creator, m.marketmetadata


@internal
@view
def _only_creator_of_private(marketId: uint256) -> Market:
    m: Market = self._market_or_panic(marketId)
    if m.creator != msg.sender:
        self._err(method_id("OnlyMarketCreator()"))
    if not self._is_enclave(m.proverImageId):
        self._err(method_id("CannotModifyImagesForPublicMarkets()"))
    return m


@external
def addExtraImages(marketId: uint256, _proverPcrs: DynArray[Bytes[MAX_PCRS], MAX_IMAGES], _ivsPcrs: DynArray[Bytes[MAX_PCRS], MAX_IMAGES]):
    m: Market = self._only_creator_of_private(marketId)
    for pcrs: Bytes[MAX_PCRS] in _proverPcrs:
        imageId: bytes32 = self._image_id_from_pcrs(pcrs)
        family: bytes32 = self._generator_family(marketId)
        if staticcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).isImageInFamily(imageId, family):
            raw_revert(concat(method_id("ImageAlreadyInFamily(bytes32,bytes32)"), abi_encode(imageId, family)))
        extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).whitelistImageUsingPcrs(family, pcrs)
        log AddExtraProverImage(marketId=marketId, imageId=imageId)
    for pcrs: Bytes[MAX_PCRS] in _ivsPcrs:
        imageId: bytes32 = self._image_id_from_pcrs(pcrs)
        family: bytes32 = self._ivs_family(marketId)
        if staticcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).isImageInFamily(imageId, family):
            raw_revert(concat(method_id("ImageAlreadyInFamily(bytes32,bytes32)"), abi_encode(imageId, family)))
        extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).whitelistImageUsingPcrs(family, pcrs)
        log AddExtraIVSImage(marketId=marketId, imageId=imageId)


@external
def removeExtraImages(marketId: uint256, _proverPcrs: DynArray[Bytes[MAX_PCRS], MAX_IMAGES], _ivsPcrs: DynArray[Bytes[MAX_PCRS], MAX_IMAGES]):
    m: Market = self._only_creator_of_private(marketId)
    for pcrs: Bytes[MAX_PCRS] in _proverPcrs:
        imageId: bytes32 = self._image_id_from_pcrs(pcrs)
        if imageId == m.proverImageId:
            raw_revert(concat(method_id("CannotRemoveDefaultImageFromMarket(uint256,bytes32)"), abi_encode(marketId, imageId)))
        extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).removeEnclaveImageFromFamily(imageId, self._generator_family(marketId))
        log RemoveExtraProverImage(marketId=marketId, imageId=imageId)
    for pcrs: Bytes[MAX_PCRS] in _ivsPcrs:
        imageId: bytes32 = self._image_id_from_pcrs(pcrs)
        if imageId == m.ivsImageId:
            raw_revert(concat(method_id("CannotRemoveDefaultImageFromMarket(uint256,bytes32)"), abi_encode(marketId, imageId)))
        extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).removeEnclaveImageFromFamily(imageId, self._ivs_family(marketId))
        log RemoveExtraIVSImage(marketId=marketId, imageId=imageId)


@external
def freezeMarket(marketId: uint256):
    m: Market = self._market_or_panic(marketId)
    if m.creator != msg.sender:
        self._err(method_id("OnlyMarketCreator()"))
    self._markets[marketId].creator = empty(address)


@external
def updateCostPerBytes(secretType: uint8, costPerByte: uint256):
    self._check_role(UPDATER_ROLE, msg.sender)
    self.costPerInputBytes[secretType] = costPerByte
    log UpdateCostPerBytes(secretType=secretType, costPerInputBytes=costPerByte)


@external
def updateMinProvingTime(secretType: uint8, newProvingTime: uint256):
    self._check_role(UPDATER_ROLE, msg.sender)
    self.minProvingTime[secretType] = newProvingTime
    log UpdateMinProvingTime(secretType=secretType, newProvingTime=newProvingTime)


# ---------------------------------------------------------------- matching engine

@external
def setMatchingEngineImage(pcrs: Bytes[MAX_PCRS]):
    self._check_role(UPDATER_ROLE, msg.sender)
    extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).whitelistImageUsingPcrs(self._matching_engine_family(), pcrs)


@external
def verifyMatchingEngine(attestationData: Bytes[MAX_ATT], meSignature: Bytes[MAX_SIG]):
    self._check_role(UPDATER_ROLE, msg.sender)
    sig: Bytes[MAX_SIG] = b""
    key: Bytes[MAX_KEY] = b""
    p0: Bytes[MAX_PCR] = b""
    p1: Bytes[MAX_PCR] = b""
    p2: Bytes[MAX_PCR] = b""
    ts: uint256 = 0
    sig, key, p0, p1, p2, ts = abi_decode(attestationData, (Bytes[MAX_SIG], Bytes[MAX_KEY], Bytes[MAX_PCR], Bytes[MAX_PCR], Bytes[MAX_PCR], uint256))
    # For the matching engine the enclave binds the attestation to this contract (spec §2.6.2); the
    # signer is recovered before the key length is checked (HELPER.VERIFY_ENCLAVE_SIGNATURE).
    signer: address = self._recover(self._eth_signed(keccak256(abi_encode(attestationData, self))), meSignature)
    if len(key) != 64:
        self._err(method_id("InvalidEnclaveKey()"))
    if signer != self._pubkey_to_address(key):
        raw_revert(concat(method_id("InvalidEnclaveSignature(address)"), abi_encode(signer)))
    extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).updatePubkey(self, 0, key, attestationData)


# ---------------------------------------------------------------- asks

@internal
@view
def _platform_fee(secretType: uint8, ask: Ask, privateInputs: Bytes[MAX_SECRET], acl: Bytes[MAX_ACL]) -> uint256:
    costPerByte: uint256 = self.costPerInputBytes[secretType]
    if costPerByte != 0:
        return (len(ask.proverData) + len(privateInputs) + len(acl)) * costPerByte
    return 0


@external
@view
def getPlatformFee(secretType: uint8, ask: Ask, privateInputs: Bytes[MAX_SECRET], acl: Bytes[MAX_ACL]) -> uint256:
    if secretType > 2:
        raw_revert(b"")
    return self._platform_fee(secretType, ask, privateInputs, acl)


@external
@nonreentrant
def createAsk(ask: Ask, secretType: uint8, privateInputs: Bytes[MAX_SECRET], acl: Bytes[MAX_ACL], extraData: Bytes[MAX_EXTRA] = b""):
    withExtra: bool = slice(msg.data, 0, 4) == CREATE_ASK_WITH_EXTRA_SELECTOR
    # The 5-argument overload exists only with _masterExtras: otherwise no such function.
    if withExtra and not MASTER_EXTRAS:
        raw_revert(b"")
    # Solidity rejects an out-of-range enum while decoding, with empty revert data.
    if secretType > 2:
        raw_revert(b"")
    if self.paused:
        self._err(method_id("EnforcedPause()"))
    if ask.reward == 0 or len(ask.proverData) == 0:
        self._err(method_id("CannotBeZero()"))
    if ask.expiry <= block.number:
        self._err(method_id("CannotAssignExpiredTasks()"))
    if len(acl) > MAX_ECIES_ACL:
        self._err(method_id("InvalidECIESACL()"))
    market: Market = self._market_or_panic(ask.marketId)
    if block.number <= market.activationBlock:
        self._err(method_id("InactiveMarket()"))
    fee: uint256 = self._platform_fee(secretType, ask, privateInputs, acl)
    self._safe_transfer_from(msg.sender, self, ask.reward + fee)
    self._credit_treasury(fee)
    if len(market.marketmetadata) == 0:
        self._err(method_id("InvalidMarket()"))
    askId: uint256 = self.askCounter
    self._asks[askId] = AskWithState(ask=ask, state=ASK_CREATE, requester=msg.sender, generator=empty(address))
    self.askCounter = askId + 1
    if not staticcall IVerifier(market.verifier).verifyInputs(ask.proverData):
        self._err(method_id("InvalidInputs()"))
    private: bool = self._is_enclave(market.proverImageId)
    # A public market logs neither the secret nor the ACL (ProofMarketplace._createAsk).
    emitted_secret: Bytes[MAX_SECRET] = b""
    emitted_acl: Bytes[MAX_ACL] = b""
    if private:
        emitted_secret = privateInputs
        emitted_acl = acl
    if withExtra:
        raw_log(
            [ASK_CREATED_WITH_EXTRA_TOPIC, convert(askId, bytes32), convert(convert(private, uint256), bytes32)],
            abi_encode(emitted_secret, emitted_acl, extraData),
        )
    else:
        log AskCreated(askId=askId, hasPrivateInputs=private, secret_data=emitted_secret, acl=emitted_acl)


@internal
@view
def _ask_state(askId: uint256) -> uint8:
    a: AskWithState = self._ask_or_panic(askId)
    if a.state == ASK_CREATE:
        if a.ask.expiry > block.number:
            return ASK_CREATE
        return ASK_UNASSIGNED
    if a.state == ASK_ASSIGNED:
        if a.ask.deadline < block.number:
            return ASK_DEADLINE_CROSSED
        return ASK_ASSIGNED
    return a.state


@external
@view
def getAskState(askId: uint256) -> uint8:
    return self._ask_state(askId)


@external
@view
def listOfAsk(askId: uint256) -> (Ask, uint8, address, address):
    if askId >= self.askCounter:
        raw_revert(b"")
    a: AskWithState = self._asks[askId]
    return a.ask, a.state, a.requester, a.generator


@internal
def _assign_task(askId: uint256, generator: address, new_acl: Bytes[MAX_ACL]):
    if self._ask_state(askId) != ASK_CREATE:
        self._err(method_id("ShouldBeInCreateState()"))
    a: AskWithState = self._asks[askId]
    cost: uint256 = 0
    proposedTime: uint256 = 0
    cost, proposedTime = staticcall IGeneratorRegistry(GENERATOR_REGISTRY).getGeneratorAssignmentDetails(generator, a.ask.marketId)
    if a.ask.reward < cost:
        self._err_id(method_id("ProofPriceMismatch(uint256)"), askId)
    if a.ask.timeTakenForProofGeneration < proposedTime:
        self._err_id(method_id("ProofTimeMismatch(uint256)"), askId)
    self._asks[askId].state = ASK_ASSIGNED
    self._asks[askId].ask.deadline = block.number + a.ask.timeTakenForProofGeneration
    self._asks[askId].generator = generator
    extcall IGeneratorRegistry(GENERATOR_REGISTRY).assignGeneratorTask(generator, a.ask.marketId, self._markets[a.ask.marketId].slashingPenalty)
    log TaskCreated(askId=askId, generator=generator, new_acl=new_acl)


@external
@nonreentrant
def assignTask(askId: uint256, generator: address, new_acl: Bytes[MAX_ACL]):
    extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).allowOnlyVerifiedFamily(self._matching_engine_family(), msg.sender)
    self._assign_task(askId, generator, new_acl)


@external
@nonreentrant
def relayBatchAssignTasks(askIds: DynArray[uint256, MAX_BATCH], generators: DynArray[address, MAX_BATCH], newAcls: DynArray[Bytes[MAX_ACL], MAX_BATCH], signature: Bytes[MAX_SIG]):
    if len(askIds) != len(generators) or len(askIds) != len(newAcls):
        self._err(method_id("ArityMismatch()"))
    signer: address = self._recover(self._eth_signed(keccak256(abi_encode(askIds, generators, newAcls))), signature)
    extcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).allowOnlyVerifiedFamily(self._matching_engine_family(), signer)
    for i: uint256 in range(len(askIds), bound=MAX_BATCH):
        self._assign_task(askIds[i], generators[i], newAcls[i])


@external
@nonreentrant
def cancelAsk(askId: uint256):
    if self._ask_state(askId) != ASK_UNASSIGNED:
        self._err_id(method_id("OnlyExpiredAsksCanBeCancelled(uint256)"), askId)
    self._asks[askId].state = ASK_COMPLETE
    self._credit(self._asks[askId].ask.refundAddress, self._asks[askId].ask.reward)
    log AskCancelled(askId=askId)


# ---------------------------------------------------------------- proofs

@internal
def _submit_proof(askId: uint256, proof: Bytes[MAX_PROOF]):
    a: AskWithState = self._ask_or_panic(askId)
    marketId: uint256 = a.ask.marketId
    rewardAddress: address = empty(address)
    cost: uint256 = 0
    rewardAddress, cost = staticcall IGeneratorRegistry(GENERATOR_REGISTRY).getGeneratorRewardDetails(a.generator, marketId)
    if rewardAddress == empty(address):
        self._err(method_id("CannotBeZero()"))
    if self._ask_state(askId) != ASK_ASSIGNED:
        self._err_id(method_id("OnlyAssignedAsksCanBeProved(uint256)"), askId)
    if not staticcall IVerifier(self._markets[marketId].verifier).verify(abi_encode(a.ask.proverData, proof)):
        self._err_id(method_id("InvalidProof(uint256)"), askId)
    self._asks[askId].state = ASK_COMPLETE
    # The operator earns exactly its proofGenerationCost; the rest is the requester's (spec §2.6.3).
    self._credit(rewardAddress, cost)
    self._credit(a.ask.refundAddress, a.ask.reward - cost)
    extcall IGeneratorRegistry(GENERATOR_REGISTRY).completeGeneratorTask(a.generator, marketId, self._markets[marketId].slashingPenalty)
    log ProofCreated(askId=askId, proof=proof)


@external
@nonreentrant
def submitProof(askId: uint256, proof: Bytes[MAX_PROOF]):
    self._submit_proof(askId, proof)


@external
@nonreentrant
def submitProofs(taskIds: DynArray[uint256, MAX_BATCH], proofs: DynArray[Bytes[MAX_PROOF], MAX_BATCH]):
    if len(taskIds) != len(proofs):
        self._err(method_id("ArityMismatch()"))
    for i: uint256 in range(len(taskIds), bound=MAX_BATCH):
        self._submit_proof(taskIds[i], proofs[i])


@external
@nonreentrant
def submitProofForInvalidInputs(askId: uint256, invalidProofSignature: Bytes[MAX_SIG]):
    a: AskWithState = self._ask_or_panic(askId)
    marketId: uint256 = a.ask.marketId
    rewardAddress: address = empty(address)
    cost: uint256 = 0
    rewardAddress, cost = staticcall IGeneratorRegistry(GENERATOR_REGISTRY).getGeneratorRewardDetails(a.generator, marketId)
    if rewardAddress == empty(address):
        self._err(method_id("CannotBeZero()"))
    if self._ask_state(askId) != ASK_ASSIGNED:
        self._err_id(method_id("OnlyAssignedAsksCanBeProved(uint256)"), askId)
    # The prover enclave (or the market's IVS) signs keccak256(abi.encode(askId, proverData)) (spec §5.5).
    signer: address = self._recover(self._eth_signed(keccak256(abi_encode(askId, a.ask.proverData))), invalidProofSignature)
    image: bytes32 = staticcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).getVerifiedKey(signer)
    trusted: bool = staticcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).isImageInFamily(image, self._ivs_family(marketId))
    if not trusted:
        trusted = staticcall IEntityKeyRegistry(ENTITY_KEY_REGISTRY).isImageInFamily(image, self._generator_family(marketId))
    if image == empty(bytes32) or not trusted:
        self._err_id(method_id("CannotSlashUsingValidInputs(uint256)"), askId)
    self._asks[askId].state = ASK_COMPLETE
    self._credit(rewardAddress, cost)
    self._credit_treasury(a.ask.reward - cost)
    extcall IGeneratorRegistry(GENERATOR_REGISTRY).completeGeneratorTask(a.generator, marketId, self._markets[marketId].slashingPenalty)
    log InvalidInputsDetected(askId=askId)


@internal
def _slash(askId: uint256, rewardAddress: address) -> uint256:
    self._asks[askId].state = ASK_COMPLETE
    a: AskWithState = self._asks[askId]
    self._credit(a.ask.refundAddress, a.ask.reward)
    log ProofNotGenerated(askId=askId)
    return extcall IGeneratorRegistry(GENERATOR_REGISTRY).slashGenerator(a.generator, a.ask.marketId, self._markets[a.ask.marketId].slashingPenalty, rewardAddress)


@external
@nonreentrant
def slashGenerator(askId: uint256, rewardAddress: address) -> uint256:
    if self._ask_state(askId) != ASK_DEADLINE_CROSSED:
        self._err_id(method_id("ShouldBeInCrossedDeadlineState(uint256)"), askId)
    return self._slash(askId, rewardAddress)


@external
@nonreentrant
def discardRequest(askId: uint256) -> uint256:
    a: AskWithState = self._ask_or_panic(askId)
    if self._ask_state(askId) != ASK_ASSIGNED:
        self._err_id(method_id("ShouldBeInAssignedState(uint256)"), askId)
    if a.generator != msg.sender:
        self._err_id(method_id("OnlyGeneratorCanDiscardRequest(uint256)"), askId)
    return self._slash(askId, TREASURY)


@external
@nonreentrant
def flush(_address: address):
    # Succeeds with nothing claimable, like the real build (spec §9.1), and then transfers nothing
    # (no zero-value Transfer log).
    amount: uint256 = self.claimableAmount[_address]
    if amount != 0:
        self.claimableAmount[_address] = 0
        self._safe_transfer(_address, amount)
