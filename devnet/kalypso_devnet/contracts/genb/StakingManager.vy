# pragma version ~=0.4.3
"""Generation B StakingManager look-alike (kalypso-contracts jung/initial-deploy
staking/l2_contracts/StakingManager.sol): the pool registry the dashboard reads (isEnabledPool,
getPoolConfig, feeToken, symbioticStaking, proofMarketplace) and the router of task locks, unlocks and
slash results to the enabled pools. SymbioticStaking is not deployed on the devnet (symbioticStaking()
is the zero address); SYMBIOTIC_STAKING_ROLE holders (the devnet admin, standing in for the Symbiotic
slash-result transmitter) submit slash results."""
from ..lib import access

initializes: access
exports: (access.hasRole, access.getRoleAdmin, access.supportsInterface, access.grantRole, access.revokeRole, access.renounceRole,
          access.DEFAULT_ADMIN_ROLE)

struct PoolConfig:
    share: uint256
    enabled: bool

struct SlashedTask:
    bidId: uint256
    prover: address
    rewardAddress: address

interface IProofMarketplace:
    def refundFees(bidIds: DynArray[uint256, 256]): nonpayable

interface IStakingPool:
    def lockStake(bidId: uint256, prover: address): nonpayable
    def onTaskCompletion(bidId: uint256, prover: address, feeRewardAmount: uint256): nonpayable
    def slash(tasks: DynArray[SlashedTask, 256]): nonpayable

event StakingPoolAdded:
    pool: indexed(address)

event StakingPoolRemoved:
    pool: indexed(address)

event PoolEnabledSet:
    pool: indexed(address)
    enabled: bool

event PoolRewardShareSet:
    pool: indexed(address)
    share: uint256

event ProofMarketplaceSet:
    proofMarketplace: indexed(address)

event SymbioticStakingSet:
    symbioticStaking: indexed(address)

event FeeTokenSet:
    feeToken: indexed(address)

PROVER_MANAGER_ROLE: public(constant(bytes32)) = keccak256("PROVER_MANAGER_ROLE")
SYMBIOTIC_STAKING_ROLE: public(constant(bytes32)) = keccak256("SYMBIOTIC_STAKING_ROLE")
MAX_POOLS: constant(uint256) = 4

proofMarketplace: public(address)
symbioticStaking: public(address)
feeToken: public(address)
pools: DynArray[address, MAX_POOLS]
config: HashMap[address, PoolConfig]
deployer: address
initialized: bool


@deploy
def __init__():
    self.deployer = msg.sender
    access.__init__(msg.sender)


@external
def initialize(_admin: address, _proofMarketplace: address, _symbioticStaking: address, _feeToken: address):
    if self.initialized or msg.sender != self.deployer:
        raw_revert(method_id("InvalidInitialization()"))
    self.initialized = True
    access._grant(access.DEFAULT_ADMIN_ROLE, _admin)
    self.proofMarketplace = _proofMarketplace
    self.symbioticStaking = _symbioticStaking
    self.feeToken = _feeToken
    if _symbioticStaking != empty(address):
        access._grant(SYMBIOTIC_STAKING_ROLE, _symbioticStaking)
    log ProofMarketplaceSet(proofMarketplace=_proofMarketplace)
    log SymbioticStakingSet(symbioticStaking=_symbioticStaking)
    log FeeTokenSet(feeToken=_feeToken)


@external
def onTaskAssignment(_bidId: uint256, _prover: address):
    access.check(PROVER_MANAGER_ROLE, msg.sender)
    for p: address in self.pools:
        if self.config[p].enabled:
            extcall IStakingPool(p).lockStake(_bidId, _prover)


