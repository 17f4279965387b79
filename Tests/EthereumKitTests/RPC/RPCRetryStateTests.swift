import Basics
import Testing

@testable import EthereumKit

/// The retry lifecycle as a value: failures in, next step out.
struct RPCRetryStateTests {
    static let policy = RPCRetryPolicy(
        maxAttempts: 4, initialBackoff: .milliseconds(200), maxBackoff: .seconds(1), multiplier: 2,
        maxRetryAfter: .seconds(10))

    func error(_ code: ErrorCodeName, retryAfter: Duration? = nil, status: Int? = nil) -> RPCError {
        RPCError(
            code: code.code, method: "eth_call", endpoint: "http://x", message: "m", httpStatus: status,
            retryAfter: retryAfter)
    }

    enum ErrorCodeName {
        case unreachable, timeout, rateLimited, reverted, http(Int)
        var code: ErrorCode {
            switch self {
            case .unreachable: return .rpcUnreachable
            case .timeout: return .rpcTimeout
            case .rateLimited: return .rpcRateLimited
            case .reverted: return .rpcReverted
            case .http: return .rpcHTTPStatus
            }
        }
    }

    @Test func readsBackOffExponentiallyWithJitterThenGiveUp() {
        var s = RPCRetryState(policy: Self.policy, endpointCount: 1, firstEndpoint: 0, isWrite: false)
        // jitter 1 → the full backoff; 0 → half of it.
        #expect(
            s.failed(error(.timeout), requestSent: true, remaining: .seconds(30), jitter: 1)
                == .retry(endpoint: 0, delay: .milliseconds(200)))
        #expect(
            s.failed(error(.timeout), requestSent: true, remaining: .seconds(30), jitter: 0)
                == .retry(endpoint: 0, delay: .milliseconds(200)))
        #expect(
            s.failed(error(.timeout), requestSent: true, remaining: .seconds(30), jitter: 1)
                == .retry(endpoint: 0, delay: .milliseconds(800)))
        #expect(s.failed(error(.timeout), requestSent: true, remaining: .seconds(30), jitter: 1) == .fail)
        #expect(s.attempts == 4)
    }

    @Test func backoffIsCapped() {
        let s = RPCRetryState(policy: Self.policy, endpointCount: 1, firstEndpoint: 0, isWrite: false)
        #expect(s.backoff(round: 10, jitter: 1) == .seconds(1))
        #expect(s.backoff(round: 10, jitter: 0) == .milliseconds(500))
    }

    @Test func nonRetryableErrorsFailAtOnce() {
        var s = RPCRetryState(policy: Self.policy, endpointCount: 2, firstEndpoint: 0, isWrite: false)
        #expect(s.failed(error(.reverted), requestSent: true, remaining: .seconds(30), jitter: 1) == .fail)
        var h = RPCRetryState(policy: Self.policy, endpointCount: 1, firstEndpoint: 0, isWrite: false)
        #expect(
            h.failed(error(.http(404), status: 404), requestSent: true, remaining: .seconds(30), jitter: 1) == .fail)
        var five = RPCRetryState(policy: Self.policy, endpointCount: 1, firstEndpoint: 0, isWrite: false)
        #expect(
            five.failed(error(.http(503), status: 503), requestSent: true, remaining: .seconds(30), jitter: 1) != .fail)
    }

    @Test func failoverGoesToTheNextURLAtOnceThenBacksOff() {
        var s = RPCRetryState(policy: Self.policy, endpointCount: 3, firstEndpoint: 1, isWrite: false)
        #expect(
            s.failed(error(.unreachable), requestSent: false, remaining: .seconds(30), jitter: 1)
                == .retry(endpoint: 2, delay: .zero))
        #expect(
            s.failed(error(.unreachable), requestSent: false, remaining: .seconds(30), jitter: 1)
                == .retry(endpoint: 0, delay: .zero))
        // Every URL failed once: now wait before going round again.
        #expect(
            s.failed(error(.unreachable), requestSent: false, remaining: .seconds(30), jitter: 1)
                == .retry(endpoint: 1, delay: .milliseconds(200)))
    }

    @Test func retryAfterIsHonouredOrReported() {
        var s = RPCRetryState(policy: Self.policy, endpointCount: 1, firstEndpoint: 0, isWrite: false)
        #expect(
            s.failed(
                error(.rateLimited, retryAfter: .seconds(3)), requestSent: true, remaining: .seconds(30), jitter: 1)
                == .retry(endpoint: 0, delay: .seconds(3)))
        var t = RPCRetryState(policy: Self.policy, endpointCount: 1, firstEndpoint: 0, isWrite: false)
        #expect(
            t.failed(
                error(.rateLimited, retryAfter: .seconds(11)), requestSent: true, remaining: .seconds(30), jitter: 1)
                == .fail)
        var u = RPCRetryState(policy: Self.policy, endpointCount: 1, firstEndpoint: 0, isWrite: false)
        #expect(
            u.failed(error(.rateLimited, retryAfter: .seconds(5)), requestSent: true, remaining: .seconds(4), jitter: 1)
                == .fail)
    }

    @Test func writesMoveOnOnlyWhenTheRequestNeverLeft() {
        var sent = RPCRetryState(policy: Self.policy, endpointCount: 2, firstEndpoint: 0, isWrite: true)
        #expect(sent.failed(error(.timeout), requestSent: true, remaining: .seconds(30), jitter: 1) == .fail)
        var lost = RPCRetryState(policy: Self.policy, endpointCount: 2, firstEndpoint: 0, isWrite: true)
        #expect(lost.failed(error(.unreachable), requestSent: true, remaining: .seconds(30), jitter: 1) == .fail)
        var refused = RPCRetryState(policy: Self.policy, endpointCount: 2, firstEndpoint: 0, isWrite: true)
        #expect(
            refused.failed(error(.unreachable), requestSent: false, remaining: .seconds(30), jitter: 1)
                == .retry(endpoint: 1, delay: .zero))
        // Each URL once, never round again.
        #expect(refused.failed(error(.unreachable), requestSent: false, remaining: .seconds(30), jitter: 1) == .fail)
        var single = RPCRetryState(policy: Self.policy, endpointCount: 1, firstEndpoint: 0, isWrite: true)
        #expect(single.failed(error(.unreachable), requestSent: false, remaining: .seconds(30), jitter: 1) == .fail)
        var limited = RPCRetryState(policy: Self.policy, endpointCount: 2, firstEndpoint: 0, isWrite: true)
        #expect(limited.failed(error(.rateLimited), requestSent: true, remaining: .seconds(30), jitter: 1) == .fail)
    }
}
