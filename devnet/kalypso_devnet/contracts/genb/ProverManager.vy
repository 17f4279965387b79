# pragma version ~=0.4.3
"""Generation B ProverManager look-alike (kalypso-contracts jung/initial-deploy ProverManager.sol):
operator registry, market membership with enclave keys (spec §2.1, §2.6, §2.9, §2.10), compute
accounting for tasks. Same selectors, events, custom errors and check order as the real contract
(spec §2.6.3). Deployed directly; `initialize` is kept as the one-time wiring call of the deployer."""
from ..lib import ecdsa
from ..lib import access

initializes: access
exports: (access.hasRole, access.getRoleAdmin, access.supportsInterface, access.grantRole, access.revokeRole, access.renounceRole,
          access.DEFAULT_ADMIN_ROLE)

struct ProverInfo:
    rewardAddress: address
    sumOfComputeAllocations: uint256
    computeConsumed: uint256
    activeMarketplaces: uint256
    declaredCompute: uint256
    intendedComputeUtilization: uint256
    proverData: Bytes[4096]

struct ProverInfoPerMarket:
    state: uint8
    computePerRequestRequired: uint256
    commission: uint256
    proofGenerationCost: uint256
    proposedTime: uint256
    activeRequests: uint256

interface IProofMarketplace:
    def marketData(id: uint256) -> (address, bytes32, bytes32, address, Bytes[4096]): view

interface IEntityKeyRegistry:
    def isImageInFamily(imageId: bytes32, family: bytes32) -> bool: view
    def updatePubkey(owner: address, idx: uint256, pubkey: Bytes[256], attestation: Bytes[4096]): nonpayable
    def removePubkey(owner: address, idx: uint256): nonpayable

interface IStakingManager:
    def onTaskAssignment(bidId: uint256, prover: address): nonpayable
    def onTaskCompletion(bidId: uint256, prover: address, feeRewardAmount: uint256): nonpayable

event ProverRegistered:
    prover: indexed(address)
    initialCompute: uint256
    proverData: Bytes[4096]

event ProverDeregistered:
    prover: indexed(address)

event ProverJoinedMarketplace:
    prover: indexed(address)
    marketId: indexed(uint256)
    computeAllocation: uint256
    commission: uint256

event ProverRequestedMarketplaceExit:
    prover: indexed(address)
    marketId: indexed(uint256)

event ProverLeftMarketplace:
    prover: indexed(address)
    marketId: indexed(uint256)

event ComputeLocked:
    prover: indexed(address)
    computeLocked: uint256

event ComputeReleased:
    prover: indexed(address)
    computeReleased: uint256

event ComputeIncreased:
    prover: indexed(address)
    compute: uint256

event ComputeDecreaseRequested:
    prover: indexed(address)
    intendedComputeUtilization: uint256

event ComputeDecreased:
    prover: indexed(address)
    compute: uint256

event ProverRewardAddressChanged:
    prover: indexed(address)
    newRewardAddress: indexed(address)

event ProverDataUpdated:
    prover: indexed(address)
    newProverData: Bytes[4096]

NULL: constant(uint8) = 0
JOINED: constant(uint8) = 1
NO_COMPUTE_AVAILABLE: constant(uint8) = 2
WIP: constant(uint8) = 3
REQUESTED_FOR_EXIT: constant(uint8) = 4

EXPONENT: constant(uint256) = 10**18
PARALLEL_REQUESTS_UPPER_LIMIT: public(constant(uint256)) = 100
MIN_PROVING_TIME: public(constant(uint256)) = 1
MAX_PROVING_TIME: public(constant(uint256)) = 86400
REDUCTION_REQUEST_DELAY: constant(uint256) = 100
PROOF_MARKET_PLACE_ROLE: public(constant(bytes32)) = keccak256("PROOF_MARKET_PLACE_ROLE")
NO_ENCLAVE_ID: constant(bytes32) = 0xcd2e66bf0b91eeedc6c648ae9335a78d7c9a4ab0ef33612a824d91cdc68a4f21

proofMarketplace: public(address)
stakingManager: public(address)
entityKeyRegistry: public(address)
deployer: address
initialized: bool

registry: HashMap[address, ProverInfo]
perMarket: HashMap[address, HashMap[uint256, ProverInfoPerMarket]]
reduceComputeRequestTimestamp: public(HashMap[address, uint256])


