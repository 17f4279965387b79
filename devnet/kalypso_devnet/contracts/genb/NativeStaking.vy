# pragma version ~=0.4.3
"""Generation B NativeStaking look-alike (kalypso-contracts jung/initial-deploy
staking/l2_contracts/NativeStaking.sol): multi-token prover stake, timed withdrawals, a stake lock per
task chosen by token weight, unlock on completion, slashing routed by the StakingManager (spec §2.5,
§2.10, §3.3). Deployed directly; `initialize` is the deployer's one-time wiring call."""
from ..lib import access

initializes: access
exports: (access.hasRole, access.getRoleAdmin, access.supportsInterface, access.grantRole, access.revokeRole, access.renounceRole,
          access.DEFAULT_ADMIN_ROLE)

interface IERC20:
    def transfer(to: address, amount: uint256) -> bool: nonpayable
    def transferFrom(owner: address, to: address, amount: uint256) -> bool: nonpayable

struct WithdrawalRequest:
    stakeToken: address
    amount: uint256
    withdrawalTime: uint256

struct NativeStakingLock:
    token: address
    amount: uint256

struct SlashedTask:
    bidId: uint256
    prover: address
    rewardAddress: address

event Staked:
    account: indexed(address)
    prover: indexed(address)
    token: indexed(address)
    amount: uint256

event StakeWithdrawalRequested:
    account: indexed(address)
    prover: indexed(address)
    token: address
    index: indexed(uint256)
    amount: uint256

event StakeWithdrawn:
    account: indexed(address)
    prover: indexed(address)
    token: address
    index: indexed(uint256)
    amount: uint256

event StakeLocked:
    bidId: indexed(uint256)
    prover: indexed(address)
    token: indexed(address)
    amount: uint256

event StakeUnlocked:
    bidId: indexed(uint256)
    prover: indexed(address)
    token: indexed(address)
    amount: uint256

event TaskSlashed:
    bidId: indexed(uint256)
    prover: indexed(address)
    token: indexed(address)
    amount: uint256

event StakeTokenAdded:
    token: indexed(address)
    weight: uint256

event StakeTokenRemoved:
    token: indexed(address)

event StakeTokenSelectionWeightSet:
    token: indexed(address)
    weight: uint256

event AmountToLockSet:
    token: indexed(address)
    amount: uint256

event WithdrawalDurationSet:
    duration: uint256

event StakingManagerSet:
    stakingManager: indexed(address)

event FeeRewardTokenSet:
    token: indexed(address)

STAKING_MANAGER_ROLE: public(constant(bytes32)) = keccak256("STAKING_MANAGER_ROLE")
MAX_TOKENS: constant(uint256) = 8
MAX_WITHDRAWALS: constant(uint256) = 1024

stakingManager: public(address)
feeRewardToken: public(address)
rewardDistributor: public(address)
withdrawalDuration: public(uint256)
stakeTokens: DynArray[address, MAX_TOKENS]
stakeTokenSelectionWeight: public(HashMap[address, uint256])
stakeTokenSelectionWeightSum: public(uint256)
amountToLock: public(HashMap[address, uint256])
stakeAmounts: public(HashMap[address, HashMap[address, HashMap[address, uint256]]])   # token, account, prover
proverstakeAmounts: public(HashMap[address, HashMap[address, uint256]])                # token, prover
proverLockedAmounts: public(HashMap[address, HashMap[address, uint256]])               # token, prover
locks: HashMap[uint256, NativeStakingLock]
withdrawals: HashMap[address, HashMap[address, DynArray[WithdrawalRequest, MAX_WITHDRAWALS]]]
deployer: address
initialized: bool


@deploy
def __init__():
    self.deployer = msg.sender
    access.__init__(msg.sender)


@external
def initialize(_admin: address, _stakingManager: address, _withdrawalDuration: uint256, _feeToken: address):
    if self.initialized or msg.sender != self.deployer:
        raw_revert(method_id("InvalidInitialization()"))
    self.initialized = True
    access._grant(access.DEFAULT_ADMIN_ROLE, _admin)
    access._grant(STAKING_MANAGER_ROLE, _stakingManager)
    self.stakingManager = _stakingManager
    self.withdrawalDuration = _withdrawalDuration
    self.feeRewardToken = _feeToken
    log StakingManagerSet(stakingManager=_stakingManager)
    log WithdrawalDurationSet(duration=_withdrawalDuration)
    log FeeRewardTokenSet(token=_feeToken)


@internal
@view
def _supported(token: address) -> bool:
    return token in self.stakeTokens


# ---------------------------------------------------------------- staker

@external
def stake(_stakeToken: address, _prover: address, _amount: uint256):
    if not self._supported(_stakeToken):
        raw_revert(method_id("TokenNotSupported()"))
    if msg.sender != _prover:
        raw_revert(method_id("OnlyProverCanStake()"))
    extcall IERC20(_stakeToken).transferFrom(msg.sender, self, _amount)
    self.stakeAmounts[_stakeToken][msg.sender][_prover] += _amount
    self.proverstakeAmounts[_stakeToken][_prover] += _amount
    log Staked(account=msg.sender, prover=_prover, token=_stakeToken, amount=_amount)


