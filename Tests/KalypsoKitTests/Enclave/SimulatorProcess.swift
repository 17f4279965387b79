import Foundation
import TestSupport

@testable import KalypsoKit

#if canImport(Glibc)
    import Glibc
#endif

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

struct SimulatorStartError: Error, CustomStringConvertible {
    let description: String
}

/// A background devnet process (the enclave simulator or the JSON-RPC node) started through TestSupport's
/// `runProcess` (clean signal mask, PLATFORM-NOTES gotcha 1). A watchdog shell kills it when this test process
/// ends, so a crashed test leaves no orphan; the watchdog ends with the process, so it never signals a reused pid.
final class DevnetProcess: @unchecked Sendable {
    let pid: pid_t
    let log: String

    private init(pid: pid_t, log: String) {
        self.pid = pid
        self.log = log
    }

    /// Starts `python -m MODULE ARGS…` in devnet/ and waits for `ready(log text)` to give a value.
    static func start<T>(
        module: String, arguments: [String], timeout: TimeInterval = 30, ready: (String) -> T?
    ) throws -> (DevnetProcess, T) {
        let dir = FileManager.default.temporaryDirectory.path
        let tag = "\(getpid())-\(UUID().uuidString.prefix(8))"
        let log = "\(dir)/ks-devnet-\(tag).log"
        let pidFile = "\(dir)/ks-devnet-\(tag).pid"
        let quoted = ([RepoPaths.python, "-m", module] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let script = """
            cd '\(RepoPaths.path("devnet"))' || exit 1
            \(quoted) > '\(log)' 2>&1 < /dev/null &
            child=$!
            echo $child > '\(pidFile)'
            ( while kill -0 \(getpid()) && kill -0 $child; do sleep 1; done; kill $child ) > /dev/null 2>&1 < /dev/null &
            """
        let result = try runProcess(["/bin/sh", "-c", script])
        guard result.succeeded,
            let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw SimulatorStartError(description: "could not start \(module): \(result.output)") }
        unlink(pidFile)
        let process = DevnetProcess(pid: pid, log: log)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let value = ready(output) { return (process, value) }
            if kill(pid, 0) != 0 {
                throw SimulatorStartError(description: "\(module) exited:\n\(output)")
            }
            usleep(50_000)
        }
        process.stop()
        throw SimulatorStartError(description: "\(module) did not become ready in \(timeout) s")
    }

    func stop() {
        kill(pid, SIGTERM)
        for _ in 0..<100 where kill(pid, 0) == 0 { usleep(20_000) }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        unlink(log)
    }
}

/// The enclave simulator (devnet/kalypso_devnet/enclave) as a separate process on free ports.
final class EnclaveSimulator: @unchecked Sendable {
    let process: DevnetProcess
    let endpoints: EnclaveServiceURLs
    let control: URL

    init(extraArguments: [String] = []) throws {
        let readyFile = FileManager.default.temporaryDirectory.path + "/ks-sim-\(getpid())-\(UUID().uuidString).json"
        let (process, urls) = try DevnetProcess.start(
            module: "kalypso_devnet.enclave",
            arguments: ["serve", "--quiet", "--ready-file", readyFile] + extraArguments
        ) { _ -> [String: String]? in
            guard let data = FileManager.default.contents(atPath: readyFile),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let urls = object["urls"] as? [String: String]
            else { return nil }
            return urls
        }
        unlink(readyFile)
        self.process = process
        guard let generator = urls["generator"].flatMap(URL.init(string:)),
            let attestation = urls["attestation"].flatMap(URL.init(string:)),
            let verifier = urls["verifier"].flatMap(URL.init(string:)),
            let control = urls["control"].flatMap(URL.init(string:))
        else {
            process.stop()
            throw SimulatorStartError(description: "the ready file lacks URLs: \(urls)")
        }
        endpoints = EnclaveServiceURLs(generator: generator, attestation: attestation, verifier: verifier)
        self.control = control
    }

    deinit { process.stop() }

    /// POST/GET on the control API; returns the simulator's state.
    @discardableResult
    func control(_ method: String, _ path: String, _ body: [String: Any] = [:]) async throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: body)
        let response = try await URLSessionEnclaveTransport().send(
            EnclaveRequest(
                method: method, url: control.appendingPathComponent(path),
                headers: ["Content-Type": "application/json"], body: Array(data), timeout: .seconds(10)))
        guard response.status == 200,
            let state = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        else {
            throw SimulatorStartError(
                description:
                    "control \(path): HTTP \(response.status) \(String(decoding: response.body, as: UTF8.self))")
        }
        return state
    }

    func restart() async throws { try await control("POST", "_sim/restart") }
    func fault(_ scope: String, mode: String? = nil, latencyMs: Int = 0, count: Int? = nil) async throws {
        var body: [String: Any] = ["scope": scope, "latency_ms": latencyMs]
        if let mode { body["mode"] = mode }
        if let count { body["count"] = count }
        try await control("POST", "_sim/fault", body)
    }
    func clear() async throws { try await control("POST", "_sim/clear") }
    func state() async throws -> [String: Any] { try await control("GET", "_sim/state") }
}