@deploy
def __init__():
    self.deployer = msg.sender
    access.__init__(msg.sender)


@external
def initialize(_admin: address, _proofMarketplace: address, _stakingManager: address, _entityKeyRegistry: address):
    if self.initialized or msg.sender != self.deployer:
        raw_revert(method_id("InvalidInitialization()"))
    self.initialized = True
    access._grant(access.DEFAULT_ADMIN_ROLE, _admin)
    access._grant(PROOF_MARKET_PLACE_ROLE, _proofMarketplace)
    self.proofMarketplace = _proofMarketplace
    self.stakingManager = _stakingManager
    self.entityKeyRegistry = _entityKeyRegistry


@internal
@pure
def _panic(code: uint256):
    raw_revert(concat(method_id("Panic(uint256)"), convert(code, bytes32)))


@internal
@view
def _market(market_id: uint256) -> (address, bytes32):
    verifier: address = empty(address)
    prover_image: bytes32 = empty(bytes32)
    ivs_image: bytes32 = empty(bytes32)
    creator: address = empty(address)
    meta: Bytes[4096] = b""
    verifier, prover_image, ivs_image, creator, meta = staticcall IProofMarketplace(self.proofMarketplace).marketData(market_id)
    return verifier, prover_image


# ---------------------------------------------------------------- registration

@external
def register(_rewardAddress: address, _declaredCompute: uint256, _proverData: Bytes[4096]):
    if _rewardAddress == empty(address) or _declaredCompute == 0 or len(_proverData) == 0:
        raw_revert(method_id("CannotBeZero()"))
    if self.registry[msg.sender].rewardAddress != empty(address):
        raw_revert(method_id("ProverAlreadyExists()"))
    self.registry[msg.sender] = ProverInfo(rewardAddress=_rewardAddress, sumOfComputeAllocations=0,
                                           computeConsumed=0, activeMarketplaces=0,
                                           declaredCompute=_declaredCompute,
                                           intendedComputeUtilization=EXPONENT, proverData=_proverData)
    log ProverRegistered(prover=msg.sender, initialCompute=_declaredCompute, proverData=_proverData)


@external
def deregister():
    if self.registry[msg.sender].sumOfComputeAllocations != 0:
        raw_revert(method_id("CannotLeaveWithActiveMarket()"))
    self.registry[msg.sender] = empty(ProverInfo)
    self.reduceComputeRequestTimestamp[msg.sender] = 0
    log ProverDeregistered(prover=msg.sender)


@external
def updateProverRewardAddress(_newRewardAddress: address):
    if _newRewardAddress == empty(address):
        raw_revert(method_id("ZeroNewRewardAddress()"))
    if self.registry[msg.sender].rewardAddress == empty(address):
        raw_revert(method_id("ProverNotRegistered()"))
    self.registry[msg.sender].rewardAddress = _newRewardAddress
    log ProverRewardAddressChanged(prover=msg.sender, newRewardAddress=_newRewardAddress)


@external
def updateProverData(_proverData: Bytes[4096]):
    if len(_proverData) == 0:
        raw_revert(method_id("ZeroProverDataLength()"))
    if self.registry[msg.sender].rewardAddress == empty(address):
        raw_revert(method_id("ProverNotRegistered()"))
    self.registry[msg.sender].proverData = _proverData
    log ProverDataUpdated(prover=msg.sender, newProverData=_proverData)


@external
def increaseDeclaredCompute(_computeToIncrease: uint256):
    if _computeToIncrease == 0:
        raw_revert(method_id("ZeroComputeToIncrease()"))
    if self.registry[msg.sender].rewardAddress == empty(address):
        raw_revert(method_id("ProverNotRegistered()"))
    self.registry[msg.sender].declaredCompute += _computeToIncrease
    log ComputeIncreased(prover=msg.sender, compute=_computeToIncrease)


