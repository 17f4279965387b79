# pragma version ~=0.4.3
"""Generation B ProofMarketplace look-alike (kalypso-contracts jung/initial-deploy ProofMarketplace.sol):
markets (id 0 is the empty placeholder), bids with states computed against block.timestamp, task
assignment by a verified matching-engine enclave key, proofs through the market's verifier, fee
rewards (both claimProverFeeReward() of the SDK 1.0.58 ABI and claimProverFeeReward(address) of the
Arbitrum One build), refunds and discards (spec §2.10, §3.1, §3.4). Deployed directly; `initialize`
is the deployer's one-time wiring call."""
from ..lib import ecdsa
from ..lib import access

initializes: access
exports: (access.hasRole, access.getRoleAdmin, access.supportsInterface, access.grantRole, access.revokeRole, access.renounceRole,
          access.DEFAULT_ADMIN_ROLE)

struct Market:
    verifier: address
    proverImageId: bytes32
    ivsImageId: bytes32
    creator: address
    marketmetadata: Bytes[4096]

struct Bid:
    marketId: uint256
    reward: uint256
    expiry: uint256
    timeForProofGeneration: uint256
    deadline: uint256
    refundAddress: address
    proverData: Bytes[4096]

struct BidWithState:
    bid: Bid
    state: uint8
    requester: address
    prover: address

interface IERC20:
    def transfer(to: address, amount: uint256) -> bool: nonpayable
    def transferFrom(owner: address, to: address, amount: uint256) -> bool: nonpayable

interface IVerifier:
    def verify(data: Bytes[16384]) -> bool: view
    def verifyInputs(inputs: Bytes[4096]) -> bool: view
    def checkSampleInputsAndProof() -> bool: view

interface IEntityKeyRegistry:
    def whitelistImageUsingPcrs(family: bytes32, pcrs: Bytes[1024]): nonpayable
    def removeEnclaveImageFromFamily(imageId: bytes32, family: bytes32): nonpayable
    def isImageInFamily(imageId: bytes32, family: bytes32) -> bool: view
    def updatePubkey(owner: address, idx: uint256, pubkey: Bytes[256], attestation: Bytes[4096]): nonpayable
    def allowOnlyVerifiedFamily(family: bytes32, key: address): nonpayable  # a view; called with CALL

interface IProverManager:
    def getProverAssignmentDetails(prover: address, marketId: uint256) -> (uint256, uint256): view
    def getProverRewardDetails(prover: address, marketId: uint256) -> (address, uint256): view
    def assignProverTask(bidId: uint256, prover: address, marketId: uint256): nonpayable
    def completeProverTask(bidId: uint256, prover: address, marketId: uint256, feeReward: uint256): nonpayable
    def releaseProverCompute(prover: address, marketId: uint256): nonpayable

event MarketplaceCreated:
    marketId: indexed(uint256)

event MarketMetadataUpdated:
    marketId: indexed(uint256)
    metadata: Bytes[4096]

event AddExtraProverImage:
    marketId: indexed(uint256)
    imageId: indexed(bytes32)

event AddExtraIVSImage:
    marketId: indexed(uint256)
    imageId: indexed(bytes32)

event RemoveExtraIVSImage:
    marketId: indexed(uint256)
    imageId: indexed(bytes32)

event RemoveExtraProverImage:
    marketId: indexed(uint256)
    imageId: indexed(bytes32)

event PaymentTokenSet:
    paymentToken: indexed(address)

event ProverManagerSet:
    proverManager: indexed(address)

event EntityKeyRegistrySet:
    entityRegistry: indexed(address)

event BidCreated:
    bidId: indexed(uint256)
    hasPrivateInputs: indexed(bool)
    secret_data: Bytes[8192]
    acl: Bytes[1024]
    extra_data: Bytes[1024]

event TaskCreated:
    bidId: indexed(uint256)
    prover: indexed(address)
    new_acl: Bytes[1024]

event ProofCreated:
    bidId: indexed(uint256)
    proof: Bytes[8192]

event ProofNotGenerated:
    bidId: indexed(uint256)

event BidCancelled:
    bidId: indexed(uint256)

event ProverFeeRewardAdded:
    prover: indexed(address)
    feeRewardAmount: uint256

event UpdateCostPerBytes:
    secretType: indexed(uint8)
    costPerInputBytes: uint256

event UpdateMinProvingTime:
    secretType: indexed(uint8)
    newProvingTime: uint256

