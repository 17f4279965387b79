import Basics
import EthereumKit

extension KalypsoConfig {
    /// The resolved configuration as (key, value) rows for `config check`: URLs redacted, key sources
    /// shown by kind and path only, defaults included so the operator sees what is in force.
    public var summaryRows: [(key: String, value: String)] {
        var rows: [(String, String)] = []
        func add(_ k: String, _ v: String?) { if let v { rows.append((k, v)) } }
        add("networkName", networkName)
        add("chainId", chainId.map(String.init))
        for (i, u) in rpcHttp.enumerated() { add(rpcHttp.count == 1 ? "rpcHttp" : "rpcHttp[\(i)]", u.redacted) }
        add("rpcWs", rpcWs?.redacted)
        add("generation", generation?.rawValue ?? "(detect from the chain)")
        add("logStartBlock", logStartBlock.map(String.init))
        add("readOnly", readOnly ? "true" : "false")
        add("operator", operatorAddress?.checksummed)
        for (k, a) in contracts.all { add(k, a.checksummed) }
        for (id, m) in markets.sorted(by: { $0.key < $1.key }) {
            add("markets.\(id).teeVerifier", m.teeVerifier?.checksummed ?? "(none)")
        }
        for (name, e) in [
            ("generatorEnclave", generatorEnclave), ("matchingEngineEnclave", matchingEngineEnclave),
            ("ivsEnclave", ivsEnclave),
        ] {
            add("\(name).url", e?.url?.redacted)
            add("\(name).utilityUrl", e?.utilityUrl?.redacted)
            add("\(name).enclavePubkey", e?.enclavePubkey.map { Hex.encode($0) })
        }
        add("checkInputUrl", checkInputUrl?.redacted)
        add("attestationVerifierEndPoint", attestationVerifierEndPoint?.redacted)
        add("refresh.chainPoll", Self.format(refresh.chainPoll))
        add("refresh.screen", Self.format(refresh.screen))
        add("theme", theme)
        for (action, keys) in keyBindings.sorted(by: { $0.key < $1.key }) {
            add("keyBindings.\(action)", keys.joined(separator: ","))
        }
        add("fees.maxFeePerGas", Units.formatGwei(fees.maxFeePerGas) + " gwei")
        add("fees.maxTotalFee", Units.formatEther(fees.maxTotalFee) + " ETH")
        add("confirmations", String(confirmations))
        add("operatorKey", operatorKey.map(Self.describe))
        add("enclaveGasKey", enclaveGasKey.map(Self.describe))
        return rows
    }

    static func describe(_ spec: KeySpec) -> String {
        switch spec {
        case .keystore(let path, let pw): return "keystore \(path)" + (pw.map { ", password file \($0)" } ?? "")
        case .keyFile(let path): return "key file \(path)"
        case .environment(let v): return "environment variable \(v)"
        }
    }

    /// `4s`, `500ms`: durations as the config writes them.
    public static func format(_ d: Duration) -> String {
        let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        if ms % 3_600_000 == 0 { return "\(ms / 3_600_000)h" }
        if ms % 60_000 == 0 { return "\(ms / 60_000)m" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }
}
