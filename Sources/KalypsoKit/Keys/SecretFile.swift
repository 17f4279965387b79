import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Overwrites secret bytes in place in a way the optimiser may not drop.
///
/// Swift cannot promise there is no other copy (an array grown by appending, a `String`, a `Data` the
/// runtime copied): this clears the copies we own, which is what "zeroed where Swift allows it" means.
public func wipeSecret(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { wipeSecret($0) }
}

/// Overwrites a raw buffer with zeros (`explicit_bzero`).
public func wipeSecret(_ buffer: UnsafeMutableRawBufferPointer) {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return }
    #if canImport(Glibc)
        explicit_bzero(base, buffer.count)
    #else
        memset_s(base, buffer.count, 0, buffer.count)
    #endif
}

/// `read(2)`, named apart from the `read` methods Swift would otherwise pick inside closures.
func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
        return Glibc.read(fd, buffer, count)
    #else
        return Darwin.read(fd, buffer, count)
    #endif
}

/// Reading and writing files that hold secrets (key files, password files, keystores).
enum SecretFile {
    /// The file's bytes, refused when group or others may read it. The caller wipes the result.
    static func read(_ path: String, checkPermissions: Bool = true) throws(KeySourceError) -> [UInt8] {
        var st = stat()
        guard stat(path, &st) == 0 else {
            if errno == ENOENT { throw .fileMissing(path) }
            throw .unreadable(path, errno: errno)
        }
        if checkPermissions && UInt32(st.st_mode) & 0o077 != 0 { throw .permissions(path, mode: UInt32(st.st_mode)) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(path, errno: errno) }
        defer { close(fd) }
        // Read into one buffer sized up front, so no reallocation leaves a stale copy behind.
        let capacity = max(Int(st.st_size), 0) + 1
        var out = [UInt8](repeating: 0, count: min(capacity, 1 << 20))
        var used = 0
        while used < out.count {
            let n = out.withUnsafeMutableBytes { buf in
                posixRead(fd, buf.baseAddress.map { $0 + used }, buf.count - used)
            }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                wipeSecret(&out)
                throw .unreadable(path, errno: e)
            }
            if n == 0 { break }
            used += n
        }
        let result = Array(out[0..<used])
        wipeSecret(&out)
        return result
    }

    /// Creates `path` with mode 600 and writes `bytes`; an existing file is never replaced.
    static func create(_ path: String, bytes: [UInt8]) throws(KeySourceError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw .outputExists(path) }
            throw .writeFailed(path, errno: errno)
        }
        var ok = true
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buf in
            var done = 0
            while done < buf.count {
                let n = write(fd, buf.baseAddress.map { $0 + done }, buf.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    ok = false
                    failure = errno
                    return
                }
                done += n
            }
        }
        if ok && fsync(fd) != 0 {
            ok = false
            failure = errno
        }
        close(fd)
        if !ok {
            unlink(path)
            throw .writeFailed(path, errno: failure)
        }
    }
}
