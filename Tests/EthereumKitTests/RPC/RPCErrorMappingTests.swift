import Basics
import Foundation
import Testing

@testable import EthereumKit

/// Node messages → operator errors. The messages are geth's own (core/txpool/errors.go, core/error.go,
/// rpc/errors.go) and those of hosted providers (Infura/Alchemy -32005 shapes).
struct RPCErrorMappingTests {
    func mapped(_ code: Int, _ message: String, data: RPCValue? = nil, method: String = "eth_sendRawTransaction")
        -> RPCError
    {
        RPCError.fromNode(
            method: method, endpoint: "https://node", code: code, message: message, data: data, decoder: nil)
    }

    @Test(arguments: [
        (
            -32000, "nonce too low: address 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266, tx: 3 state: 5",
            ErrorCode.rpcNonceTooLow
        ),
        (-32000, "nonce too high", .rpcNonceTooHigh),
        (-32000, "replacement transaction underpriced", .rpcReplacementUnderpriced),
        (-32000, "insufficient funds for gas * price + value: address 0x1 have 0 want 21000", .rpcInsufficientFunds),
        (-32000, "intrinsic gas too low: have 20000, want 21000", .rpcIntrinsicGasTooLow),
        (-32000, "already known", .rpcAlreadyKnown),
        (-32000, "transaction underpriced: tip needed 1, tip permitted 0", .rpcFeeTooLow),
        (-32000, "max fee per gas less than block base fee: address 0x1, maxFeePerGas: 1, baseFee: 7", .rpcFeeTooLow),
        (-32601, "the method eth_foo does not exist/is not available", .rpcMethodNotFound),
        (-32005, "daily request count exceeded, request rate limited", .rpcRateLimited),
        (-32005, "query returned more than 10000 results", .rpcLogQueryTooLarge),
        (-32005, "query exceeds max block range 10000", .rpcLogQueryTooLarge),
        (-32602, "invalid argument 0: hex string has length 3, want 40 for common.Address", .rpcInvalidParams),
        (-32603, "internal error", .rpcNodeError),
    ])
    func nodeMessages(code: Int, message: String, expected: ErrorCode) {
        let e = mapped(code, message)
        #expect(e.code == expected)
        #expect(e.rpcCode == code)
        #expect(e.detail.contains(message))
        #expect(!e.hint.isEmpty)
    }

    @Test func categoriesAndRetryability() {
        #expect(mapped(-32000, "nonce too low").category == .refused)
        #expect(mapped(-32000, "nonce too low").isRetryable == false)
        #expect(mapped(-32005, "rate limited").isRetryable == true)
        #expect(mapped(-32005, "rate limited").category == .unreachable)
        #expect(mapped(-32601, "Method not found").category == .configuration)
        #expect(mapped(-32603, "internal error").isRetryable == true)
    }

    @Test func revertShapes() {
        // geth: code 3 with data.
        let geth = mapped(
            3, "execution reverted",
            data: .string("0x4e487b710000000000000000000000000000000000000000000000000000000000000032"),
            method: "eth_call")
        #expect(geth.code == .rpcReverted)
        #expect(geth.revert?.reason == .panic(code: 0x32))
        #expect(geth.title == "The contract would refuse this call")
        // geth without data.
        let bare = mapped(-32000, "execution reverted", method: "eth_call")
        #expect(bare.revert?.reason == .empty)
        #expect(bare.revert?.data == [])
        // Hardhat/Ganache nest the data.
        let nested = mapped(
            -32603, "Error: VM Exception while processing transaction: reverted with panic code 0x11",
            data: .object([
                "message": .string("x"),
                "data": .string("0x4e487b710000000000000000000000000000000000000000000000000000000000000011"),
            ]),
            method: "eth_call")
        #expect(nested.revert?.reason == .panic(code: 0x11))
        // A reason only in words.
        let words = mapped(-32000, "execution reverted: Ownable: caller is not the owner", method: "eth_estimateGas")
        #expect(words.revert?.reason == .message("Ownable: caller is not the owner"))
    }

    @Test func injectedDecoderNamesCustomErrorsAndHints() throws {
        struct Decoder: RevertDecoding {
            let registry: ABIErrorRegistry
            func decodeRevert(_ data: [UInt8]) -> ABIRevertReason { registry.decodeRevert(data) }
            func hint(for reason: ABIRevertReason) -> String? {
                reason.name == "NoRewardToClaim" ? "nothing to claim" : nil
            }
        }
        let e = ABICustomError(name: "NoRewardToClaim", inputs: [])
        var registry = ABIErrorRegistry()
        registry.register(e)
        let error = RPCError.fromNode(
            method: "eth_call", endpoint: "http://n", code: 3, message: "execution reverted",
            data: .string(Hex.encode(e.selector)), decoder: Decoder(registry: registry))
        #expect(error.revert?.reason.name == "NoRewardToClaim")
        #expect(error.hint == "nothing to claim")
        #expect(e.selector == [0x5a, 0xa9, 0x18, 0x4d])  // spec §2.11: NoRewardToClaim 0x5aa9184d
    }

    @Test func urlsInMessagesAreRedacted() {
        let e = RPCError(
            code: .rpcNodeError, method: "eth_call",
            endpoint: "https://arb-mainnet.g.alchemy.com/v2/abcDEF1234567890ghijKLMN",
            message:
                "upstream https://user:pa55word@rpc.example/v3/9aa3d95b3bc440fa88ea12eaa4456161 failed for 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
        )
        let text = e.title + e.detail + e.hint
        #expect(!text.contains("abcDEF1234567890ghijKLMN"))
        #expect(!text.contains("pa55word"))
        #expect(!text.contains("9aa3d95b3bc440fa88ea12eaa4456161"))
        // Addresses and hashes stay readable.
        #expect(text.contains("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"))
        #expect(text.contains("arb-mainnet.g.alchemy.com"))
    }

    @Test func retryAfterHeaderForms() {
        #expect(HTTPRPCTransport.retryAfter("3") == .seconds(3))
        #expect(HTTPRPCTransport.retryAfter("  0 ") == .seconds(0))
        let now = Date(timeIntervalSince1970: 1_445_412_470)  // Wed, 21 Oct 2015 07:27:50 GMT
        #expect(HTTPRPCTransport.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == .seconds(10))
        #expect(HTTPRPCTransport.retryAfter("soon") == nil)
    }
}
