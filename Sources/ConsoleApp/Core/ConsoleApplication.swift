import Foundation
import TerminalKit

/// The console on TerminalKit's loop: events become ``ConsoleAction``s, ``ConsoleCore`` updates the
/// state, effects become tasks on ``ConsoleServices`` whose results come back as actions.
public struct ConsoleApplication: TerminalApplication, Sendable {
    public typealias Message = ConsoleAction

    public private(set) var state: ConsoleState
    public let services: any ConsoleServices
    /// The wall clock (a fixed one in tests).
    public let clock: @Sendable () -> Date
    private var started = false

    public let minimumSize = ConsoleLayout.minimumSize
    /// The clock is read every second, but the screen redraws only when the coarse time it shows
    /// changes (whole minutes unless one of our deadlines is minutes away).
    public let tickInterval: Duration? = .seconds(1)

    public init(state: ConsoleState, services: any ConsoleServices, clock: @escaping @Sendable () -> Date = Date.init) {
        self.state = state
        self.services = services
        self.clock = clock
    }

    public var quitKeys: [Key] { state.keys.keys(for: ConsoleKeys.quit) }

    public mutating func update(_ event: Event<ConsoleAction>) -> Command<ConsoleAction> {
        var effects: [ConsoleEffect] = []
        if !started {
            started = true
            effects += ConsoleCore.start(state)
        }
        let action: ConsoleAction
        switch event {
        case .key(let k): action = .key(k)
        case .resize(let s): action = .resize(s)
        case .tick: action = .tick(clock())
        case .message(let m): action = m
        }
        let (next, more) = ConsoleCore.update(state, action)
        state = next
        effects += more
        return .batch(effects.map(command))
    }

    /// The runtime command of an effect; service calls run as tasks and come back as actions.
    func command(_ effect: ConsoleEffect) -> Command<ConsoleAction> {
        let services = self.services
        switch effect {
        case .redraw: return .redraw
        case .showScreen: return .none
        case .quit: return .quit
        case .bell: return .bell
        case .copy(let text): return .copyToClipboard(text)
        case .load:
            return .run("load") {
                do { return .loaded(.success(try await services.loadSnapshot())) } catch {
                    return .loaded(.failure(ConsoleFailure(error)))
                }
            }
        case .sync(let delay):
            return .run("sync") {
                if delay > .zero {
                    do { try await Task.sleep(for: delay) } catch { return .synced(.failure(ConsoleFailure(error))) }
                }
                do { return .synced(.success(try await services.sync())) } catch {
                    return .synced(.failure(ConsoleFailure(error)))
                }
            }
        case .review(let write):
            return .run("review") {
                do { return .reviewed(.success(try await services.review(write))) } catch {
                    return .reviewed(.failure(ConsoleFailure(error)))
                }
            }
        case .benchmark(let market):
            return .run("benchmark") {
                do {
                    return .benchmarked(marketId: market, .success(try await services.benchmark(marketId: market)))
                } catch {
                    return .benchmarked(marketId: market, .failure(ConsoleFailure(error)))
                }
            }
        case .readDetails(let delay):
            return .run("details") {
                if delay > .zero {
                    do { try await Task.sleep(for: delay) } catch {
                        return .detailsRead(.failure(ConsoleFailure(error)))
                    }
                }
                do { return .detailsRead(.success(try await services.readChainDetails())) } catch {
                    return .detailsRead(.failure(ConsoleFailure(error)))
                }
            }
        case .probeOnboarding(let inputs):
            return .run("onboarding.probe") {
                do { return .onboardingProbed(inputs, .success(try await services.probeOnboarding(inputs))) } catch {
                    return .onboardingProbed(inputs, .failure(ConsoleFailure(error)))
                }
            }
        case .onboard(let request):
            return .run("onboarding.step") {
                do { return .onboarded(request, .success(try await services.runOnboardingStep(request))) } catch {
                    return .onboarded(request, .failure(ConsoleFailure(error)))
                }
            }
        case .send(let review):
            return .run("send") {
                do { return .sent(review.write, .success(try await services.send(review))) } catch {
                    return .sent(review.write, .failure(ConsoleFailure(error)))
                }
            }
        }
    }

    public func render(into frame: inout Frame, context: RenderContext) {
        state.render(into: &frame, context: context)
    }
}
