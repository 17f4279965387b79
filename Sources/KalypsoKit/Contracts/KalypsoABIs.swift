import EthereumKit
import Foundation

/// One Kalypso ABI compiled into the binary.
public struct BundledABI: Sendable {
    /// The file it came from, relative to the repository's `abi/` (`v1-generator-registry/GeneratorRegistry.json`).
    public let path: String
    /// The contract name (`GeneratorRegistry`; `ProofMarketplace.arbitrum-one-delta` keeps its suffix).
    public let name: String
    /// "A" (GeneratorRegistry generation), "B" (ProverManager generation) or "shared" (both).
    public let generation: String
    public let abi: ContractABI
}

/// The Kalypso ABIs of both contract generations, as compiled into the binary from `abi/` by
/// `scripts/generate-abi-source.py`: an installed console needs no checkout at run time.
public enum KalypsoABIs {
    /// Parses every bundled ABI. A failure means the generated source is broken (a test guards it), and
    /// the error names the file.
    public static func load() throws(ABIJSONError) -> [BundledABI] {
        var out: [BundledABI] = []
        out.reserveCapacity(BundledABISource.files.count)
        for file in BundledABISource.files {
            let abi = try ContractABI(json: Data(file.json.utf8), source: "abi/" + file.path)
            let base = (file.path as NSString).lastPathComponent
            let name = base.hasSuffix(".json") ? String(base.dropLast(5)) : base
            out.append(BundledABI(path: file.path, name: name, generation: file.generation, abi: abi))
        }
        return out
    }

    /// The paths of the bundled files, relative to `abi/`, without parsing them.
    public static var paths: [String] { BundledABISource.files.map(\.path) }
}
