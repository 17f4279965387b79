import Foundation

/// A byte-level reader of `eth_getLogs` answers: the logs straight from the response bytes, with no JSON tree
/// and no ``RPCValue`` in between (the generic path spent most of the indexing CPU building and walking them).
///
/// It takes only the shape a healthy node sends: a JSON-RPC object with a matching `id` and a `result` array of
/// log objects whose fields are plain ASCII strings (hex), numbers-as-hex, `null` or booleans. Anything else —
/// an `error` member, another HTTP status, escapes, non-ASCII bytes, a duplicate key, a missing or malformed field,
/// a value too large for its field — makes it answer nil, and the caller runs the generic parser, which either
/// gives the same logs or the precise error. So the fast path never accepts what the generic one refuses and never
/// differs from it where both succeed (checked by `RPCLogReaderTests` over hostile answers).
public enum RPCLogReader {
    /// The logs of `reply`, or nil when the answer is not in the plain shape (use the generic path then).
    public static func read(_ reply: RPCHTTPReply, expectedId: Int) -> [RPCLog]? {
        guard reply.status == 200 else { return nil }
        return reply.body.withUnsafeBufferPointer { buffer -> [RPCLog]? in
            var scanner = Scanner(bytes: buffer, expectedId: Array(String(expectedId).utf8))
            return scanner.envelope()
        }
    }
}

private enum Key {
    static let jsonrpc = Array("jsonrpc".utf8)
    static let id = Array("id".utf8)
    static let result = Array("result".utf8)
    static let error = Array("error".utf8)
    static let address = Array("address".utf8)
    static let topics = Array("topics".utf8)
    static let data = Array("data".utf8)
    static let blockNumber = Array("blockNumber".utf8)
    static let blockHash = Array("blockHash".utf8)
    static let transactionHash = Array("transactionHash".utf8)
    static let transactionIndex = Array("transactionIndex".utf8)
    static let logIndex = Array("logIndex".utf8)
    static let removed = Array("removed".utf8)
}

/// Every method returns nil (or false) at the first byte outside the plain shape; no partial result escapes.
private struct Scanner {
    let bytes: UnsafeBufferPointer<UInt8>
    let expectedId: [UInt8]
    var i = 0
    /// The last value read per field: the logs of one block or transaction repeat their hashes (and of one
    /// contract or event, the address and topics), which then share one array instead of one allocation each.
    var lastAddress: (digits: Range<Int>, value: Address)?
    var lastBlockHash: Memo?
    var lastTransactionHash: Memo?
    var lastTopics: [Memo?] = [nil, nil, nil, nil]

    struct Memo {
        var digits: Range<Int>
        var value: [UInt8]
    }

    init(bytes: UnsafeBufferPointer<UInt8>, expectedId: [UInt8]) {
        self.bytes = bytes
        self.expectedId = expectedId
    }

    // MARK: Envelope

    mutating func envelope() -> [RPCLog]? {
        skipSpace()
        guard take(UInt8(ascii: "{")) else { return nil }
        var logs: [RPCLog]?
        var seen = 0  // bits: jsonrpc, id, result, error
        var unknown: [Range<Int>] = []
        while true {
            skipSpace()
            guard let key = keyRange() else { return nil }
            skipSpace()
            guard take(UInt8(ascii: ":")) else { return nil }
            skipSpace()
            let bit: Int
            if equals(key, Key.result) {
                bit = 4
                guard let l = logArray() else { return nil }
                logs = l
            } else if equals(key, Key.id) {
                bit = 2
                // The generic path compares the id as a JSON number with the request's: only that text passes.
                guard let n = numberRange(), equals(n, expectedId) else { return nil }
            } else if equals(key, Key.error) {
                bit = 8
                guard literal("null") else { return nil }
            } else if equals(key, Key.jsonrpc) {
                bit = 1
                guard skipValue(depth: 1) else { return nil }
            } else {
                bit = 0
                guard !unknown.contains(where: { same($0, key) }), skipValue(depth: 1) else { return nil }
                unknown.append(key)
            }
            // A repeated key: the generic parser explains it.
            guard seen & bit == 0 else { return nil }
            seen |= bit
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            guard take(UInt8(ascii: "}")) else { return nil }
            break
        }
        skipSpace()
        guard i == bytes.count, let logs else { return nil }
        return logs
    }

