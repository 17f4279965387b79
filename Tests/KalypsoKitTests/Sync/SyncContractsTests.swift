import EthereumKit
import KalypsoKit
import Testing

/// The events the sync subscribes to, checked against the topic0 values printed in spec §3.4/§3.5 (not
/// computed by our Keccak).
@Suite struct SyncContractsTests {
    static let a = address(0xa1)
    static let b = address(0xa2)
    static let c = address(0xa3)

    static func address(_ last: UInt8) -> Address {
        Address(bytes: [UInt8](repeating: 0, count: 19) + [last]) ?? .zero
    }

    func topics(_ generation: Generation) throws -> Set<String> {
        let contracts = try SyncContracts(
            generation: generation, addresses: [.proofMarketplace: Self.a, .registry: Self.b, .nativeStaking: Self.c])
        return Set(contracts.topic0s.map { Hex.encode($0) })
    }

    @Test func generationAIndexesBothAskCreatedVariantsAndStakeSlashed() throws {
        let t = try topics(.a)
        for spec in [
            "0x7bbfce65358c44b598a1ee0eef063ce14de02516385794f6b60eea5523a936e4",  // AskCreated (SDK, 4 fields)
            "0xca872f71caf10cdbbd1dd22412d01d415ef80130c7e50bdb8cd6951a08336241",  // AskCreated (+ extraData)
            "0x83f5ea8bea7627d95274e94dd7e9e3d7e82cb55feab513ed49e325232dcc61e0",  // StakeSlashed (not in SDK ABI)
            "0x7a7cd41cad5f3cccfdce48df720845b6fe8167853b27ba031d9998e205eb1dd9",  // TaskCreated
            "0x8fdd7861980427960f437910d20b78be375036b31f97ef22a8040f20e45d2ba2",  // ProofCreated
            "0xd6d7f837b68ae96af476f0447bbe4be060b20642ebdf470854f701ca5d8f5efb",  // ProofNotGenerated
            "0x5ab6d218303bd8dc01c2c5e812dcbbadcfc2eb5b1fb91111e0b0ae87888ac568",  // AskCancelled
            "0xb6be23168506a1ce62cc6f93339f6710e0984465170ab52df8ecf7da38b34584",  // AddedStake
            "0xed2edc6e71beb933f1e0c8ccfdf845258f3710d66c3674ac50f390082463f7f0",  // StakeLockImposed
            "0x0459ab575508b4a5894f7b1387bf362d03213b3bf831da4526218c33e4a906d8",  // JoinedMarketplace
            "0x831cd5b7538380b0a2a31414d634ec427116075684a276828ab4d27574a2dfdf",  // LeftMarketplace
            "0xb85a3e794f475ed5e4037dc5f2d5c328c8d54e0c1a4ca55363829015e6c70c89",  // MarketplaceCreated
        ] {
            #expect(t.contains(spec), "Gen A sync misses \(spec)")
        }
        #expect(!t.contains("0xf222d36ae5a3a66b4c2d77a903fa7d0fe547cfef21e5b1355d7e832853c36d9e"))  // BidCreated is B
    }

    @Test func generationBIndexesBidsStakingAndFees() throws {
        let t = try topics(.b)
        for spec in [
            "0xf222d36ae5a3a66b4c2d77a903fa7d0fe547cfef21e5b1355d7e832853c36d9e",  // BidCreated
            "0xc1546e394b1975212fe013e7e6995653585f44e568c407d1157483f7d4b94581",  // BidCancelled
            "0x9aec4685d7fd2c265644555f1548ddf3e2f52b371783dbea9966d527331d82ae",  // ProverFeeRewardAdded
            "0x56acd9aa46831cf3e803c89a60eeca22e70d8dd3233bcb1f9e489339340ca001",  // StakeLocked
            "0xb8ec72f7c34548fbb7d0e88d93f2aa1e8c3711177986b4d5bc0dabf5868ca1ab",  // StakeUnlocked
            "0x669a37339ac99ec7d585d2fcdeb92f72bdff711b6f5470443d94c9ef434d0662",  // TaskSlashed
            "0x6e613e504dcbe267f60e295b08e0a211b63db8690d660e5ed4f864d409bb6620",  // Staked
            "0xfc2954f2dc6af3905d784ba1ba1a51f25b8290fa0867ff353b2e7156850c467d",  // StakeWithdrawalRequested
            "0x3ac2adbfebb356d2702a234df3bdfd76f2888a00296346c57f6f37aea74f46a9",  // StakeWithdrawn
            "0x0ee40d7021b385c7fa2b17543fbf9844c419ff072851d9c79e3bc49e65721f6c",  // ProverJoinedMarketplace
            "0x7211f0076961eda27e8aba7bf05a51f498c006ea04e9f351bf1dddab0912546c",  // ProverLeftMarketplace
            "0xc8d7f72675605d8f61297b6938a641c3ed3d58a1bd5e24d9fee3261189f581ed",  // MarketMetadataUpdated
            "0x7a7cd41cad5f3cccfdce48df720845b6fe8167853b27ba031d9998e205eb1dd9",  // TaskCreated
        ] {
            #expect(t.contains(spec), "Gen B sync misses \(spec)")
        }
        #expect(!t.contains("0x7bbfce65358c44b598a1ee0eef063ce14de02516385794f6b60eea5523a936e4"))  // AskCreated is A
    }

    @Test func oneLogFilterCoversEveryIndexedContract() throws {
        let contracts = try SyncContracts(
            generation: .b, addresses: [.proofMarketplace: Self.a, .registry: Self.b, .nativeStaking: Self.c])
        #expect(Set(contracts.logAddresses) == [Self.a, Self.b, Self.c])
    }
}
