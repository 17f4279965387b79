import KalypsoStore

extension CachedMarketProver {
    /// The registry's membership state in words, as screens and commands show it (spec §3: 1 joined, 2 no
    /// compute available, 3 working on requests, 4 exit requested).
    public var stateWords: String {
        switch state {
        case 1: "joined"
        case 2: "no compute"
        case 3: "working (\(activeRequests))"
        case 4: "leaving"
        default: "state \(state)"
        }
    }
}