event MarketCreationCostSet:
    marketCreationCost: uint256

event TreasurySet:
    treasury: indexed(address)

event Paused:
    account: address

event Unpaused:
    account: address

# BidState
NULL: constant(uint8) = 0
CREATED: constant(uint8) = 1
UNASSIGNED: constant(uint8) = 2
ASSIGNED: constant(uint8) = 3
COMPLETED: constant(uint8) = 4
DEADLINE_CROSSED: constant(uint8) = 5

MIN_PROVING_TIME: public(constant(uint256)) = 1
MAX_PROVING_TIME: public(constant(uint256)) = 86400
MAX_MATCHING_TIME: public(constant(uint256)) = 86400
UPDATER_ROLE: public(constant(bytes32)) = keccak256("UPDATER_ROLE")
MATCHING_ENGINE_ROLE: public(constant(bytes32)) = keccak256("MATCHING_ENGINE_ROLE")
STAKING_MANAGER_ROLE: public(constant(bytes32)) = keccak256("STAKING_MANAGER_ROLE")
SYMBIOTIC_STAKING_ROLE: public(constant(bytes32)) = keccak256("SYMBIOTIC_STAKING_ROLE")
SYMBIOTIC_STAKING_REWARD_ROLE: public(constant(bytes32)) = keccak256("SYMBIOTIC_STAKING_REWARD_ROLE")
NO_ENCLAVE_ID: constant(bytes32) = 0xcd2e66bf0b91eeedc6c648ae9335a78d7c9a4ab0ef33612a824d91cdc68a4f21
# keccak256(abi.encode(MATCHING_ENGINE_ROLE))
MATCHING_ENGINE_FAMILY_ID: constant(bytes32) = 0xd81f2deb3e7efbac28b8485de7ac9eacb82ea09ba5e4761f142182457d9cd965

paymentToken: public(address)
treasury: public(address)
proverManager: public(address)
entityKeyRegistry: public(address)
marketCreationCost: public(uint256)
paused: public(bool)
costPerInputBytes: public(HashMap[uint8, uint256])
minProvingTime: public(HashMap[uint8, uint256])
proverClaimableFeeReward: public(HashMap[address, uint256])
transmitterClaimableFeeReward: public(HashMap[address, uint256])

# Devnet only: which claimProverFeeReward overloads this deployment answers (CLAIM_* bits), so clients
# can test their detection of the SDK 1.0.58 / Arbitrum One variants (spec §2.10).
claimVariants: public(uint8)
CLAIM_SDK: constant(uint8) = 1           # claimProverFeeReward()        0x7587de01
CLAIM_ARBITRUM_ONE: constant(uint8) = 2  # claimProverFeeReward(address) 0xab483c68

markets: HashMap[uint256, Market]
marketCount: uint256
bids: HashMap[uint256, BidWithState]
bidCount: uint256
deployer: address
initialized: bool


@deploy
def __init__():
    self.deployer = msg.sender
    access.__init__(msg.sender)


@external
def initialize(_admin: address, _paymentToken: address, _treasury: address, _proverManager: address,
               _entityKeyRegistry: address, _marketCreationCost: uint256):
    if self.initialized or msg.sender != self.deployer:
        raw_revert(method_id("InvalidInitialization()"))
    self.initialized = True
    access._grant(access.DEFAULT_ADMIN_ROLE, _admin)
    access._grant(UPDATER_ROLE, _admin)
    self.paymentToken = _paymentToken
    self.treasury = _treasury
    self.proverManager = _proverManager
    self.entityKeyRegistry = _entityKeyRegistry
    self.marketCreationCost = _marketCreationCost
    self.marketCount = 1   # index 0: the empty placeholder market
    self.claimVariants = CLAIM_SDK | CLAIM_ARBITRUM_ONE
    log MarketCreationCostSet(marketCreationCost=_marketCreationCost)
    log TreasurySet(treasury=_treasury)


@internal
@pure
def _panic(code: uint256):
    raw_revert(concat(method_id("Panic(uint256)"), convert(code, bytes32)))


@internal
@view
def _not_paused():
    if self.paused:
        raw_revert(method_id("EnforcedPause()"))


@internal
@pure
def _is_enclave(image_id: bytes32) -> bool:
    return not (image_id == empty(bytes32) or image_id == NO_ENCLAVE_ID)


