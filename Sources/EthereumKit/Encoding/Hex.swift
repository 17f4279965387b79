/// Hexadecimal encoding of byte strings, as used everywhere in Ethereum JSON-RPC (`0x`-prefixed).
public enum Hex {
    /// Why a string is not valid hex; positions count characters after any `0x` prefix.
    public enum DecodingError: Error, Equatable, CustomStringConvertible {
        case oddLength(Int)
        case invalidCharacter(Character, position: Int)
        case missingPrefix

        public var description: String {
            switch self {
            case .oddLength(let n): return "hex string has an odd number of digits (\(n))"
            case .invalidCharacter(let c, let p):
                return "hex string has a non-hex character \(String(reflecting: String(c))) at digit \(p)"
            case .missingPrefix: return "hex string must start with 0x"
            }
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lower-case hex of `bytes`, with `0x` unless `prefix` is false.
    public static func encode<C: Collection>(_ bytes: C, prefix: Bool = true) -> String where C.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2 + 2)
        if prefix { out.append(contentsOf: [0x30, 0x78]) }
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex with or without `0x` (or only with it when `requirePrefix`).
    public static func decode(_ string: String, requirePrefix: Bool = false) throws(DecodingError) -> [UInt8] {
        var utf8 = Substring(string).utf8[...]
        if utf8.count >= 2, utf8.first == 0x30, let x = utf8.dropFirst().first, x == 0x78 || x == 0x58 {
            utf8 = utf8.dropFirst(2)
        } else if requirePrefix {
            throw .missingPrefix
        }
        let chars = Array(utf8)
        guard chars.count % 2 == 0 else { throw .oddLength(chars.count) }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]) else {
                throw .invalidCharacter(character(in: string, digit: i), position: i)
            }
            guard let lo = nibble(chars[i + 1]) else {
                throw .invalidCharacter(character(in: string, digit: i + 1), position: i + 1)
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

    private static func character(in string: String, digit: Int) -> Character {
        var s = Substring(string)
        if s.hasPrefix("0x") || s.hasPrefix("0X") { s = s.dropFirst(2) }
        // digit counts UTF-8 bytes; map back to the character that contains that byte
        var offset = 0
        for ch in s {
            let n = ch.utf8.count
            if digit < offset + n { return ch }
            offset += n
        }
        return "?"
    }
}

extension Array where Element == UInt8 {
    /// Lower-case `0x` hex.
    public var hexString: String { Hex.encode(self) }
}
