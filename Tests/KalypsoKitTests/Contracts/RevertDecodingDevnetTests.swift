import EthereumKit
import Foundation
import KalypsoKit
import TestSupport
import Testing

/// Reverts of the Generation B look-alike contracts, read through the JSON-RPC client with the bundled
/// Kalypso ABIs injected: the custom error arrives named, with its arguments and the spec's hint.
@Suite(.serialized)
struct RevertDecodingDevnetTests {
    static let devnet = SharedDevnet { try await DevnetNetwork.start(generation: "B", seed: false) }

    /// Dev account #1, the devnet's operator (anvil/hardhat "test … junk" mnemonic).
    static let operatorAddress = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"

    func client(_ network: DevnetNetwork) throws -> JSONRPCClient {
        let transport = try #require(HTTPRPCTransport(network.rpcURL))
        return JSONRPCClient(
            transports: [transport], options: JSONRPCClientOptions(expectedChainId: network.chainId),
            revertDecoder: try KalypsoErrors.bundled())
    }

    @Test func customErrorWithoutArgumentsAndItsHint() async throws {
        let network = try await Self.devnet.get()
        #expect(network.operatorAddress == Self.operatorAddress)
        let marketplace = try Address(try network.contract("proofMarketplace"))
        // claimProverFeeReward() = 0x7587de01 (abi/selectors.md); nothing is claimable on a fresh network.
        let request = RPCCallRequest(
            from: try Address(Self.operatorAddress), to: marketplace, data: try Hex.decode("0x7587de01"))
        let error = await revert { try await client(network).call(request) }
        #expect(error?.code == .rpcReverted)
        #expect(error?.revert?.reason.name == "NoRewardToClaim")
        #expect(error?.hint.contains("nothing to claim") == true)
        #expect(error?.category == .refused)
    }

    @Test func customErrorWithArguments() async throws {
        let network = try await Self.devnet.get()
        let marketplace = try Address(try network.contract("proofMarketplace"))
        // pause() = 0x8456cb59 needs UPDATER_ROLE, which the operator lacks.
        let request = RPCCallRequest(
            from: try Address(Self.operatorAddress), to: marketplace, data: try Hex.decode("0x8456cb59"))
        let error = await revert { try await client(network).estimateGas(request) }
        guard case .custom(let decoded, let values)? = error?.revert?.reason else {
            Issue.record("not a custom error: \(String(describing: error))")
            return
        }
        #expect(decoded.signature == "AccessControlUnauthorizedAccount(address,bytes32)")
        // keccak256("UPDATER_ROLE"), from eth_utils.
        let role = try Hex.decode("0x73e573f9566d61418a34d5de3ff49360f9c51fec37f7486551670290f6285dab")
        #expect(values.values == [.address(try Address(Self.operatorAddress)), .fixedBytes(role)])
        #expect(error?.detail.contains("AccessControlUnauthorizedAccount") == true)
    }

    @Test func unknownMarketPanicsWithTheSpecsHint() async throws {
        let network = try await Self.devnet.get()
        let marketplace = try Address(try network.contract("proofMarketplace"))
        // marketData(uint256) of market 999: Gen B panics 0x32 (spec §9 item 13).
        let data =
            Array(Keccak256.hash(utf8: "marketData(uint256)").prefix(4)) + [UInt8](repeating: 0, count: 30)
            + [0x03, 0xe7]
        let error = await revert { try await client(network).call(RPCCallRequest(to: marketplace, data: data)) }
        #expect(error?.revert?.reason == .panic(code: 0x32))
        #expect(error?.hint.contains("market ids start at 1") == true)
    }

    func revert<T>(_ body: () async throws -> T) async -> RPCError? {
        do {
            let value = try await body()
            Issue.record("expected a revert, got \(value)")
        } catch let error as RPCError {
            return error
        } catch {
            Issue.record("expected an RPCError, got \(error)")
        }
        return nil
    }
}