@internal
@view
def _existing_market(market_id: uint256) -> Market:
    """marketData[id] of the real contract: Panic(0x32) past the end, InvalidMarket if empty."""
    if market_id >= self.marketCount:
        self._panic(50)
    m: Market = self.markets[market_id]
    if len(m.marketmetadata) == 0:
        raw_revert(method_id("InvalidMarket()"))
    return m


@internal
@pure
def _image_id(pcrs: Bytes[1024]) -> bytes32:
    p0: Bytes[128] = empty(Bytes[128])
    p1: Bytes[128] = empty(Bytes[128])
    p2: Bytes[128] = empty(Bytes[128])
    p0, p1, p2 = abi_decode(pcrs, (Bytes[128], Bytes[128], Bytes[128]))
    return ecdsa.image_id(p0, p1, p2)


# ---------------------------------------------------------------- markets

@external
def createMarket(_marketmetadata: Bytes[4096], _verifier: address, _proverPcrs: Bytes[1024], _ivsPcrs: Bytes[1024]):
    self._not_paused()
    if len(_marketmetadata) == 0 or _verifier == empty(address):
        raw_revert(method_id("CannotBeZero()"))
    if not staticcall IVerifier(_verifier).checkSampleInputsAndProof():
        raw_revert(method_id("InvalidInputs()"))
    extcall IERC20(self.paymentToken).transferFrom(msg.sender, self.treasury, self.marketCreationCost)
    prover_image: bytes32 = self._image_id(_proverPcrs)
    ivs_image: bytes32 = self._image_id(_ivsPcrs)
    market_id: uint256 = self.marketCount
    if self._is_enclave(prover_image):
        extcall IEntityKeyRegistry(self.entityKeyRegistry).whitelistImageUsingPcrs(keccak256(abi_encode("prov", market_id)), _proverPcrs)
    extcall IEntityKeyRegistry(self.entityKeyRegistry).whitelistImageUsingPcrs(keccak256(abi_encode("ivs", market_id)), _ivsPcrs)
    self.marketCount = market_id + 1
    self.markets[market_id] = Market(verifier=_verifier, proverImageId=prover_image, ivsImageId=ivs_image,
                                     creator=msg.sender, marketmetadata=_marketmetadata)
    log MarketplaceCreated(marketId=market_id)


@external
def updateMarketMetadata(_marketId: uint256, _metadata: Bytes[4096]):
    if self.markets[_marketId].creator != msg.sender:
        raw_revert(method_id("OnlyMarketCreator()"))
    self.markets[_marketId].marketmetadata = _metadata
    log MarketMetadataUpdated(marketId=_marketId, metadata=_metadata)


@internal
def _add_images(market_id: uint256, pcrs_list: DynArray[Bytes[1024], 8], tag: String[4]):
    family: bytes32 = keccak256(abi_encode(tag, market_id))
    for pcrs: Bytes[1024] in pcrs_list:
        iid: bytes32 = self._image_id(pcrs)
        if staticcall IEntityKeyRegistry(self.entityKeyRegistry).isImageInFamily(iid, family):
            raw_revert(concat(method_id("ImageAlreadyInFamily(bytes32,bytes32)"), abi_encode(iid, family)))
        extcall IEntityKeyRegistry(self.entityKeyRegistry).whitelistImageUsingPcrs(family, pcrs)
        if tag == "prov":
            log AddExtraProverImage(marketId=market_id, imageId=iid)
        else:
            log AddExtraIVSImage(marketId=market_id, imageId=iid)


@external
def addExtraImages(_marketId: uint256, _proverPcrs: DynArray[Bytes[1024], 8], _ivsPcrs: DynArray[Bytes[1024], 8]):
    m: Market = self._existing_market(_marketId)
    if m.creator != msg.sender:
        raw_revert(method_id("OnlyMarketCreator()"))
    if len(_proverPcrs) != 0:
        if not self._is_enclave(m.proverImageId):
            raw_revert(method_id("CannotModifyImagesForPublicMarkets()"))
        self._add_images(_marketId, _proverPcrs, "prov")
    self._add_images(_marketId, _ivsPcrs, "ivs")


