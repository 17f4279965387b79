import Foundation
import KalypsoKit
import TestSupport
import Testing

@Suite struct NonceLockTests {
    func lockPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("nl-\(getpid())-\(UUID().uuidString).sqlite").path
    }

    @Test func aSecondHolderWaitsUntilTheFirstReleases() async throws {
        let lock = NonceLock(databasePath: lockPath())
        let first = try await lock.acquire()
        // flock locks belong to the open file, so a second open in this process contends like another process.
        await #expect(throws: NonceLockError.self) { _ = try await lock.acquire(timeout: .milliseconds(100)) }
        first.release()
        let second = try await lock.acquire(timeout: .milliseconds(500))
        second.release()
    }

    @Test func anotherProcessSeesTheLock() async throws {
        let lock = NonceLock(databasePath: lockPath())
        let held = try await lock.acquire()
        // util-linux flock(1) as the other process: -n fails at once (exit 1) while we hold it.
        let busy = try runProcess(["flock", "-n", lock.path, "true"])
        #expect(busy.status == 1)
        held.release()
        let free = try runProcess(["flock", "-n", lock.path, "true"])
        #expect(free.status == 0)
    }

    @Test func theLockIsReleasedWhenTheHolderIsFreed() async throws {
        let lock = NonceLock(databasePath: lockPath())
        do { _ = try await lock.acquire() }
        let again = try await lock.acquire(timeout: .milliseconds(200))
        again.release()
    }
}