@external
def intendToReduceCompute(_computeToReduce: uint256):
    if _computeToReduce == 0:
        raw_revert(method_id("ZeroComputeToReduce()"))
    info: ProverInfo = self.registry[msg.sender]
    if info.rewardAddress == empty(address):
        raw_revert(method_id("ProverNotRegistered()"))
    if info.intendedComputeUtilization != EXPONENT:
        raw_revert(method_id("RequestAlreadyInPlace()"))
    if _computeToReduce > info.declaredCompute:
        self._panic(17)
    new_total: uint256 = info.declaredCompute - _computeToReduce
    if new_total <= info.sumOfComputeAllocations:
        raw_revert(method_id("ExceedsAcceptableRange()"))
    utilization: uint256 = new_total * EXPONENT // info.declaredCompute
    self.registry[msg.sender].intendedComputeUtilization = utilization
    self.reduceComputeRequestTimestamp[msg.sender] = block.timestamp + REDUCTION_REQUEST_DELAY
    log ComputeDecreaseRequested(prover=msg.sender, intendedComputeUtilization=utilization)


@external
def decreaseDeclaredCompute():
    info: ProverInfo = self.registry[msg.sender]
    if len(info.proverData) == 0 or info.rewardAddress == empty(address):
        raw_revert(method_id("InvalidProver()"))
    if info.intendedComputeUtilization == EXPONENT:
        raw_revert(method_id("ReduceComputeRequestNotInPlace()"))
    new_total: uint256 = info.intendedComputeUtilization * info.declaredCompute // EXPONENT
    if new_total < info.computeConsumed or new_total < info.sumOfComputeAllocations:
        raw_revert(method_id("InsufficientProverComputeAvailable()"))
    requested: uint256 = self.reduceComputeRequestTimestamp[msg.sender]
    if not (block.timestamp >= requested and requested != 0):
        raw_revert(method_id("ReductionRequestNotValid()"))
    self.registry[msg.sender].declaredCompute = new_total
    self.registry[msg.sender].intendedComputeUtilization = EXPONENT
    self.reduceComputeRequestTimestamp[msg.sender] = 0
    log ComputeDecreased(prover=msg.sender, compute=info.declaredCompute - new_total)


# ---------------------------------------------------------------- markets and keys

@internal
def _update_enclave_key(market_id: uint256, prover: address, att: Bytes[4096], sig: Bytes[256]):
    verifier: address = empty(address)
    prover_image: bytes32 = empty(bytes32)
    verifier, prover_image = self._market(market_id)
    if prover_image == empty(bytes32) or prover_image == NO_ENCLAVE_ID:
        raw_revert(method_id("PublicMarketsDontNeedKey()"))
    a_sig: Bytes[256] = empty(Bytes[256])
    pk: Bytes[256] = empty(Bytes[256])
    p0: Bytes[128] = empty(Bytes[128])
    p1: Bytes[128] = empty(Bytes[128])
    p2: Bytes[128] = empty(Bytes[128])
    ts: uint256 = 0
    a_sig, pk, p0, p1, p2, ts = abi_decode(att, (Bytes[256], Bytes[256], Bytes[128], Bytes[128], Bytes[128], uint256))
    family: bytes32 = keccak256(abi_encode("prov", market_id))
    if not staticcall IEntityKeyRegistry(self.entityKeyRegistry).isImageInFamily(ecdsa.image_id(p0, p1, p2), family):
        raw_revert(method_id("IncorrectImageId()"))
    # HELPER.VERIFY_ENCLAVE_SIGNATURE: the enclave authorises `prover`; the key length is checked
    # after the signature is recovered (HELPER.GET_ADDRESS)
    digest: bytes32 = ecdsa.eth_signed(keccak256(abi_encode(att, prover)))
    signer: address = ecdsa.recover(digest, sig)
    if len(pk) != 64:
        raw_revert(method_id("InvalidEnclaveKey()"))
    if signer != ecdsa.pubkey_to_address(pk):
        raw_revert(concat(method_id("InvalidEnclaveSignature(address)"), abi_encode(signer)))
    extcall IEntityKeyRegistry(self.entityKeyRegistry).updatePubkey(prover, market_id, pk, att)


