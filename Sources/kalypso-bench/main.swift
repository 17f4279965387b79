import ArgumentParser

/// Benchmarks: programs with figures, run in release mode (see BENCHMARKS.md).
struct KalypsoBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kalypso-bench",
        abstract: "Benchmarks for kalypso-console (build with -c release).",
        subcommands: [
            EthereumBenchmark.self, ABIBenchmark.self, TerminalBenchmark.self, RPCBenchmark.self, CacheBenchmark.self,
            CacheIndexBenchmark.self, ConsoleBenchmark.self,
        ]
    )
}

KalypsoBench.main()
