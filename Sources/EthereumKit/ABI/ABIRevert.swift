import BigInt

/// What revert data means: a message, a panic, a known custom error, or raw bytes we cannot name.
public enum ABIRevertReason: Sendable, Hashable, CustomStringConvertible {
    /// No revert data at all.
    case empty
    /// `Error(string)` (selector 0x08c379a0): `require(cond, "message")` / `revert("message")`.
    case message(String)
    /// `Panic(uint256)` (selector 0x4e487b71): a compiler-inserted check failed.
    case panic(code: BigUInt)
    /// A custom error found in a registered ABI, with its decoded arguments.
    case custom(ABICustomError, ABIDecodedValues)
    /// A selector no registered ABI declares; the raw data is kept.
    case unknown(selector: [UInt8], data: [UInt8])
    /// The data has a known selector but its arguments do not decode, or is shorter than a selector.
    case malformed(data: [UInt8], problem: String)

    public static let errorStringSelector: [UInt8] = [0x08, 0xc3, 0x79, 0xa0]
    public static let panicSelector: [UInt8] = [0x4e, 0x48, 0x7b, 0x71]

    /// What a Solidity panic code means (Solidity docs, "Panic via assert and Error via require").
    public static func panicMeaning(_ code: BigUInt) -> String {
        switch code {
        case 0x00: return "generic compiler-inserted panic"
        case 0x01: return "assertion failed (assert)"
        case 0x11: return "arithmetic overflow or underflow"
        case 0x12: return "division or modulo by zero"
        case 0x21: return "conversion to an enum out of range"
        case 0x22: return "incorrectly encoded storage byte array"
        case 0x31: return "pop() on an empty array"
        case 0x32: return "array index out of bounds"
        case 0x41: return "out of memory (too large allocation)"
        case 0x51: return "call to a zero-initialised internal function variable"
        default: return "unknown panic code"
        }
    }

    /// The error's name (`Error`, `Panic`, the custom error's name), or nil when unnamed.
    public var name: String? {
        switch self {
        case .message: return "Error"
        case .panic: return "Panic"
        case .custom(let e, _): return e.name
        case .empty, .unknown, .malformed: return nil
        }
    }

    /// One line for operators: `InvalidEnclaveSignature(invalidSignerAddress: 0x…)`.
    public var description: String {
        switch self {
        case .empty:
            return "reverted without data (a bare revert() or require without a message, a failed call "
                + "to an address without code, or an out-of-gas/invalid opcode in a sub-call)"
        case .message(let m): return "Error(\(String(reflecting: m)))"
        case .panic(let code):
            return "Panic(0x\(String(code, radix: 16, uppercase: false).leftPadded(to: 2))): \(Self.panicMeaning(code))"
        case .custom(let e, let values): return e.name + values.description
        case .unknown(let selector, let data):
            return "unknown custom error \(Hex.encode(selector))"
                + (data.count > 4 ? " with data \(Hex.encode(data.dropFirst(4)))" : "")
        case .malformed(let data, let problem):
            return "malformed revert data \(Hex.encode(data)): \(problem)"
        }
    }
}

extension String {
    fileprivate func leftPadded(to n: Int) -> String {
        count >= n ? self : String(repeating: "0", count: n - count) + self
    }
}

/// Custom errors from many ABIs, looked up by selector to explain revert data.
public struct ABIErrorRegistry: Sendable {
    private var bySelector: [[UInt8]: [ABICustomError]] = [:]

    public init() {}

    public init(_ contracts: [ContractABI]) {
        for c in contracts { register(c) }
    }

    /// Loads the custom errors of every ABI JSON file in `paths` (e.g. all of a deployment's ABIs).
    public init(contentsOfFiles paths: [String]) throws(ABIJSONError) {
        for path in paths { register(try ContractABI(contentsOfFile: path)) }
    }

    /// Adds every custom error of `contract`.
    public mutating func register(_ contract: ContractABI) {
        for e in contract.errors { register(e) }
    }

    /// Adds one error; identical signatures from several ABIs are kept once.
    public mutating func register(_ error: ABICustomError) {
        var list = bySelector[error.selector, default: []]
        if !list.contains(where: { $0.signature == error.signature }) { list.append(error) }
        bySelector[error.selector] = list
    }

    /// Every registered error with this selector (more than one only for selector collisions).
    public func errors(selector: [UInt8]) -> [ABICustomError] { bySelector[Array(selector.prefix(4))] ?? [] }

    public var count: Int { bySelector.values.reduce(0) { $0 + $1.count } }

    /// Explains revert data (from `eth_call` errors or a failed transaction's trace).
    public func decodeRevert(_ data: [UInt8]) -> ABIRevertReason {
        if data.isEmpty { return .empty }
        guard data.count >= 4 else {
            return .malformed(data: data, problem: "\(data.count) bytes are too short for a 4-byte error selector")
        }
        let selector = Array(data[0..<4])
        if selector == ABIRevertReason.errorStringSelector {
            do {
                let v = try ABI.decode([.string], from: data, start: 4)
                if case .string(let s) = v[0] { return .message(s) }
            } catch {
                return .malformed(data: data, problem: "Error(string) arguments do not decode: \(error)")
            }
        }
        if selector == ABIRevertReason.panicSelector {
            do {
                let v = try ABI.decode([.uint(256)], from: data, start: 4)
                if case .uint(let code) = v[0] { return .panic(code: code) }
            } catch {
                return .malformed(data: data, problem: "Panic(uint256) arguments do not decode: \(error)")
            }
        }
        let candidates = errors(selector: selector)
        if candidates.isEmpty { return .unknown(selector: selector, data: data) }
        var problems: [String] = []
        for e in candidates {
            do {
                return .custom(e, try e.decode(data))
            } catch {
                problems.append("\(e.signature): \(error)")
            }
        }
        return .malformed(data: data, problem: problems.joined(separator: "; "))
    }
}
