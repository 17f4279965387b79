import CSystem
import Foundation

/// The result of a finished child process.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let output: String
    public var succeeded: Bool { status == 0 }
}

public struct SpawnError: Error, CustomStringConvertible {
    public let program: String
    public let errno: Int32
    public var description: String { "cannot start \(program): \(String(cString: strerror(errno)))" }
}

/// Runs a program with a clean signal mask and default signal dispositions.
///
/// `Foundation.Process` started from a test thread inherits a mask that blocks SIGCHLD, SIGWINCH and
/// SIGTERM (see PLATFORM-NOTES gotcha 1): a tmux server started that way never reaps children and a TUI
/// in it never sees a resize. Output goes to a temporary file (never a pipe, which a daemon could
/// inherit and keep open), stdin is /dev/null, and every fd above 2 is closed in the child.
public func runProcess(
    _ argv: [String], environment: [String: String]? = nil, input: String? = nil,
    workingDirectory: String? = nil
) throws -> ProcessResult {
    precondition(!argv.isEmpty)
    let dir = FileManager.default.temporaryDirectory.path
    let outPath = "\(dir)/ks-spawn-\(getpid())-\(UUID().uuidString).out"
    defer { unlink(outPath) }
    var inPath = "/dev/null"
    if let input {
        inPath = "\(dir)/ks-spawn-\(getpid())-\(UUID().uuidString).in"
        _ = FileManager.default.createFile(atPath: inPath, contents: Data(input.utf8))
    }
    defer { if input != nil { unlink(inPath) } }

    var fa = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&fa)
    defer { posix_spawn_file_actions_destroy(&fa) }
    posix_spawn_file_actions_addopen(&fa, 0, inPath, O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&fa, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&fa, 1, 2)
    ks_spawn_file_actions_addclosefrom(&fa, 3)
    if let workingDirectory { ks_spawn_file_actions_addchdir(&fa, workingDirectory) }

    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    var none = sigset_t()
    var all = sigset_t()
    sigemptyset(&none)
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attr, &none)
    posix_spawnattr_setsigdefault(&attr, &all)
    posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    var env = environment ?? ProcessInfo.processInfo.environment
    env["TMUX"] = nil
    let cArgs = argv.map { strdup($0) } + [nil]
    let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        cArgs.forEach { free($0) }
        cEnv.forEach { free($0) }
    }
    var pid: pid_t = 0
    let rc = posix_spawnp(&pid, argv[0], &fa, &attr, cArgs, cEnv)
    guard rc == 0 else { throw SpawnError(program: argv[0], errno: rc) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return ProcessResult(status: exit, output: output)
}