@external
def onTaskCompletion(_bidId: uint256, _prover: address, _feeRewardAmount: uint256):
    access.check(PROVER_MANAGER_ROLE, msg.sender)
    for p: address in self.pools:
        if self.config[p].enabled:
            extcall IStakingPool(p).onTaskCompletion(_bidId, _prover, _feeRewardAmount * self.config[p].share // 10**18)


@external
def onSlashResultSubmission(_tasksSlashed: DynArray[SlashedTask, 256]):
    """The real contract also requires msg.sender to be a registered pool (SymbioticStaking); on the
    devnet the SYMBIOTIC_STAKING_ROLE holder (the admin) submits directly."""
    access.check(SYMBIOTIC_STAKING_ROLE, msg.sender)
    bid_ids: DynArray[uint256, 256] = []
    for t: SlashedTask in _tasksSlashed:
        bid_ids.append(t.bidId)
    # refunds the requesters; already refunded bids are skipped
    extcall IProofMarketplace(self.proofMarketplace).refundFees(bid_ids)
    for p: address in self.pools:
        extcall IStakingPool(p).slash(_tasksSlashed)


@external
def addStakingPool(_stakingPool: address):
    access.check(access.DEFAULT_ADMIN_ROLE, msg.sender)
    if _stakingPool in self.pools:
        raw_revert(method_id("PoolAlreadyExists()"))
    self.pools.append(_stakingPool)
    log StakingPoolAdded(pool=_stakingPool)


@external
def removeStakingPool(_stakingPool: address):
    access.check(access.DEFAULT_ADMIN_ROLE, msg.sender)
    if _stakingPool not in self.pools:
        raw_revert(method_id("InvalidPool()"))
    kept: DynArray[address, MAX_POOLS] = []
    for p: address in self.pools:
        if p != _stakingPool:
            kept.append(p)
    self.pools = kept
    self.config[_stakingPool] = empty(PoolConfig)
    log StakingPoolRemoved(pool=_stakingPool)


@external
def setEnabledPool(_pool: address, _enabled: bool):
    access.check(access.DEFAULT_ADMIN_ROLE, msg.sender)
    if _pool not in self.pools:
        raw_revert(method_id("InvalidPool()"))
    self.config[_pool].enabled = _enabled
    log PoolEnabledSet(pool=_pool, enabled=_enabled)


@external
def setPoolRewardShare(_pools: DynArray[address, MAX_POOLS], _shares: DynArray[uint256, MAX_POOLS]):
    access.check(access.DEFAULT_ADMIN_ROLE, msg.sender)
    if len(_pools) != len(_shares) or len(_pools) != len(self.pools):
        raw_revert(method_id("InvalidLength()"))
    total: uint256 = 0
    for i: uint256 in range(MAX_POOLS):
        if i >= len(_pools):
            break
        if _pools[i] not in self.pools:
            raw_revert(method_id("InvalidPool()"))
        self.config[_pools[i]].share = _shares[i]
        total += _shares[i]
        log PoolRewardShareSet(pool=_pools[i], share=_shares[i])
    if total != 10**18:
        raw_revert(method_id("InvalidShares()"))


@external
def setProofMarketplace(_proofMarketplace: address):
    access.check(access.DEFAULT_ADMIN_ROLE, msg.sender)
    self.proofMarketplace = _proofMarketplace
    log ProofMarketplaceSet(proofMarketplace=_proofMarketplace)


@external
def setSymbioticStaking(_symbioticStaking: address):
    access.check(access.DEFAULT_ADMIN_ROLE, msg.sender)
    self.symbioticStaking = _symbioticStaking
    log SymbioticStakingSet(symbioticStaking=_symbioticStaking)


@external
def setFeeToken(_feeToken: address):
    access.check(access.DEFAULT_ADMIN_ROLE, msg.sender)
    if _feeToken == empty(address):
        raw_revert(method_id("InvalidFeeToken()"))
    self.feeToken = _feeToken
    log FeeTokenSet(feeToken=_feeToken)


@external
@view
def isEnabledPool(_pool: address) -> bool:
    return self.config[_pool].enabled


@external
@view
def getPoolConfig(_pool: address) -> PoolConfig:
    return self.config[_pool]
