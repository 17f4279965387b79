import Foundation
import KalypsoStore

/// A job with what the screens derive from the time: the countdown in words and seconds.
struct CachedJobView {
    var job: CachedJob
    var secondsLeft: Int64?
    /// What is left in the job's own unit (blocks or seconds).
    var left: (value: Int64, unit: String)?
    var deadlineWords: String

    init(_ job: CachedJob, _ env: ScreenEnvironment) {
        self.job = job
        if let data = env.data {
            secondsLeft = ConsoleTime.secondsLeft(job, data: data, network: env.network, now: env.now)
            left = ConsoleTime.left(job, data: data, now: env.now)
            deadlineWords =
                job.deadline > 0 || job.outcome == nil
                ? ConsoleTime.words(job, data: data, network: env.network, now: env.now) : "—"
        } else {
            secondsLeft = nil
            left = nil
            deadlineWords = "unknown"
        }
    }
}