@external
def removeExtraImages(_marketId: uint256, _proverPcrs: DynArray[Bytes[1024], 8], _ivsPcrs: DynArray[Bytes[1024], 8]):
    m: Market = self._existing_market(_marketId)
    if m.creator != msg.sender:
        raw_revert(method_id("OnlyMarketCreator()"))
    if len(_proverPcrs) != 0:
        if not self._is_enclave(m.proverImageId):
            raw_revert(method_id("CannotModifyImagesForPublicMarkets()"))
        for pcrs: Bytes[1024] in _proverPcrs:
            iid: bytes32 = self._image_id(pcrs)
            if iid == m.proverImageId:
                raw_revert(concat(method_id("CannotRemoveDefaultImageFromMarket(uint256,bytes32)"), abi_encode(_marketId, iid)))
            extcall IEntityKeyRegistry(self.entityKeyRegistry).removeEnclaveImageFromFamily(iid, keccak256(abi_encode("prov", _marketId)))
            log RemoveExtraProverImage(marketId=_marketId, imageId=iid)
    for pcrs: Bytes[1024] in _ivsPcrs:
        iid: bytes32 = self._image_id(pcrs)
        if iid == m.ivsImageId:
            raw_revert(concat(method_id("CannotRemoveDefaultImageFromMarket(uint256,bytes32)"), abi_encode(_marketId, iid)))
        extcall IEntityKeyRegistry(self.entityKeyRegistry).removeEnclaveImageFromFamily(iid, keccak256(abi_encode("ivs", _marketId)))
        log RemoveExtraIVSImage(marketId=_marketId, imageId=iid)


@external
def freezeMarket(_marketId: uint256):
    """No more image changes: the creator is cleared."""
    m: Market = self._existing_market(_marketId)
    if m.creator != msg.sender:
        raw_revert(method_id("OnlyMarketCreator()"))
    self.markets[_marketId].creator = empty(address)


@external
@view
def marketData(_id: uint256) -> (address, bytes32, bytes32, address, Bytes[4096]):
    if _id >= self.marketCount:
        self._panic(50)
    m: Market = self.markets[_id]
    return m.verifier, m.proverImageId, m.ivsImageId, m.creator, m.marketmetadata


@external
@view
def marketCounter() -> uint256:
    return self.marketCount


# ---------------------------------------------------------------- bids

@internal
@view
def _platform_fee(secret_type: uint8, bid: Bid, private_inputs: Bytes[8192], acl: Bytes[1024]) -> uint256:
    cost: uint256 = self.costPerInputBytes[secret_type]
    if cost == 0:
        return 0
    return (len(bid.proverData) + len(private_inputs) + len(acl)) * cost


@external
@view
def getPlatformFee(_secretType: uint8, _bid: Bid, _privateInputs: Bytes[8192], _acl: Bytes[1024]) -> uint256:
    return self._platform_fee(_secretType, _bid, _privateInputs, _acl)


@external
def createBid(_bid: Bid, _secretType: uint8, _privateInputs: Bytes[8192], _acl: Bytes[1024], _extraData: Bytes[1024]):
    self._not_paused()
    if _bid.reward == 0 or len(_bid.proverData) == 0:
        raw_revert(method_id("CannotBeZero()"))
    if _bid.expiry <= block.timestamp + self.minProvingTime[_secretType]:
        raw_revert(method_id("CannotAssignExpiredTasks()"))
    if _bid.expiry > block.timestamp + MAX_MATCHING_TIME:
        raw_revert(method_id("ExceedsMaximumMatchtime()"))
    if _bid.timeForProofGeneration < MIN_PROVING_TIME or _bid.timeForProofGeneration > MAX_PROVING_TIME:
        raw_revert(method_id("InvalidTimeForProofGeneration()"))
    if len(_acl) > 130:
        raw_revert(method_id("InvalidECIESACL()"))
    m: Market = self._existing_market(_bid.marketId)
    fee: uint256 = self._platform_fee(_secretType, _bid, _privateInputs, _acl)
    extcall IERC20(self.paymentToken).transferFrom(msg.sender, self, _bid.reward + fee)
    extcall IERC20(self.paymentToken).transfer(self.treasury, fee)
    bid_id: uint256 = self.bidCount
    self.bidCount = bid_id + 1
    self.bids[bid_id] = BidWithState(bid=_bid, state=CREATED, requester=msg.sender, prover=empty(address))
    if not staticcall IVerifier(m.verifier).verifyInputs(_bid.proverData):
        raw_revert(method_id("InvalidInputs()"))
    if self._is_enclave(m.proverImageId):
        log BidCreated(bidId=bid_id, hasPrivateInputs=True, secret_data=_privateInputs, acl=_acl, extra_data=_extraData)
    else:
        log BidCreated(bidId=bid_id, hasPrivateInputs=False, secret_data=b"", acl=b"", extra_data=_extraData)