@external
def requestStakeWithdrawal(_prover: address, _stakeToken: address, _amount: uint256):
    active: uint256 = self.proverstakeAmounts[_stakeToken][_prover] - self.proverLockedAmounts[_stakeToken][_prover]
    if active < _amount:
        raw_revert(method_id("InsufficientStakeAmount()"))
    if self.stakeAmounts[_stakeToken][msg.sender][_prover] < _amount:
        raw_revert(concat(method_id("Panic(uint256)"), convert(17, bytes32)))
    self.stakeAmounts[_stakeToken][msg.sender][_prover] -= _amount
    self.proverstakeAmounts[_stakeToken][_prover] -= _amount
    index: uint256 = len(self.withdrawals[msg.sender][_prover])
    self.withdrawals[msg.sender][_prover].append(WithdrawalRequest(
        stakeToken=_stakeToken, amount=_amount, withdrawalTime=block.timestamp + self.withdrawalDuration))
    log StakeWithdrawalRequested(account=msg.sender, prover=_prover, token=_stakeToken, index=index, amount=_amount)


@external
def withdrawStake(_prover: address, _index: DynArray[uint256, 256]):
    if msg.sender != _prover:
        raw_revert(method_id("OnlyProverCanWithdrawStake()"))
    if len(_index) == 0:
        raw_revert(method_id("InvalidIndexLength()"))
    for i: uint256 in _index:
        if i >= len(self.withdrawals[msg.sender][_prover]):
            raw_revert(concat(method_id("Panic(uint256)"), convert(50, bytes32)))
        req: WithdrawalRequest = self.withdrawals[msg.sender][_prover][i]
        if req.withdrawalTime > block.timestamp:
            raw_revert(method_id("WithdrawalTimeNotReached()"))
        if req.amount == 0:
            raw_revert(method_id("InvalidWithdrawalAmount()"))
        self.withdrawals[msg.sender][_prover][i].amount = 0
        extcall IERC20(req.stakeToken).transfer(msg.sender, req.amount)
        log StakeWithdrawn(account=msg.sender, prover=_prover, token=req.stakeToken, index=i, amount=req.amount)


# ---------------------------------------------------------------- StakingManager hooks

@internal
@view
def _select_token(bid_id: uint256, prover: address) -> address:
    """Weighted random choice among tokens with enough active stake (NativeStaking._selectStakeToken)."""
    if self.stakeTokenSelectionWeightSum == 0:
        raw_revert(concat(method_id("Error(string)"), abi_encode("Total weight must be greater than zero")))
    if len(self.stakeTokens) == 0:
        raw_revert(concat(method_id("Error(string)"), abi_encode("No tokens available")))
    eligible: DynArray[address, MAX_TOKENS] = []
    weights: uint256 = 0
    for t: address in self.stakeTokens:
        active: uint256 = self.proverstakeAmounts[t][prover] - self.proverLockedAmounts[t][prover]
        if active >= self.amountToLock[t] and self.stakeTokenSelectionWeight[t] > 0:
            eligible.append(t)
            weights += self.stakeTokenSelectionWeight[t]
    if len(eligible) == 0:
        raw_revert(method_id("NoStakeTokenAvailableToLock()"))
    pick: uint256 = convert(keccak256(abi_encode(block.timestamp, block.number, bid_id)), uint256) % weights
    for t: address in eligible:
        w: uint256 = self.stakeTokenSelectionWeight[t]
        if pick < w:
            return t
        pick -= w
    return eligible[len(eligible) - 1]


@external
def lockStake(_bidId: uint256, _prover: address):
    access.check(STAKING_MANAGER_ROLE, msg.sender)
    token: address = self._select_token(_bidId, _prover)
    amount: uint256 = self.amountToLock[token]
    self.proverLockedAmounts[token][_prover] += amount
    self.locks[_bidId] = NativeStakingLock(token=token, amount=amount)
    log StakeLocked(bidId=_bidId, prover=_prover, token=token, amount=amount)


@external
def onTaskCompletion(_bidId: uint256, _prover: address, _feeRewardAmount: uint256):
    access.check(STAKING_MANAGER_ROLE, msg.sender)
    lock: NativeStakingLock = self.locks[_bidId]
    if lock.token == empty(address):
        return
    self.proverLockedAmounts[lock.token][_prover] -= lock.amount
    self.locks[_bidId] = empty(NativeStakingLock)
    log StakeUnlocked(bidId=_bidId, prover=_prover, token=lock.token, amount=lock.amount)