@external
def joinMarketplace(_marketId: uint256, _computePerRequestRequired: uint256, _proofGenerationCost: uint256,
                    _proposedTime: uint256, _commission: uint256, _updateMarketDedicatedKey: bool,
                    _attestationData: Bytes[4096], _enclaveSignature: Bytes[256]):
    info: ProverInfo = self.registry[msg.sender]
    if info.rewardAddress == empty(address) or _computePerRequestRequired == 0:
        raw_revert(method_id("CannotBeZero()"))
    if _proposedTime < MIN_PROVING_TIME or _proposedTime > MAX_PROVING_TIME:
        raw_revert(method_id("InvalidProverProposedTime()"))
    if _commission > EXPONENT:
        raw_revert(method_id("InvalidProverCommission()"))
    verifier: address = empty(address)
    prover_image: bytes32 = empty(bytes32)
    verifier, prover_image = self._market(_marketId)
    if verifier == empty(address):
        raw_revert(method_id("InvalidMarket()"))
    if self.perMarket[msg.sender][_marketId].state != NULL:
        raw_revert(method_id("AlreadyJoinedMarket()"))
    if info.sumOfComputeAllocations + _computePerRequestRequired > info.declaredCompute:
        raw_revert(method_id("CannotBeMoreThanDeclaredCompute()"))
    if _updateMarketDedicatedKey:
        self._update_enclave_key(_marketId, msg.sender, _attestationData, _enclaveSignature)
    self.perMarket[msg.sender][_marketId] = ProverInfoPerMarket(
        state=JOINED, computePerRequestRequired=_computePerRequestRequired, commission=_commission,
        proofGenerationCost=_proofGenerationCost, proposedTime=_proposedTime, activeRequests=0)
    self.registry[msg.sender].sumOfComputeAllocations = info.sumOfComputeAllocations + _computePerRequestRequired
    self.registry[msg.sender].activeMarketplaces = info.activeMarketplaces + 1
    log ProverJoinedMarketplace(prover=msg.sender, marketId=_marketId,
                                computeAllocation=_computePerRequestRequired, commission=_commission)


@external
def updateEncryptionKey(_marketId: uint256, _attestationData: Bytes[4096], _enclaveSignature: Bytes[256]):
    if self.registry[msg.sender].rewardAddress == empty(address):
        raw_revert(method_id("CannotBeZero()"))
    self._update_enclave_key(_marketId, msg.sender, _attestationData, _enclaveSignature)


@external
def removeEncryptionKey(_marketId: uint256):
    extcall IEntityKeyRegistry(self.entityKeyRegistry).removePubkey(msg.sender, _marketId)


@internal
def _leave(prover: address, market_id: uint256):
    compute: uint256 = self.perMarket[prover][market_id].computePerRequestRequired
    self.registry[prover].sumOfComputeAllocations -= compute
    self.registry[prover].activeMarketplaces -= 1
    self.perMarket[prover][market_id] = empty(ProverInfoPerMarket)
    log ProverLeftMarketplace(prover=prover, marketId=market_id)


@internal
def _request_exit(market_id: uint256):
    st: uint8 = self.perMarket[msg.sender][market_id].state
    if st == NULL or st == REQUESTED_FOR_EXIT:
        raw_revert(method_id("OnlyValidProversCanRequestExit()"))
    self.perMarket[msg.sender][market_id].state = REQUESTED_FOR_EXIT
    log ProverRequestedMarketplaceExit(prover=msg.sender, marketId=market_id)
    if self.perMarket[msg.sender][market_id].activeRequests == 0:
        self._leave(msg.sender, market_id)


@external
def requestForExitMarketplace(_marketId: uint256):
    self._request_exit(_marketId)


@external
def requestForExitMarketplaces(_marketIds: DynArray[uint256, 256]):
    for m: uint256 in _marketIds:
        self._request_exit(m)


@internal
def _leave_marketplace(market_id: uint256):
    verifier: address = empty(address)
    prover_image: bytes32 = empty(bytes32)
    verifier, prover_image = self._market(market_id)
    if verifier == empty(address):
        raw_revert(method_id("InvalidMarket()"))
    info: ProverInfoPerMarket = self.perMarket[msg.sender][market_id]
    if info.state == NULL:
        raw_revert(method_id("InvalidProverStatePerMarket()"))
    if info.activeRequests != 0:
        raw_revert(method_id("CannotLeaveMarketWithActiveRequest()"))
    self._leave(msg.sender, market_id)


@external
def leaveMarketplace(_marketId: uint256):
    self._leave_marketplace(_marketId)


@external
def leaveMarketplaces(_marketIds: DynArray[uint256, 256]):
    for m: uint256 in _marketIds:
        self._leave_marketplace(m)


# ---------------------------------------------------------------- tasks (ProofMarketplace only)

