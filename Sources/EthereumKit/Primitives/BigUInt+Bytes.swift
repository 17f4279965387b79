import BigInt

extension BigUInt {
    /// Minimal big-endian bytes (no leading zeros); zero is the empty array, as RLP and JSON-RPC want it.
    package var bigEndianBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(words.count * MemoryLayout<UInt>.size)
        for word in words.reversed() {
            var shift = UInt.bitWidth - 8
            while shift >= 0 {
                out.append(UInt8(truncatingIfNeeded: word >> UInt(shift)))
                shift -= 8
            }
        }
        let firstNonZero = out.firstIndex { $0 != 0 } ?? out.count
        return Array(out[firstNonZero...])
    }

    /// Big-endian bytes left-padded with zeros to `width`, or nil when the value needs more bytes.
    package func bigEndianBytes(paddedTo width: Int) -> [UInt8]? {
        let minimal = bigEndianBytes
        guard minimal.count <= width else { return nil }
        return [UInt8](repeating: 0, count: width - minimal.count) + minimal
    }

    /// The value of big-endian `bytes` (leading zeros allowed here; RLP integer fields check them separately).
    package init<C: Collection>(bigEndianBytes bytes: C) where C.Element == UInt8 {
        let wordSize = MemoryLayout<UInt>.size
        var words = [UInt](repeating: 0, count: (bytes.count + wordSize - 1) / wordSize)
        var bitIndex = 0
        for byte in bytes.reversed() {
            words[bitIndex / UInt.bitWidth] |= UInt(byte) << UInt(bitIndex % UInt.bitWidth)
            bitIndex += 8
        }
        self.init(words: words)
    }
}