@external
def slash(_slashedTasks: DynArray[SlashedTask, 256]):
    access.check(STAKING_MANAGER_ROLE, msg.sender)
    for t: SlashedTask in _slashedTasks:
        lock: NativeStakingLock = self.locks[t.bidId]
        if lock.token == empty(address):
            continue
        # As in kalypso-contracts NativeStaking.slash: the lock is released and the locked tokens are
        # paid out, but proverstakeAmounts/stakeAmounts are not reduced.
        self.proverLockedAmounts[lock.token][t.prover] -= lock.amount
        self.locks[t.bidId] = empty(NativeStakingLock)
        extcall IERC20(lock.token).transfer(t.rewardAddress, lock.amount)
        log TaskSlashed(bidId=t.bidId, prover=t.prover, token=lock.token, amount=lock.amount)


# ---------------------------------------------------------------- admin

@external
def addStakeToken(_token: address, _weight: uint256):
    access.check(access.DEFAULT_ADMIN_ROLE, msg.sender)
    if _token == empty(address):
        raw_revert(method_id("ZeroTokenAddress()"))
    if self._supported(_token):
        raw_revert(method_id("TokenAlreadyExists()"))
    self.stakeTokens.append(_token)
    self.stakeTokenSelectionWeight[_token] = _weight
    self.stakeTokenSelectionWeightSum += _weight
    log StakeTokenAdded(token=_token, weight=_weight)


@external
def removeStakeToken(_token: address):
    access.check(access.DEFAULT_ADMIN_ROLE, msg.sender)
    if not self._supported(_token):
        raw_revert(method_id("TokenDoesNotExist()"))
    kept: DynArray[address, MAX_TOKENS] = []
    for t: address in self.stakeTokens:
        if t != _token:
            kept.append(t)
    self.stakeTokens = kept
    self.stakeTokenSelectionWeightSum -= self.stakeTokenSelectionWeight[_token]
    self.stakeTokenSelectionWeight[_token] = 0
    log StakeTokenRemoved(token=_token)


@external
def setStakeTokenSelectionWeight(_token: address, _weight: uint256):
    access.check(access.DEFAULT_ADMIN_ROLE, msg.sender)
    self.stakeTokenSelectionWeightSum = self.stakeTokenSelectionWeightSum - self.stakeTokenSelectionWeight[_token] + _weight
    self.stakeTokenSelectionWeight[_token] = _weight
    log StakeTokenSelectionWeightSet(token=_token, weight=_weight)


@external
def setStakeAmountToLock(_token: address, _amount: uint256):
    access.check(access.DEFAULT_ADMIN_ROLE, msg.sender)
    self.amountToLock[_token] = _amount
    log AmountToLockSet(token=_token, amount=_amount)


@external
def setWithdrawalDuration(_duration: uint256):
    access.check(access.DEFAULT_ADMIN_ROLE, msg.sender)
    self.withdrawalDuration = _duration
    log WithdrawalDurationSet(duration=_duration)


@external
def setStakingManager(_stakingManager: address):
    access.check(access.DEFAULT_ADMIN_ROLE, msg.sender)
    self.stakingManager = _stakingManager
    access._grant(STAKING_MANAGER_ROLE, _stakingManager)
    log StakingManagerSet(stakingManager=_stakingManager)


@external
def setFeeRewardToken(_token: address):
    access.check(access.DEFAULT_ADMIN_ROLE, msg.sender)
    self.feeRewardToken = _token
    log FeeRewardTokenSet(token=_token)


# ---------------------------------------------------------------- views

@external
@view
def getStakeTokenList() -> DynArray[address, MAX_TOKENS]:
    return self.stakeTokens


@external
@view
def getStakeTokenWeights() -> (DynArray[address, MAX_TOKENS], DynArray[uint256, MAX_TOKENS]):
    w: DynArray[uint256, MAX_TOKENS] = []
    for t: address in self.stakeTokens:
        w.append(self.stakeTokenSelectionWeight[t])
    return self.stakeTokens, w


@external
@view
def isSupportedStakeToken(_stakeToken: address) -> bool:
    return self._supported(_stakeToken)


@external
@view
def getProverStakeAmount(_stakeToken: address, _prover: address) -> uint256:
    return self.proverstakeAmounts[_stakeToken][_prover]


@external
@view
def getProverLockedAmount(_stakeToken: address, _prover: address) -> uint256:
    return self.proverLockedAmounts[_stakeToken][_prover]


@external
@view
def getProverActiveStakeAmount(_stakeToken: address, _prover: address) -> uint256:
    return self.proverstakeAmounts[_stakeToken][_prover] - self.proverLockedAmounts[_stakeToken][_prover]


@external
@view
def getStakeAmount(_stakeToken: address, _account: address, _prover: address) -> uint256:
    return self.stakeAmounts[_stakeToken][_account][_prover]


@external
@view
def withdrawalRequests(account: address, prover: address, index: uint256) -> (address, uint256, uint256):
    if index >= len(self.withdrawals[account][prover]):
        raw_revert(concat(method_id("Panic(uint256)"), convert(50, bytes32)))
    r: WithdrawalRequest = self.withdrawals[account][prover][index]
    return r.stakeToken, r.amount, r.withdrawalTime


@external
@view
def lockInfo(bi: uint256) -> (address, uint256):
    l: NativeStakingLock = self.locks[bi]
    return l.token, l.amount