@internal
@view
def _state(prover: address, market_id: uint256) -> (uint8, uint256):
    info: ProverInfoPerMarket = self.perMarket[prover][market_id]
    if info.state == NULL:
        return NULL, 0
    if info.state == REQUESTED_FOR_EXIT:
        return REQUESTED_FOR_EXIT, 0
    p: ProverInfo = self.registry[prover]
    capacity: uint256 = p.declaredCompute * p.intendedComputeUtilization // EXPONENT
    idle: uint256 = 0
    if capacity > p.computeConsumed:
        idle = capacity - p.computeConsumed
    if idle == 0:
        return NO_COMPUTE_AVAILABLE, 0
    if idle == p.declaredCompute:
        return JOINED, idle
    return WIP, idle


@external
def assignProverTask(_bidId: uint256, _proverAddress: address, _marketId: uint256):
    access.check(PROOF_MARKET_PLACE_ROLE, msg.sender)
    st: uint8 = NULL
    idle: uint256 = 0
    st, idle = self._state(_proverAddress, _marketId)
    if st != JOINED and st != WIP:
        raw_revert(method_id("AssignOnlyToIdleProvers()"))
    info: ProverInfoPerMarket = self.perMarket[_proverAddress][_marketId]
    if info.computePerRequestRequired > idle:
        raw_revert(method_id("InsufficientProverComputeAvailable()"))
    if info.activeRequests > PARALLEL_REQUESTS_UPPER_LIMIT:
        raw_revert(method_id("MaxParallelRequestsPerMarketExceeded()"))
    self.registry[_proverAddress].computeConsumed += info.computePerRequestRequired
    self.perMarket[_proverAddress][_marketId].activeRequests = info.activeRequests + 1
    extcall IStakingManager(self.stakingManager).onTaskAssignment(_bidId, _proverAddress)
    log ComputeLocked(prover=_proverAddress, computeLocked=info.computePerRequestRequired)


@internal
def _release(prover: address, market_id: uint256):
    st: uint8 = NULL
    idle: uint256 = 0
    st, idle = self._state(prover, market_id)
    if st == NULL or st == JOINED:
        raw_revert(method_id("OnlyWorkingProvers()"))
    info: ProverInfoPerMarket = self.perMarket[prover][market_id]
    self.registry[prover].computeConsumed -= info.computePerRequestRequired
    self.perMarket[prover][market_id].activeRequests = info.activeRequests - 1
    log ComputeReleased(prover=prover, computeReleased=info.computePerRequestRequired)


@external
def completeProverTask(_bidId: uint256, _proverAddress: address, _marketId: uint256, _feeReward: uint256):
    access.check(PROOF_MARKET_PLACE_ROLE, msg.sender)
    self._release(_proverAddress, _marketId)
    extcall IStakingManager(self.stakingManager).onTaskCompletion(_bidId, _proverAddress, _feeReward)


@external
def releaseProverCompute(_proverAddress: address, _marketId: uint256):
    access.check(PROOF_MARKET_PLACE_ROLE, msg.sender)
    self._release(_proverAddress, _marketId)


# ---------------------------------------------------------------- views

@external
@view
def proverRegistry(_prover: address) -> (address, uint256, uint256, uint256, uint256, uint256, Bytes[4096]):
    p: ProverInfo = self.registry[_prover]
    return (p.rewardAddress, p.sumOfComputeAllocations, p.computeConsumed, p.activeMarketplaces,
            p.declaredCompute, p.intendedComputeUtilization, p.proverData)


@external
@view
def proverInfoPerMarket(_prover: address, _marketId: uint256) -> (uint8, uint256, uint256, uint256, uint256, uint256):
    i: ProverInfoPerMarket = self.perMarket[_prover][_marketId]
    return i.state, i.computePerRequestRequired, i.commission, i.proofGenerationCost, i.proposedTime, i.activeRequests


@external
@view
def getProverState(_prover: address, _marketId: uint256) -> (uint8, uint256):
    return self._state(_prover, _marketId)


@external
@view
def getProverAssignmentDetails(_prover: address, _marketId: uint256) -> (uint256, uint256):
    i: ProverInfoPerMarket = self.perMarket[_prover][_marketId]
    return i.proofGenerationCost, i.proposedTime


@external
@view
def getProverRewardDetails(_prover: address, _marketId: uint256) -> (address, uint256):
    return self.registry[_prover].rewardAddress, self.perMarket[_prover][_marketId].proofGenerationCost


@external
@view
def getProverCommission(_marketId: uint256, _prover: address) -> uint256:
    return self.perMarket[_prover][_marketId].commission
