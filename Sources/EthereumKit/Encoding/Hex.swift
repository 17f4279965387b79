import Basics

/// Hexadecimal encoding of byte strings, as used everywhere in Ethereum JSON-RPC (`0x`-prefixed).
public enum Hex {
    /// Why a string is not valid hex; positions count characters after any `0x` prefix.
    ///
    /// The message names the position and at most the one offending character (never a hex digit, so
    /// never part of a key), not the string.
    public struct DecodingError: OperatorError, Equatable {
        public let code: ErrorCode
        /// The number of hex digits, for an odd count.
        public let digitCount: Int?
        /// The position of the bad character, counting UTF-8 bytes after any `0x` prefix.
        public let position: Int?
        /// The character that is not a hex digit.
        public let character: Character?

        init(code: ErrorCode, digitCount: Int? = nil, position: Int? = nil, character: Character? = nil) {
            self.code = code
            self.digitCount = digitCount
            self.position = position
            self.character = character
        }

        public static func oddLength(_ digits: Int) -> Self { Self(code: .hexOddLength, digitCount: digits) }
        public static func invalidCharacter(_ c: Character, position: Int) -> Self {
            Self(code: .hexInvalidCharacter, position: position, character: c)
        }
        public static let missingPrefix = Self(code: .hexMissingPrefix)

        public var title: String { "Not valid hex" }
        public var detail: String {
            switch code {
            case .hexOddLength: return "it has an odd number of digits (\(digitCount ?? 0)); each byte is two digits"
            case .hexInvalidCharacter:
                let shown = character.map { " " + String(reflecting: String($0)) } ?? ""
                return "the character\(shown) at digit \((position ?? 0) + 1) is not a hex digit (0-9, a-f)"
            default: return "it must start with 0x"
            }
        }
        public var hint: String {
            "Hex is 0x followed by pairs of the digits 0-9 and a-f; check that the value was copied whole."
        }
        public var category: ErrorCategory { .usage }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lower-case hex of `bytes`, with `0x` unless `prefix` is false.
    public static func encode<C: Collection>(_ bytes: C, prefix: Bool = true) -> String where C.Element == UInt8 {
        // Written straight into the string's storage: the sync encodes two hashes per indexed log.
        let count = bytes.count * 2 + (prefix ? 2 : 0)
        return String(unsafeUninitializedCapacity: count) { out in
            var k = 0
            if prefix {
                out[0] = 0x30
                out[1] = 0x78
                k = 2
            }
            for b in bytes {
                out[k] = digits[Int(b >> 4)]
                out[k + 1] = digits[Int(b & 0x0f)]
                k += 2
            }
            return k
        }
    }

    /// Decodes hex with or without one `0x` prefix (or only with it when `requirePrefix`).
    ///
    /// The prefix is removed once: `0x0x12` is an error, not the byte 0x12.
    public static func decode(_ string: String, requirePrefix: Bool = false) throws(DecodingError) -> [UInt8] {
        let utf8 = Substring(string).utf8
        if utf8.count >= 2, utf8.first == 0x30, let x = utf8.dropFirst().first, x == 0x78 || x == 0x58 {
            return try decodeDigits(Substring(utf8.dropFirst(2)))
        }
        if requirePrefix { throw .missingPrefix }
        return try decodeDigits(Substring(string))
    }

    /// Decodes bare hex digits: a `0x` here is an error (the caller has already removed the prefix).
    public static func decode(digits: Substring) throws(DecodingError) -> [UInt8] {
        try decodeDigits(digits)
    }

    private static func decodeDigits(_ text: Substring) throws(DecodingError) -> [UInt8] {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { throw .oddLength(chars.count) }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]) else {
                throw .invalidCharacter(character(in: text, digit: i), position: i)
            }
            guard let lo = nibble(chars[i + 1]) else {
                throw .invalidCharacter(character(in: text, digit: i + 1), position: i + 1)
            }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    @inline(__always) static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }

    /// The character that contains UTF-8 byte `digit` of `text`.
    private static func character(in text: Substring, digit: Int) -> Character {
        var offset = 0
        for ch in text {
            let n = ch.utf8.count
            if digit < offset + n { return ch }
            offset += n
        }
        return "?"
    }
}

extension Array where Element == UInt8 {
    /// Lower-case `0x` hex.
    package var hexString: String { Hex.encode(self) }
}
