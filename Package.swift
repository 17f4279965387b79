// swift-tools-version:6.1
// kalypso-console: a terminal console for Kalypso hardware operators.
// Layering (arrows point down only): kalypso-console → ConsoleApp → TerminalKit;
// kalypso-console → KalypsoKit → {EthereumKit, KalypsoStore}; every module → Basics. C shims sit at the bottom.
import PackageDescription

let package = Package(
    name: "kalypso-console",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kalypso-console", targets: ["kalypso-console"]),
        .library(name: "EthereumKit", targets: ["EthereumKit"]),
        .library(name: "TerminalKit", targets: ["TerminalKit"]),
        .library(name: "Basics", targets: ["Basics"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/attaswift/BigInt.git", from: "6.0.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        // The `monitor --metrics-file` text format (the executable only).
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
    ],
    targets: [
        // C shims
        .systemLibrary(
            name: "CSecp256k1", pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]),
        .systemLibrary(name: "CNcursesw", providers: [.apt(["libncurses-dev"])]),
        .target(name: "CSystem"),

        // Libraries
        // Basics: what every module shares: the operator-error protocol, redaction, the line-aware JSON reader.
        .target(name: "Basics"),
        .target(
            name: "EthereumKit",
            dependencies: ["Basics", "CSecp256k1", .product(name: "BigInt", package: "BigInt")]),
        .target(name: "TerminalKit", dependencies: ["Basics", "CNcursesw", "CSystem"]),
        // KalypsoStore: the SQLite database (GRDB): migrations, the transaction journal, the cache tables.
        .target(
            name: "KalypsoStore",
            dependencies: [
                "Basics", .product(name: "GRDB", package: "GRDB.swift"),
                // The SQLite C API GRDB links, for binding the sync's bulk inserts without boxing every value.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),
        // KalypsoKit: config, keys, the transaction pipeline, operator API, enclave client, sync.
        .target(
            name: "KalypsoKit",
            dependencies: [
                "Basics", "EthereumKit", "KalypsoStore", "CSystem",
                .product(name: "BigInt", package: "BigInt"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]),
        // ConsoleApp: the console's screens, state, update and services (knows every layer below it).
        .target(
            name: "ConsoleApp",
            dependencies: [
                "TerminalKit", "KalypsoKit", "KalypsoStore", "EthereumKit", "Basics",
                .product(name: "BigInt", package: "BigInt"),
            ]),

        // Programs
        .executableTarget(
            name: "kalypso-console",
            dependencies: [
                "ConsoleApp", "TerminalKit", "EthereumKit", "KalypsoKit", "KalypsoStore", "Basics", "CSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .executableTarget(
            name: "kalypso-bench",
            dependencies: [
                "EthereumKit", "TerminalKit", "TerminalKitTesting", "CSystem", "KalypsoStore", "KalypsoKit", "ConsoleApp",
                "TestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Tests
        .target(name: "TestSupport", dependencies: ["CSystem"], path: "Tests/TestSupport"),
        // What screen tests share: a pseudo-terminal, a manual clock, text snapshots, the style dump, tmux.
        .target(
            name: "TerminalKitTesting", dependencies: ["TerminalKit", "Basics", "CSystem", "TestSupport"],
            path: "Tests/TerminalKitTesting"),
        .testTarget(name: "BasicsTests", dependencies: ["Basics"]),
        .testTarget(
            name: "KalypsoStoreTests", dependencies: ["KalypsoStore", "TestSupport"]),
        .testTarget(
            name: "KalypsoKitTests",
            dependencies: [
                "KalypsoKit", "KalypsoStore", "EthereumKit", "Basics", "TestSupport",
                .product(name: "BigInt", package: "BigInt"),
            ],
            exclude: ["reference", "Monitor/soak_driver.py", "Monitor/check_metrics.py"]),
        .testTarget(
            name: "EthereumKitTests",
            dependencies: ["Basics", "EthereumKit", "TestSupport", .product(name: "BigInt", package: "BigInt")],
            exclude: ["reference"]),
        .testTarget(
            name: "TerminalKitTests", dependencies: ["TerminalKit", "Basics", "TerminalKitTesting", "TestSupport"],
            exclude: ["Widgets/__Snapshots__"]),
        .testTarget(
            name: "KalypsoConsoleTests",
            dependencies: [
                "kalypso-console", "Basics", "EthereumKit", "KalypsoKit", "TestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(
            name: "ConsoleAppTests",
            dependencies: [
                "ConsoleApp", "TerminalKit", "TerminalKitTesting", "KalypsoKit", "KalypsoStore", "Basics",
                "TestSupport", "EthereumKit", .product(name: "BigInt", package: "BigInt"),
            ],
            exclude: ["__Snapshots__"]),
        .testTarget(
            name: "ConsoleEndToEndTests",
            dependencies: [
                "ConsoleApp", "TerminalKit", "TerminalKitTesting", "TestSupport", "KalypsoKit", "KalypsoStore",
            ],
            exclude: ["__Snapshots__"]),
    ],
    swiftLanguageModes: [.v6]
)
