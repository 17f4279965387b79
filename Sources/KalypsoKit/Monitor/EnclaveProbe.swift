import Foundation

/// Asks whether an enclave's control API answers at all: any HTTP status means the process is there.
public struct EnclaveProbe: Sendable {
    public let url: URL
    public let timeout: Duration
    let transport: any EnclaveTransport

    public init(
        url: URL, timeout: Duration = .seconds(5), transport: any EnclaveTransport = URLSessionEnclaveTransport()
    ) {
        self.url = url
        self.timeout = timeout
        self.transport = transport
    }

    public func check() async -> EnclaveReachability {
        do {
            _ = try await transport.send(EnclaveRequest(method: "GET", url: url, timeout: timeout))
            return .up
        } catch {
            return .down(Self.words(error))
        }
    }

    static func words(_ failure: EnclaveTransportFailure) -> String {
        switch failure {
        case .unreachable(let why): why
        case .timedOut: "no answer in time"
        case .dropped: "the connection dropped"
        case .other(let what): what
        }
    }
}
