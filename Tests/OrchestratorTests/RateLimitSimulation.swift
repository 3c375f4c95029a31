import Foundation
@testable import LLM
@testable import Orchestrator

/// A discrete-event simulation of the engine's pacing against a token-bucket provider, in virtual time.
///
/// It drives the real `ProviderPacing` and `RetryPolicy` the way `RateLimiter` and the call loop do (reserve,
/// sleep until the slot, re-reserve when the slot went stale, retry 429s after the backoff), so the headline
/// numbers of the 429 benchmark can be checked deterministically and without sleeping.
struct PacingSimulation {
  struct ServerBucket {
    var rate: Double
    var capacity: Double
    var level: Double
    var time = 0.0

    mutating func refill(_ now: Double) {
      if now > time {
        level = min(capacity, level + (now - time) * rate)
        time = now
      }
    }
  }

  enum RetryAfterStyle { case none, wholeSeconds, milliseconds }

  struct Outcome {
    var completed = 0
    var failed = 0
    var rejected = 0
    var makespan = 0.0
  }

  var subtasks = 100
  var concurrency = 64
  var latency = 0.2
  /// nil: the provider has no limit.
  var requestsPerMinute: Double? = 600
  var burstSeconds = 1.0
  var sendsHeaders = false
  var retryAfter = RetryAfterStyle.wholeSeconds
  var rejectLatency = 0.001
  var policy = RetryPolicy()
  var seed: UInt64 = 1
  var configured: RateLimit?
  /// One-way network delay is uniform in `0...networkJitter` (plus nothing else), so arrivals are not exactly paced.
  var networkJitter = 0.002

  private enum Action {
    case reserve
    case wake(generation: Int)
    case answer(ok: Bool, permit: ProviderPacing.Permit, retryAfter: Double?, snapshot: RateLimitSnapshot?)
  }
  private struct Event {
    var time: Double
    var order: Int
    var caller: Int
    var action: Action
  }
  /// Caller ids: 0 = planner, 1...subtasks = workers, subtasks+1 = synthesizer.
  private struct Caller {
    var attempts = 0
    var reservedAt = 0.0
  }

  func run() -> Outcome {
    var random = SplitMix(seed: seed)
    var pacing = ProviderPacing(configured: configured, now: 0)
    var server = requestsPerMinute.map {
      ServerBucket(rate: $0 / 60, capacity: max(1, $0 / 60 * burstSeconds), level: max(1, $0 / 60 * burstSeconds))
    }
    var queue: [Event] = []
    var order = 0
    var callers = [Caller](repeating: Caller(), count: subtasks + 2)
    var outcome = Outcome()
    var nextWorker = 1
    var running = 0
    var workersDone = 0

    func schedule(_ time: Double, _ caller: Int, _ action: Action) {
      order += 1
      let event = Event(time: time, order: order, caller: caller, action: action)
      let index = queue.firstIndex { ($0.time, $0.order) > (event.time, event.order) } ?? queue.endIndex
      queue.insert(event, at: index)
    }

    schedule(0, 0, .reserve)
    while !queue.isEmpty {
      let event = queue.removeFirst()
      let now = event.time
      let id = event.caller
      switch event.action {
      case .reserve:
        let reservation = pacing.reserve(tokenCost: 100, now: now)
        callers[id].reservedAt = now
        if reservation.start <= now {
          schedule(now, id, .wake(generation: reservation.generation))
        } else {
          schedule(reservation.start, id, .wake(generation: reservation.generation))
        }
      case .wake(let generation):
        let waited = now > callers[id].reservedAt
        guard let permit = pacing.send(generation: generation, tokenCost: 100, now: now, waited: waited) else {
          schedule(now, id, .reserve)
          continue
        }
        callers[id].attempts += 1
        var admitted = true
        var wait = 0.0
        let arrival = now + networkJitter * random.nextUnit()
        if server != nil {
          server!.refill(arrival)
          if server!.level >= 1 {
            server!.level -= 1
          } else {
            admitted = false
            wait = (1 - server!.level) / server!.rate
          }
        }
        var snapshot: RateLimitSnapshot?
        if sendsHeaders, let bucket = server {
          snapshot = RateLimitSnapshot(
            limitRequests: Int(requestsPerMinute!), remainingRequests: Int(bucket.level.rounded(.down)),
            resetRequestsSeconds: (bucket.capacity - bucket.level) / bucket.rate)
        }
        if admitted {
          schedule(arrival + latency, id, .answer(ok: true, permit: permit, retryAfter: nil, snapshot: snapshot))
        } else {
          outcome.rejected += 1
          let header: Double? =
            switch retryAfter {
            case .none: nil
            case .wholeSeconds: max(1, wait.rounded(.up))
            case .milliseconds: max(0.001, (wait * 1000).rounded(.up) / 1000)
            }
          schedule(
            arrival + rejectLatency, id, .answer(ok: false, permit: permit, retryAfter: header, snapshot: snapshot))
        }
      case .answer(let ok, let permit, let retryAfterSeconds, let snapshot):
        if ok {
          pacing.succeeded(permit, actualTokens: 100, snapshot: snapshot, now: now)
        } else {
          pacing.rateLimited(permit, retryAfter: retryAfterSeconds, snapshot: snapshot, now: now)
          if callers[id].attempts < policy.maxAttempts {
            let delay = policy.delay(
              afterAttempt: callers[id].attempts, retryAfter: retryAfterSeconds, rateLimited: true,
              unit: random.nextUnit())
            schedule(now + delay, id, .reserve)
            continue
          }
        }
        // The call is over (done or out of attempts).
        if id == 0 {
          if !ok { return outcome }
          while running < concurrency && nextWorker <= subtasks {
            schedule(now, nextWorker, .reserve)
            nextWorker += 1
            running += 1
          }
        } else if id <= subtasks {
          if ok { outcome.completed += 1 } else { outcome.failed += 1 }
          running -= 1
          workersDone += 1
          if nextWorker <= subtasks {
            schedule(now, nextWorker, .reserve)
            nextWorker += 1
            running += 1
          } else if workersDone == subtasks {
            schedule(now, subtasks + 1, .reserve)
          }
        } else {
          outcome.makespan = now
          return outcome
        }
      }
    }
    return outcome
  }
}

/// A small seeded generator so simulated jitter is reproducible.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
