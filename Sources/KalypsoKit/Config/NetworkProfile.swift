/// A built-in description of a public Kalypso deployment (spec §4), so an operator only adds an RPC URL,
/// a key and their enclave's address. A config file read with `--network` overrides any of its values.
///
/// Profiles are written as kalypso-config.json text and read by the same parser as files, so they obey
/// the same rules and a test checks every address's EIP-55 checksum.
public struct NetworkProfile: Sendable, Equatable {
    /// The `--network` name.
    public let name: String
    /// Where the facts come from.
    public let source: String
    /// The profile as kalypso-config.json text.
    public let json: String

    /// The profile as a configuration (no RPC URL: providers and their API keys are the operator's choice).
    public func config() throws(ConfigError) -> KalypsoConfig {
        try ConfigParser.parse(json, file: "built-in network \(name)")
    }

    public static func named(_ name: String) -> NetworkProfile? { all.first { $0.name == name } }

    public static let all: [NetworkProfile] = [arbitrumOne, arbitrumSepoliaA, arbitrumSepoliaB]

    /// Generation B on Arbitrum One (42161): kalypso-contracts `jung/initial-deploy:addresses/42161.json`,
    /// start block from KalypsoProver/points-subgraph (spec §4.1). Stake tokens are read from NativeStaking.
    public static let arbitrumOne = NetworkProfile(
        name: "arbitrum-one", source: "spec §4.1 (addresses/42161.json, points-subgraph startBlock)",
        json: """
            {
              "networkName": "Arbitrum One (Kalypso Generation B)",
              "chainId": 42161,
              "generation": "B",
              "logStartBlock": 299180250,
              "proof_market_place": "0xE68A7457c0fd11CcBe96126Bf69B27a9064636a2",
              "generator_registry": "0xEcF45b1272D3B0ed2eB2A3c85b1E4bBa8a3611D6",
              "entity_registry": "0x9C0Da9ac6B563A87CAf6F5b49f58f3C6D8D9BDef",
              "stakingManager": "0xC141DE136254fD5954b779cC01b57f98Ee3A60E8",
              "nativeStaking": "0xd96418F0507F992E2a33942e54FA832ba3d2287e",
              "symbioticStaking": "0x356CBC9971867b71b904D38C620320589B489FE3",
              "attestation_verifier": "0x73621e72D012e043bB5F2B8A4A794564558369FA",
              "payment_token": "0xaf88d065e77c8cC2239327C5EDb3A432268e5831"
            }
            """)

    /// Generation A on Arbitrum Sepolia (421614): kalypso-contracts `master:addresses/421614.json` =
    /// `noir_examples:contracts/arb-sepolia.json`, the tutorial's deployment (spec §4.2). The noir market is
    /// market 0; its start block is the log start. `tee_verifier_deployer` follows the examples (spec §9 item 10).
    public static let arbitrumSepoliaA = NetworkProfile(
        name: "arbitrum-sepolia-a", source: "spec §4.2 (addresses/421614.json, noir_examples requestData.json)",
        json: """
            {
              "networkName": "Arbitrum Sepolia (Kalypso Generation A, tutorial)",
              "chainId": 421614,
              "generation": "A",
              "logStartBlock": 79372296,
              "proof_market_place": "0x0b6340a893B944BDc3B4F012e934b724c83abF97",
              "generator_registry": "0x5ce3e1010028C4F5687356D721e3e2B6DcEA7C25",
              "entity_registry": "0x002064F4d224EA4F90e9A74B5fE3f3812886c6DF",
              "attestation_verifier": "0x63EEf1576b477Aa60Bfd7300B2C85b887639Ac1b",
              "payment_token": "0x01d84D33CC8636F83d2bb771e184cE57d8356863",
              "staking_token": "0xdb69299dDE4A00c99b885D9f8748B2AeD1Fe4Ed4",
              "tee_verifier_deployer": "0x5acCC2F599045D13EA03e4c2b7b0Ed9F8C7Fb99C",
              "markets": { "0": { "teeVerifier": "0x358Da0390cc7C81017030d6C06BA2eFA09FC2AdB" } }
            }
            """)

    /// Generation B on Arbitrum Sepolia (421614): kalypso-contracts `jung/initial-deploy:addresses/421614.json`
    /// (camelCase set), start block from points-subgraph `subgraph-arbSep.yaml` (spec §4.1); mock USDC pays,
    /// mock POND is the template's staking token.
    public static let arbitrumSepoliaB = NetworkProfile(
        name: "arbitrum-sepolia-b", source: "spec §4.1 (addresses/421614.json, subgraph-arbSep.yaml startBlock)",
        json: """
            {
              "networkName": "Arbitrum Sepolia (Kalypso Generation B)",
              "chainId": 421614,
              "generation": "B",
              "logStartBlock": 113435500,
              "proof_market_place": "0xC05d689B341d84900f0d0CE36f35aDAbfB57F68d",
              "generator_registry": "0x4743a2c7a96C9FBED8b7eAD980aD01822F9711Db",
              "entity_registry": "0x457D42573096b339bA48Be576e9Db4Fc5F186091",
              "stakingManager": "0xaf2ae7Ce949665ebA8a43A31DF73F4814252Cc84",
              "nativeStaking": "0x5F1666aEB646439157e139FF37637302168e6bb9",
              "symbioticStaking": "0x078B3f1504a4B5Bc08EB057cd2Fc8DD790459163",
              "attestation_verifier": "0x63EEf1576b477Aa60Bfd7300B2C85b887639Ac1b",
              "payment_token": "0x8230d71d809718132C2054704F5E3aF1b86B669C",
              "staking_token": "0xB5570D4D39dD20F61dEf7C0d6846790360b89a18"
            }
            """)
}
