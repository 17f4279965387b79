import BigInt
import Foundation

/// Chain values as the cache's signed 64-bit columns hold them (ids, block numbers, log indexes, times).
///
/// A contract's counters and a node's numbers stay far below 2^63 on any real network, but a hostile or odd
/// chain can report anything up to 2^256 − 1; past 2^63 − 1 such a value is a clear ``SyncError`` naming what
/// and where, never a trap and never a silently changed number.
enum Storable {
    static func int64(_ value: UInt64, _ what: @autoclosure () -> String) throws(SyncError) -> Int64 {
        guard let v = Int64(exactly: value) else { throw tooLarge(String(value), what()) }
        return v
    }

    static func int64(_ value: BigUInt, _ what: @autoclosure () -> String) throws(SyncError) -> Int64 {
        guard let v = Int64(exactly: value) else { throw tooLarge(String(value), what()) }
        return v
    }

    /// An id the sync keys its work by (it is also a getter's argument), checked to fit the cache.
    static func id(_ value: BigUInt, _ what: @autoclosure () -> String) throws(SyncError) -> UInt64 {
        UInt64(try int64(value, what()))
    }

    private static func tooLarge(_ value: String, _ what: String) -> SyncError {
        SyncError(.unstorable, "\(what) is \(value), past 2^63 − 1 (\(Int64.max)), the largest the cache holds")
    }
}