@internal
@view
def _bid_state(bid_id: uint256) -> uint8:
    if bid_id >= self.bidCount:
        self._panic(50)
    b: BidWithState = self.bids[bid_id]
    if b.state == CREATED and b.bid.expiry <= block.timestamp:
        return UNASSIGNED
    if b.state == ASSIGNED and b.bid.deadline < block.timestamp:
        return DEADLINE_CROSSED
    return b.state


@external
@view
def getBidState(_bidId: uint256) -> uint8:
    return self._bid_state(_bidId)


@external
@view
def bidCounter() -> uint256:
    return self.bidCount


@external
@view
def listOfBid(_id: uint256) -> (Bid, uint8, address, address):
    if _id >= self.bidCount:
        self._panic(50)
    b: BidWithState = self.bids[_id]
    return b.bid, b.state, b.requester, b.prover


@external
def cancelBid(_bidId: uint256):
    if self._bid_state(_bidId) != UNASSIGNED:
        raw_revert(concat(method_id("OnlyExpiredBidsCanBeCancelled(uint256)"), convert(_bidId, bytes32)))
    self.bids[_bidId].state = COMPLETED
    b: Bid = self.bids[_bidId].bid
    extcall IERC20(self.paymentToken).transfer(b.refundAddress, b.reward)
    log BidCancelled(bidId=_bidId)


# ---------------------------------------------------------------- matching engine

@internal
def _assign(bid_id: uint256, prover: address, new_acl: Bytes[1024]):
    if self._bid_state(bid_id) != CREATED:
        raw_revert(method_id("ShouldBeInCreateState()"))
    b: Bid = self.bids[bid_id].bid
    cost: uint256 = 0
    proposed: uint256 = 0
    cost, proposed = staticcall IProverManager(self.proverManager).getProverAssignmentDetails(prover, b.marketId)
    if b.reward < cost:
        raw_revert(concat(method_id("ProofPriceMismatch(uint256)"), convert(bid_id, bytes32)))
    if b.timeForProofGeneration < proposed:
        raw_revert(concat(method_id("ProofTimeMismatch(uint256)"), convert(bid_id, bytes32)))
    self.bids[bid_id].state = ASSIGNED
    self.bids[bid_id].bid.deadline = block.timestamp + b.timeForProofGeneration
    self.bids[bid_id].prover = prover
    extcall IProverManager(self.proverManager).assignProverTask(bid_id, prover, b.marketId)
    log TaskCreated(bidId=bid_id, prover=prover, new_acl=new_acl)


@external
def assignTask(_bidId: uint256, _prover: address, _new_acl: Bytes[1024]):
    """msg.sender must be a verified matching-engine enclave key (MATCHING_ENGINE family)."""
    extcall IEntityKeyRegistry(self.entityKeyRegistry).allowOnlyVerifiedFamily(MATCHING_ENGINE_FAMILY_ID, msg.sender)
    self._assign(_bidId, _prover, _new_acl)


@external
def relayBatchAssignTasks(_bidIds: DynArray[uint256, 64], _provers: DynArray[address, 64],
                          _newAcls: DynArray[Bytes[1024], 64], _signature: Bytes[256]):
    """Anyone relays assignments signed (EIP-191 over keccak256(abi.encode(bidIds, provers, newAcls)))
    by a verified matching-engine key."""
    if len(_bidIds) != len(_provers) or len(_bidIds) != len(_newAcls):
        raw_revert(method_id("ArityMismatch()"))
    digest: bytes32 = ecdsa.eth_signed(keccak256(abi_encode(_bidIds, _provers, _newAcls)))
    signer: address = ecdsa.recover(digest, _signature)
    extcall IEntityKeyRegistry(self.entityKeyRegistry).allowOnlyVerifiedFamily(MATCHING_ENGINE_FAMILY_ID, signer)
    for i: uint256 in range(64):
        if i >= len(_bidIds):
            break
        self._assign(_bidIds[i], _provers[i], _newAcls[i])


@external
def setMatchingEngineImage(_pcrs: Bytes[1024]):
    access.check(UPDATER_ROLE, msg.sender)
    extcall IEntityKeyRegistry(self.entityKeyRegistry).whitelistImageUsingPcrs(MATCHING_ENGINE_FAMILY_ID, _pcrs)


