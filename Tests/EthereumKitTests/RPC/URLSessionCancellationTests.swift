import Foundation
import Testing

@testable import EthereumKit

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// ``URLSession/cancellableData(for:)``: requests cancelled at every moment of their life — before the task
/// exists, while it waits, just as the answer arrives — end, each with its answer or `CancellationError`,
/// and none hangs (swift-corelibs-foundation's own `data(for:)` deadlocked when the cancellation met the
/// answer: see the method's documentation).
@Suite(.timeLimit(.minutes(2))) struct URLSessionCancellationTests {
    @Test func requestsCancelledAtAnyMomentAllEnd() async throws {
        let rounds = 400
        let server = try ScriptedHTTPServer(Array(repeating: PlainHTTPClientTests.ok("{}"), count: rounds + 10))
        defer { server.stop() }
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        var answered = 0
        var cancelled = 0
        for i in 0..<rounds {
            var request = URLRequest(url: server.url)
            request.httpMethod = "POST"
            request.httpBody = Data("{}".utf8)
            let task = Task { try await session.cancellableData(for: request) }
            // From at once to after the answer: the race the deadlock needed is somewhere in between.
            let wait = i % 40
            if wait > 0 { try await Task.sleep(for: .microseconds(wait * 50)) }
            task.cancel()
            do {
                let (data, response) = try await task.value
                #expect((response as? HTTPURLResponse)?.statusCode == 200)
                #expect(data == Data("{}".utf8))
                answered += 1
            } catch is CancellationError {
                cancelled += 1
            }
        }
        #expect(answered + cancelled == rounds)
        #expect(cancelled > 0, "no request was cancelled: the test did not test cancellation")
    }

    @Test func anAnswerArrivesUncancelled() async throws {
        let server = try ScriptedHTTPServer([PlainHTTPClientTests.ok(#"{"a":1}"#)])
        defer { server.stop() }
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await session.cancellableData(for: URLRequest(url: server.url))
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: data, as: UTF8.self) == #"{"a":1}"#)
    }

    @Test func aRefusedConnectionIsURLSessionsError() async throws {
        // A port nobody listens on: the error is URLSession's own, not a cancellation.
        let server = try ScriptedHTTPServer([])
        let url = server.url
        server.stop()
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        await #expect(throws: URLError.self) { try await session.cancellableData(for: URLRequest(url: url)) }
    }
}
