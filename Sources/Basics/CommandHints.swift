/// The commands that error hints and summaries tell an operator to run, in one table, so each is spelled
/// the same everywhere and a test (CommandHintsTests) runs every one of them as printed against a devnet.
///
/// A hint names a command only if the command exists in this build; placeholders are in capitals (`HASH`).
public enum CommandHints {
    /// The transaction journal of this machine.
    public static let txList = "kalypso-console tx list"
    /// One journal entry with its receipt.
    public static let txShow = "kalypso-console tx show HASH"
    /// A pending transaction re-sent with higher fees.
    public static let txSpeedUp = "kalypso-console tx speed-up HASH"
    /// The configuration and what it points at.
    public static let configCheck = "kalypso-console config check"
    /// The market list (ids, kinds, provers) from the cache, synced first.
    public static let markets = "kalypso-console markets --refresh"
    /// Line-oriented events for logs and screen readers.
    public static let monitorPlain = "kalypso-console monitor --refresh --plain"
    /// The devnet's enclave simulator, from the repository root (Debian has no `python`).
    public static let devnetCtl = "devnet/ctl state"

    /// Every hint above, for the test that runs them.
    public static let all = [txList, txShow, txSpeedUp, configCheck, markets, monitorPlain, devnetCtl]
}
