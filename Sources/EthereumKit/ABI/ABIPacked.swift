extension ABI {
    /// `abi.encodePacked(values…)`: value types in their minimal width, byte strings raw, array elements
    /// padded to 32 bytes. Solidity rejects structs and nested arrays here, and so do we.
    public static func encodePacked(_ types: [ABIType], _ values: [ABIValue]) throws(ABIEncodingError) -> [UInt8] {
        guard types.count == values.count else {
            throw ABIEncodingError(
                code: .abiEncodingWrongCount, reason: "\(values.count) values for \(types.count) types")
        }
        var enc = ABIEncoderCore()
        for i in types.indices {
            do { try enc.encodePacked(types[i], values[i], inArray: false) } catch {
                var e = error
                e.path.prepend(.index(i))
                throw e
            }
        }
        return enc.out
    }
}

extension ABIEncoderCore {
    mutating func encodePacked(_ type: ABIType, _ value: ABIValue, inArray: Bool) throws(ABIEncodingError) {
        switch type {
        case .uint(let bits), .int(let bits):
            if inArray { return try encode(type, value) }
            let start = out.count
            try encode(type, value)
            // The standard encoding is the value sign- or zero-extended to 32 bytes: keep the low bits/8 bytes.
            out.removeSubrange(start..<(start + 32 - bits / 8))
        case .address:
            if inArray { return try encode(type, value) }
            guard case .address(let a) = value else { return try encode(type, value) }
            out.append(contentsOf: a.bytes)
        case .bool:
            if inArray { return try encode(type, value) }
            guard case .bool(let b) = value else { return try encode(type, value) }
            out.append(b ? 1 : 0)
        case .fixedBytes(let n):
            if inArray { return try encode(type, value) }
            let start = out.count
            try encode(type, value)
            out.removeSubrange((start + n)..<(start + 32))
        case .bytes, .string:
            guard !inArray else {
                throw ABIEncodingError(
                    code: .abiEncodingUnsupported, reason: "encodePacked does not support arrays of \(type.canonical)")
            }
            switch (type, value) {
            case (.bytes, .bytes(let b)): out.append(contentsOf: b)
            case (.string, .string(let s)): out.append(contentsOf: Array(s.utf8))
            default: throw mismatch(type, value)
            }
        case .array(let element), .fixedArray(let element, _):
            guard !inArray else {
                throw ABIEncodingError(
                    code: .abiEncodingUnsupported, reason: "encodePacked does not support nested arrays")
            }
            guard case .array(let vs) = value else { throw mismatch(type, value) }
            if case .fixedArray(_, let k) = type, vs.count != k {
                throw ABIEncodingError(
                    code: .abiEncodingWrongCount,
                    reason: "\(type.canonical) needs exactly \(k) elements, got \(vs.count)")
            }
            for (i, v) in vs.enumerated() {
                do { try encodePacked(element, v, inArray: true) } catch {
                    var e = error
                    e.path.prepend(.index(i))
                    throw e
                }
            }
        case .tuple:
            throw ABIEncodingError(
                code: .abiEncodingUnsupported, reason: "encodePacked does not support tuples (structs)")
        }
    }
}