@external
def verifyMatchingEngine(_attestationData: Bytes[4096], _meSignature: Bytes[256]):
    access.check(UPDATER_ROLE, msg.sender)
    a_sig: Bytes[256] = empty(Bytes[256])
    pk: Bytes[256] = empty(Bytes[256])
    p0: Bytes[128] = empty(Bytes[128])
    p1: Bytes[128] = empty(Bytes[128])
    p2: Bytes[128] = empty(Bytes[128])
    ts: uint256 = 0
    a_sig, pk, p0, p1, p2, ts = abi_decode(_attestationData, (Bytes[256], Bytes[256], Bytes[128], Bytes[128], Bytes[128], uint256))
    signer: address = ecdsa.recover(ecdsa.eth_signed(keccak256(abi_encode(_attestationData, self))), _meSignature)
    if len(pk) != 64:
        raw_revert(method_id("InvalidEnclaveKey()"))
    if signer != ecdsa.pubkey_to_address(pk):
        raw_revert(concat(method_id("InvalidEnclaveSignature(address)"), abi_encode(signer)))
    extcall IEntityKeyRegistry(self.entityKeyRegistry).updatePubkey(self, 0, pk, _attestationData)


# ---------------------------------------------------------------- proofs, refunds, rewards

@internal
def _submit_proof(bid_id: uint256, proof: Bytes[8192]):
    if bid_id >= self.bidCount:
        self._panic(50)
    bws: BidWithState = self.bids[bid_id]
    reward_address: address = empty(address)
    cost: uint256 = 0
    reward_address, cost = staticcall IProverManager(self.proverManager).getProverRewardDetails(bws.prover, bws.bid.marketId)
    if reward_address == empty(address):
        raw_revert(method_id("CannotBeZero()"))
    if self._bid_state(bid_id) != ASSIGNED:
        raw_revert(concat(method_id("OnlyAssignedBidsCanBeProved(uint256)"), convert(bid_id, bytes32)))
    verifier: address = self.markets[bws.bid.marketId].verifier
    if not staticcall IVerifier(verifier).verify(abi_encode(bws.bid.proverData, proof)):
        raw_revert(concat(method_id("InvalidProof(uint256)"), convert(bid_id, bytes32)))
    self.bids[bid_id].state = COMPLETED
    # Arbitrum One build: the whole fee goes to the prover's reward address (no commission split)
    self.proverClaimableFeeReward[reward_address] += cost
    log ProverFeeRewardAdded(prover=reward_address, feeRewardAmount=cost)
    extcall IERC20(self.paymentToken).transfer(bws.bid.refundAddress, bws.bid.reward - cost)
    extcall IProverManager(self.proverManager).completeProverTask(bid_id, bws.prover, bws.bid.marketId, 0)
    log ProofCreated(bidId=bid_id, proof=proof)


@external
def submitProof(_bidId: uint256, _proof: Bytes[8192]):
    self._submit_proof(_bidId, _proof)


@external
def submitProofs(_bidIds: DynArray[uint256, 32], _proofs: DynArray[Bytes[8192], 32]):
    if len(_bidIds) != len(_proofs):
        raw_revert(method_id("ArityMismatch()"))
    for i: uint256 in range(32):
        if i >= len(_bidIds):
            break
        self._submit_proof(_bidIds[i], _proofs[i])


@internal
def _refund_fee(bid_id: uint256):
    """Requester refunded (the bid's reward is zeroed), prover compute released, ProofNotGenerated;
    the stake lock stays until a slash result is submitted."""
    bws: BidWithState = self.bids[bid_id]
    self.bids[bid_id].state = COMPLETED
    if bws.bid.reward != 0:
        extcall IERC20(self.paymentToken).transfer(bws.bid.refundAddress, bws.bid.reward)
        self.bids[bid_id].bid.reward = 0
        extcall IProverManager(self.proverManager).releaseProverCompute(bws.prover, bws.bid.marketId)
        log ProofNotGenerated(bidId=bid_id)


@external
def discardRequest(_bidId: uint256):
    if self._bid_state(_bidId) != ASSIGNED:
        raw_revert(concat(method_id("ShouldBeInAssignedState(uint256)"), convert(_bidId, bytes32)))
    if self.bids[_bidId].prover != msg.sender:
        raw_revert(concat(method_id("OnlyProverCanDiscardRequest(uint256)"), convert(_bidId, bytes32)))
    self._refund_fee(_bidId)


