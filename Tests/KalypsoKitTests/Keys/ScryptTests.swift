import EthereumKit
import TestSupport
import Testing

@testable import KalypsoKit

@Suite("Keys: scrypt beyond BoringSSL's limit")
struct ScryptTests {
    @Test("RFC 7914 §12 vector (N=1024, r=8, p=16)")
    func rfcVector() async throws {
        let dk = try await offThePool {
            try Scrypt.derive(
                password: Array("password".utf8), salt: Array("NaCl".utf8), n: 1024, r: 8, p: 16, dklen: 64)
        }
        #expect(
            Hex.encode(dk, prefix: false)
                == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
        )
    }

    @Test("r = 1 with N = 2^17, which BoringSSL refuses: pycryptodome's scrypt gives the same key")
    func beyondLimit() async throws {
        #expect(Scrypt.beyondRFCLimit(n: 1 << 17, r: 1))
        #expect(!Scrypt.beyondRFCLimit(n: 1 << 18, r: 8))
        // Crypto.Protocol.KDF.scrypt(b"pw", b"salty", 32, N=1<<17, r=1, p=2) in .venv.
        let dk = try await offThePool {
            try Scrypt.derive(
                password: Array("pw".utf8), salt: Array("salty".utf8), n: 1 << 17, r: 1, p: 2, dklen: 32)
        }
        #expect(Hex.encode(dk, prefix: false) == "d03fbb05fbb8db6c7d23a9613a40eac99c61c6b51aec734bf4509b102796bb06")
    }
}
