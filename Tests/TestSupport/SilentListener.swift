import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP port on 127.0.0.1 that accepts connections (the kernel's backlog) and never answers: an RPC node
/// that hangs.
public final class SilentListener: Sendable {
    let fd: Int32
    public let port: UInt16

    /// Why the port could not be opened.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
                bind(fd, p, len) == 0 && listen(fd, 64) == 0 && getsockname(fd, p, &len) == 0
            }
        }
        guard bound else {
            Glibc.close(fd)
            throw Failure(description: "cannot listen on 127.0.0.1: errno \(errno)")
        }
        self.fd = fd
        port = UInt16(bigEndian: addr.sin_port)
    }

    /// The URL of an RPC node at this port.
    public var url: String { "http://127.0.0.1:\(port)" }

    public func close() { Glibc.close(fd) }
}