@external
def refundFees(_bidIds: DynArray[uint256, 256]):
    for bid_id: uint256 in _bidIds:
        state: uint8 = self._bid_state(bid_id)
        if state == DEADLINE_CROSSED:
            self._refund_fee(bid_id)
        elif state != COMPLETED:   # completed ones are skipped: slashing is the StakingManager's
            raw_revert(concat(method_id("NotSlashableBidId(uint256)"), convert(bid_id, bytes32)))


@external
def claimProverFeeReward(proverRewardAddress: address = msg.sender):
    """claimProverFeeReward() pays the caller (SDK 1.0.58 ABI); claimProverFeeReward(address) pays the
    given reward address, callable by anyone (Arbitrum One deployment)."""
    variant: uint8 = CLAIM_SDK
    if slice(msg.data, 0, 4) == method_id("claimProverFeeReward(address)"):
        variant = CLAIM_ARBITRUM_ONE
    if self.claimVariants & variant == 0:
        raw_revert(b"")   # what a deployment without this overload answers
    amount: uint256 = self.proverClaimableFeeReward[proverRewardAddress]
    if amount == 0:
        raw_revert(method_id("NoRewardToClaim()"))
    self.proverClaimableFeeReward[proverRewardAddress] = 0
    extcall IERC20(self.paymentToken).transfer(proverRewardAddress, amount)


@external
def claimTransmitterFeeReward():
    amount: uint256 = self.transmitterClaimableFeeReward[msg.sender]
    if amount == 0:
        raw_revert(method_id("NoRewardToClaim()"))
    self.transmitterClaimableFeeReward[msg.sender] = 0
    extcall IERC20(self.paymentToken).transfer(msg.sender, amount)


# ---------------------------------------------------------------- admin

@external
def updateCostPerBytes(_secretType: uint8, _costPerInputBytes: uint256):
    access.check(UPDATER_ROLE, msg.sender)
    self.costPerInputBytes[_secretType] = _costPerInputBytes
    log UpdateCostPerBytes(secretType=_secretType, costPerInputBytes=_costPerInputBytes)


@external
def updateMinProvingTime(_secretType: uint8, _newProvingTime: uint256):
    access.check(UPDATER_ROLE, msg.sender)
    self.minProvingTime[_secretType] = _newProvingTime
    log UpdateMinProvingTime(secretType=_secretType, newProvingTime=_newProvingTime)


@external
def setMarketCreationCost(_marketCreationCost: uint256):
    access.check(UPDATER_ROLE, msg.sender)
    self.marketCreationCost = _marketCreationCost
    log MarketCreationCostSet(marketCreationCost=_marketCreationCost)


@external
def setTreasury(_treasury: address):
    access.check(UPDATER_ROLE, msg.sender)
    self.treasury = _treasury
    log TreasurySet(treasury=_treasury)


@external
def setPaymentToken(_paymentToken: address):
    access.check(UPDATER_ROLE, msg.sender)
    self.paymentToken = _paymentToken
    log PaymentTokenSet(paymentToken=_paymentToken)


@external
def setProverManager(_proverManager: address):
    access.check(UPDATER_ROLE, msg.sender)
    self.proverManager = _proverManager
    log ProverManagerSet(proverManager=_proverManager)


@external
def setEntityKeyRegistry(_entityKeyRegistry: address):
    access.check(UPDATER_ROLE, msg.sender)
    self.entityKeyRegistry = _entityKeyRegistry
    log EntityKeyRegistrySet(entityRegistry=_entityKeyRegistry)


@external
def devnetSetClaimVariants(_variants: uint8):
    """Devnet only (not in the real ABI): 1 = SDK 1.0.58 claimProverFeeReward() only, 2 = Arbitrum One
    claimProverFeeReward(address) only, 3 = both."""
    access.check(access.DEFAULT_ADMIN_ROLE, msg.sender)
    if _variants == 0 or _variants > 3:
        raw_revert(method_id("CannotBeZero()"))
    self.claimVariants = _variants


@external
def pause():
    access.check(UPDATER_ROLE, msg.sender)
    if self.paused:
        raw_revert(method_id("EnforcedPause()"))
    self.paused = True
    log Paused(account=msg.sender)


@external
def unpause():
    access.check(UPDATER_ROLE, msg.sender)
    if not self.paused:
        raw_revert(method_id("ExpectedPause()"))
    self.paused = False
    log Unpaused(account=msg.sender)