    // MARK: Logs

    mutating func logArray() -> [RPCLog]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var out: [RPCLog] = []
        out.reserveCapacity(max(16, bytes.count / 700))
        skipSpace()
        if take(UInt8(ascii: "]")) { return out }
        while true {
            skipSpace()
            guard let log = logObject() else { return nil }
            out.append(log)
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            if take(UInt8(ascii: "]")) { return out }
            return nil
        }
    }

    mutating func logObject() -> RPCLog? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var address: Address?
        var topics: [[UInt8]]?
        var data: [UInt8]?
        var blockNumber: UInt64?
        var blockHash: [UInt8]?
        var transactionHash: [UInt8]?
        var transactionIndex: UInt64?
        var logIndex: UInt64?
        var removed = false
        var seen = 0
        var unknown: [Range<Int>] = []
        skipSpace()
        if take(UInt8(ascii: "}")) { return nil }  // no address: the generic path names the missing field
        while true {
            skipSpace()
            guard let key = keyRange() else { return nil }
            skipSpace()
            guard take(UInt8(ascii: ":")) else { return nil }
            skipSpace()
            let bit: Int
            switch bytes[key.lowerBound] {
            case UInt8(ascii: "a") where equals(key, Key.address):
                bit = 1
                if let last = lastAddress, let end = repeated(last.digits) {
                    i = end
                    address = last.value
                } else {
                    var memo: Memo?
                    guard let b = hexString(exactBytes: 20, memo: &memo), let a = Address(bytes: b), let memo else {
                        return nil
                    }
                    address = a
                    lastAddress = (memo.digits, a)
                }
            case UInt8(ascii: "t") where equals(key, Key.topics):
                bit = 2
                guard let t = topicArray() else { return nil }
                topics = t
            case UInt8(ascii: "d") where equals(key, Key.data):
                bit = 4
                guard let d = hexString(exactBytes: nil) else { return nil }
                data = d
            case UInt8(ascii: "b") where equals(key, Key.blockNumber):
                bit = 8
                guard let v = optionalQuantity() else { return nil }
                blockNumber = v
            case UInt8(ascii: "b") where equals(key, Key.blockHash):
                bit = 16
                var memo = lastBlockHash
                guard let v = optionalHash(memo: &memo) else { return nil }
                lastBlockHash = memo
                blockHash = v
            case UInt8(ascii: "t") where equals(key, Key.transactionHash):
                bit = 32
                var memo = lastTransactionHash
                guard let v = optionalHash(memo: &memo) else { return nil }
                lastTransactionHash = memo
                transactionHash = v
            case UInt8(ascii: "t") where equals(key, Key.transactionIndex):
                bit = 64
                guard let v = optionalQuantity() else { return nil }
                transactionIndex = v
            case UInt8(ascii: "l") where equals(key, Key.logIndex):
                bit = 128
                guard let v = optionalQuantity() else { return nil }
                logIndex = v
            case UInt8(ascii: "r") where equals(key, Key.removed):
                bit = 256
                // The generic reader takes a boolean and treats anything else as false.
                if literal("true") {
                    removed = true
                } else if literal("false") || literal("null") {
                    removed = false
                } else {
                    guard skipValue(depth: 3) else { return nil }
                    removed = false
                }
            default:
                // Unknown members (e.g. `blockTimestamp`) are validated and skipped; a repeated one is left to the
                // generic parser, which reports duplicates.
                bit = 0
                guard !unknown.contains(where: { same($0, key) }), skipValue(depth: 3) else { return nil }
                unknown.append(key)
            }
            guard seen & bit == 0 else { return nil }
            seen |= bit
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            guard take(UInt8(ascii: "}")) else { return nil }
            break
        }
        guard let address, let topics, let data else { return nil }
        return RPCLog(
            address: address, topics: topics, data: data, blockNumber: blockNumber, blockHash: blockHash,
            transactionHash: transactionHash, transactionIndex: transactionIndex, logIndex: logIndex, removed: removed)
    }

    mutating func topicArray() -> [[UInt8]]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var out: [[UInt8]] = []
        out.reserveCapacity(4)
        skipSpace()
        if take(UInt8(ascii: "]")) { return out }
        while true {
            skipSpace()
            let t: [UInt8]?
            if out.count < lastTopics.count {
                var memo = lastTopics[out.count]
                t = hexString(exactBytes: 32, memo: &memo)
                lastTopics[out.count] = memo
            } else {
                t = hexString(exactBytes: 32)
            }
            guard let t else { return nil }
            out.append(t)
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            if take(UInt8(ascii: "]")) { return out }
            return nil
        }
    }

    /// `null` → .some(nil); a 32-byte hex string → its bytes; anything else → nil.
    mutating func optionalHash(memo: inout Memo?) -> [UInt8]?? {
        if literal("null") { return .some(nil) }
        guard let h = hexString(exactBytes: 32, memo: &memo) else { return nil }
        return .some(h)
    }

    /// `null` → .some(nil); a strict QUANTITY that fits 64 bits → its value; anything else → nil.
    mutating func optionalQuantity() -> UInt64?? {
        if literal("null") { return .some(nil) }
        guard let digits = hexDigits() else { return nil }
        // Strict: at least one digit, no leading zero unless the value is 0x0, at most 64 bits.
        let count = digits.count
        guard count >= 1, count <= 16, count == 1 || bytes[digits.lowerBound] != UInt8(ascii: "0") else {
            return nil
        }
        var value: UInt64 = 0
        for k in digits {
            guard let n = Hex.nibble(bytes[k]) else { return nil }
            value = value << 4 | UInt64(n)
        }
        return .some(value)
    }

    // MARK: Strings

    /// A string `"0x…"` (or `0X`) of hex digits; the digits' range (the closing quote consumed). Escapes and
    /// anything but hex digits give nil.
    mutating func hexDigits() -> Range<Int>? {
        guard i + 3 <= bytes.count, bytes[i] == UInt8(ascii: "\""), bytes[i + 1] == UInt8(ascii: "0"),
            bytes[i + 2] | 0x20 == UInt8(ascii: "x")
        else { return nil }
        let start = i + 3
        var k = start
        while k < bytes.count, bytes[k] != UInt8(ascii: "\"") {
            guard Hex.nibble(bytes[k]) != nil else { return nil }
            k += 1
        }
        guard k < bytes.count else { return nil }
        i = k + 1
        return start..<k
    }

    /// ``hexString(exactBytes:)``, giving the memo's array when the digits are the memo's (same text, same
    /// bytes), and remembering the new value otherwise.
    mutating func hexString(exactBytes: Int?, memo: inout Memo?) -> [UInt8]? {
        if let last = memo, let end = repeated(last.digits) {
            i = end
            return last.value
        }
        let before = i
        guard let value = hexString(exactBytes: exactBytes) else { return nil }
        // `"0x`, the digits, `"`.
        memo = Memo(digits: (before + 3)..<(i - 1), value: value)
        return value
    }

    /// When the string at `i` is `"0x` + the same text as `digits` (already checked there) + `"`: the index after it.
    func repeated(_ digits: Range<Int>) -> Int? {
        let n = digits.count
        let start = i + 3
        guard start + n < bytes.count, bytes[i] == UInt8(ascii: "\""), bytes[i + 1] == UInt8(ascii: "0"),
            bytes[i + 2] | 0x20 == UInt8(ascii: "x"), bytes[start + n] == UInt8(ascii: "\""),
            let base = bytes.baseAddress, memcmp(base + start, base + digits.lowerBound, n) == 0
        else { return nil }
        return start + n + 1
    }

    /// DATA: hex of an even number of digits, of `exactBytes` bytes when given.
    mutating func hexString(exactBytes: Int?) -> [UInt8]? {
        guard let digits = hexDigits(), digits.count % 2 == 0 else { return nil }
        let n = digits.count / 2
        if let exactBytes, n != exactBytes { return nil }
        let base = digits.lowerBound
        let bytes = self.bytes
        return [UInt8](unsafeUninitializedCapacity: n) { out, initialized in
            for k in 0..<n {
                out[k] = Self.digitValue(bytes[base + 2 * k]) << 4 | Self.digitValue(bytes[base + 2 * k + 1])
            }
            initialized = n
        }
    }

    /// A key without escapes or non-ASCII bytes: the range of its text (quotes consumed).
    mutating func keyRange() -> Range<Int>? {
        guard peek == UInt8(ascii: "\"") else { return nil }
        let start = i + 1
        var k = start
        while k < bytes.count {
            let b = bytes[k]
            if b == UInt8(ascii: "\"") { break }
            guard b >= 0x20, b < 0x80, b != UInt8(ascii: "\\") else { return nil }
            k += 1
        }
        guard k < bytes.count, k > start else { return nil }
        i = k + 1
        return start..<k
    }

    // MARK: Other values

    /// Validates and skips one value of the plain shape (no escapes, ASCII only, shallow).
    mutating func skipValue(depth: Int) -> Bool {
        guard depth < 32, i < bytes.count else { return false }
        switch bytes[i] {
        case UInt8(ascii: "\""):
            i += 1
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    i += 1
                    return true
                }
                guard b >= 0x20, b < 0x80, b != UInt8(ascii: "\\") else { return false }
                i += 1
            }
            return false
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return numberRange() != nil
        case UInt8(ascii: "["):
            i += 1
            skipSpace()
            if take(UInt8(ascii: "]")) { return true }
            while true {
                skipSpace()
                guard skipValue(depth: depth + 1) else { return false }
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                return take(UInt8(ascii: "]"))
            }
        case UInt8(ascii: "{"):
            // Objects inside unknown members would need duplicate-key checks: the generic parser does those.
            return false
        default: return false
        }
    }

    /// A JSON number (the generic parser's grammar); its text's range.
    mutating func numberRange() -> Range<Int>? {
        let start = i
        if peek == UInt8(ascii: "-") { i += 1 }
        guard digits() > 0 else { return nil }
        if peek == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return nil }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            i += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return nil }
        }
        return start..<i
    }

    mutating func digits() -> Int {
        let s = i
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
        return i - s
    }

    mutating func literal(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { return false }
        let w = word.utf8Start
        for k in 0..<n where bytes[i + k] != w[k] { return false }
        i += n
        return true
    }

    /// The value of a hex digit already checked by ``hexDigits()`` (`0-9` are 0x3_, `a-f`/`A-F` 0x6_/0x4_).
    @inline(__always) static func digitValue(_ c: UInt8) -> UInt8 { (c & 0x0F) &+ (c >> 6) &* 9 }

    // MARK: Bytes

    var peek: UInt8 { i < bytes.count ? bytes[i] : 0 }

    mutating func take(_ b: UInt8) -> Bool {
        guard i < bytes.count, bytes[i] == b else { return false }
        i += 1
        return true
    }

    mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    func same(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        guard a.count == b.count else { return false }
        for k in 0..<a.count where bytes[a.lowerBound + k] != bytes[b.lowerBound + k] { return false }
        return true
    }

    func equals(_ range: Range<Int>, _ word: [UInt8]) -> Bool {
        guard range.count == word.count else { return false }
        var k = 0
        for j in range {
            if bytes[j] != word[k] { return false }
            k += 1
        }
        return true
    }
}
