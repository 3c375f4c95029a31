import Foundation
import LLM

/// What one provider allows, as far as the engine knows, and the request schedule that follows from it.
///
/// Pure state, driven with explicit times, so the policy can be simulated and tested without sleeping.
/// Limits come from three sources, and the tightest known one applies:
/// 1. the configuration (`RateLimit`);
/// 2. rate-limit headers: requests/min = limit/60; bucket capacity = remaining + reset × rate (right for both a
///    minute-sized bucket and a one-second burst); and the current level, synchronised from `remaining` minus
///    the requests sent since;
/// 3. 429 episodes, for providers that send no headers: the provider's bucket was empty when it refused a
///    request, so the requests it admitted between two refusals, divided by the time between them, is its rate.
///    The first episode has no earlier refusal, so it counts what got through in the last second instead.
///
/// With nothing known, requests are paced by a fast probe (a burst of 8, then 500/s, growing 2% per success,
/// and each answer returning its slot) so an unknown provider is not hit by a whole concurrency's worth at once;
/// a provider that never refuses soon runs unpaced. A 429 starts a cool-down for every caller of the provider until
/// its `Retry-After`, after which the requests that queued up are released at the learned rate, not all at once.
struct ProviderPacing: Sendable {
  /// The probe trades refusals against ramp-up: what it sends while the first refusal travels back (tens of
  /// milliseconds on a busy machine) is refused too, and a provider without limits waits about 0.1 s once for
  /// its first 64 requests to go out.
  static let probeStartRate = 500.0
  static let probeCapacity = 8.0
  static let probeGrowth = 1.02
  static let probeUnlimited = 100_000.0
  /// Cool-down after a 429 that said nothing about when to come back.
  static let defaultCoolDown = 1.0
  /// Additive increase per paced success while the 429 estimate is the binding limit: about 1% per second.
  static let estimateIncrease = 0.01
  /// The least the first 429 episode assumes got through in its one-second window.
  static let firstEstimateFloor = 4.0
  /// Requests kept in hand once a limit is known (see `applyLimits`).
  static let safetyMargin = 1.0

  struct Episode: Sendable {
    /// When the first refusal arrived and how many requests had been sent by then.
    var startTime: Double
    var startSequence: Int
    /// The requests the estimate counts: sequence numbers in `windowLow+1 ... windowHigh`.
    var windowLow: Int
    var windowHigh: Int
    var windowSeconds: Double
    var rejectionsInWindow: Int
    var isFirst: Bool
  }

  /// What the caller holds between being let through and the answer.
  struct Permit: Sendable {
    var sequence: Int
    var tokensBefore: Double
    var tokens: Double
    var sentAt: Double
    var waited: Bool
  }

  private(set) var requests: TokenBucket
  private(set) var tokens: TokenBucket?
  /// Bumped whenever earlier reservations become wrong (a 429, a tightened level); holders re-reserve.
  private(set) var generation = 0

  private let configuredRate: Double?
  private let configuredTokenRate: Double?
  private(set) var headerRate: Double?
  private var headerCapacity: Double?
  private var headerTokenRate: Double?
  private var headerTokenCapacity: Double?
  private(set) var estimatedRate: Double?
  private var estimatedCapacity: Double?
  private(set) var probeRate = probeStartRate

  private(set) var sent = 0
  private var tokensSent = 0.0
  private var pendingRequests = 0.0
  private var pendingTokens = 0.0
  private(set) var episode: Episode?
  private var recentSends = RecentTimes(capacity: 1024)

  init(configured: RateLimit?, now: Double) {
    configuredRate = configured?.requestsPerMinute.flatMap { $0 > 0 ? $0 / 60 : nil }
    configuredTokenRate = configured?.tokensPerMinute.flatMap { $0 > 0 ? $0 / 60 : nil }
    requests = TokenBucket(rate: Self.probeStartRate, capacity: Self.probeCapacity, time: now)
    if let rate = configuredTokenRate { tokens = TokenBucket(rate: rate, capacity: rate, time: now) }
    applyLimits(now: now)
  }

  /// The request rate in force (per second); `.infinity` when unpaced.
  var requestRate: Double { requests.rate }

  /// Whether anything but the probe limits this provider.
  var isLimitKnown: Bool { configuredRate != nil || headerRate != nil || estimatedRate != nil }

  // MARK: Reserving and sending

  /// Reserves one request of `tokenCost` estimated tokens; returns when it may be sent and the generation
  /// the reservation belongs to.
  mutating func reserve(tokenCost: Double, now: Double) -> (start: Double, generation: Int) {
    var start = requests.reserve(1, now: now)
    if tokens != nil { start = max(start, tokens!.reserve(tokenCost, now: now)) }
    pendingRequests += 1
    pendingTokens += tokenCost
    return (start, generation)
  }

  /// Turns a reservation into a permit at send time, or returns nil when it went stale (re-reserve).
  mutating func send(generation reserved: Int, tokenCost: Double, now: Double, waited: Bool) -> Permit? {
    guard reserved == generation else { return nil }
    pendingRequests = max(0, pendingRequests - 1)
    pendingTokens = max(0, pendingTokens - tokenCost)
    sent += 1
    let permit = Permit(sequence: sent, tokensBefore: tokensSent, tokens: tokenCost, sentAt: now, waited: waited)
    tokensSent += tokenCost
    recentSends.append(now)
    return permit
  }

  /// A reservation abandoned before sending (the caller was cancelled).
  mutating func abandon(generation reserved: Int, tokenCost: Double) {
    guard reserved == generation else { return }
    pendingRequests = max(0, pendingRequests - 1)
    pendingTokens = max(0, pendingTokens - tokenCost)
    requests.giveBack(1)
    tokens?.giveBack(tokenCost)
  }

  // MARK: Answers

  mutating func succeeded(_ permit: Permit, actualTokens: Int, snapshot: RateLimitSnapshot?, now: Double) {
    if tokens != nil { settleTokens(permit, actual: Double(actualTokens), now: now) }
    if let snapshot { synchronise(snapshot, permit: permit, now: now) }
    if !isLimitKnown {
      // An answer proves the provider had room for one more: hand the slot back (so requests made one after
      // another are never held up by the probe) and let the probe rate grow.
      probeRate = min(probeRate * Self.probeGrowth, Self.probeUnlimited)
      applyLimits(now: now)
      requests.giveBack(1)
    } else if permit.waited, let estimate = estimatedRate,
      estimate <= min(configuredRate ?? .infinity, headerRate ?? .infinity)
    {
      estimatedRate = min(estimate + Self.estimateIncrease, configuredRate ?? .infinity, headerRate ?? .infinity)
      applyLimits(now: now)
    }
  }

  /// Any other failure: the provider may still have told us its limits; unused tokens go back.
  mutating func failed(_ permit: Permit, snapshot: RateLimitSnapshot?, now: Double) {
    tokens?.giveBack(permit.tokens)
    if let snapshot { synchronise(snapshot, permit: permit, now: now) }
  }

  /// A 429. Starts (or extends) the provider-wide cool-down and updates the rate estimate.
  mutating func rateLimited(_ permit: Permit, retryAfter: Double?, snapshot: RateLimitSnapshot?, now: Double) {
    tokens?.giveBack(permit.tokens)
    if let snapshot { learnLimits(snapshot) }
    let coolDownEnd = now + max(0, retryAfter ?? Self.defaultCoolDown)

    if var current = episode, permit.sequence <= current.startSequence {
      // Part of the burst that was already in flight when the episode began.
      let end = max(requests.time, coolDownEnd)
      if permit.sequence > current.windowLow && permit.sequence <= current.windowHigh {
        current.rejectionsInWindow += 1
        episode = current
        estimate(from: current)
        applyLimits(now: now)
        // Slots booked under the higher estimate would all go out when the cool-down ends: void them.
        invalidateReservations(now: now)
        requests.level = min(requests.capacity, requests.rate * (end - current.startTime) - Self.safetyMargin)
      }
      requests.time = end
      return
    }

    let window: Episode
    if let previous = episode {
      window = Episode(
        startTime: now, startSequence: sent, windowLow: previous.startSequence, windowHigh: permit.sequence,
        windowSeconds: permit.sentAt - previous.startTime, rejectionsInWindow: 1, isFirst: false)
    } else {
      let recent = recentSends.count(since: now - 1)
      window = Episode(
        startTime: now, startSequence: sent, windowLow: max(0, sent - recent), windowHigh: sent, windowSeconds: 1,
        rejectionsInWindow: 1, isFirst: true)
    }
    episode = window
    estimate(from: window)
    applyLimits(now: now)
    startCoolDown(until: coolDownEnd, now: now)
  }

  // MARK: Learning

  private mutating func estimate(from window: Episode) {
    let admitted = Double(max(1, window.windowHigh - window.windowLow - window.rejectionsInWindow))
    if window.isFirst {
      // A count of one or two says more about how little was sent than about the limit; later episodes
      // (each able to halve the estimate) bring a floor that was too high down quickly.
      let count = max(admitted, Self.firstEstimateFloor)
      estimatedRate = count / window.windowSeconds
      estimatedCapacity = count
    } else if window.windowSeconds >= 0.05 {
      // The provider's bucket held less than one request at each refusal, not exactly zero, so the count is
      // uncertain by one: take the high end. Overestimating costs an occasional 429 (whose cool-down wastes
      // nothing, the bucket being empty); underestimating would waste time on every request.
      let measured = (admitted + 1) / window.windowSeconds
      let rate = max(measured, (estimatedRate ?? measured) * 0.5)
      estimatedRate = rate
      estimatedCapacity = max(1, min(estimatedCapacity ?? rate, rate))
    }
  }

  private mutating func learnLimits(_ snapshot: RateLimitSnapshot) {
    if let limit = snapshot.limitRequests, limit > 0 {
      headerRate = Double(limit) / 60
      if let remaining = snapshot.remainingRequests, let reset = snapshot.resetRequestsSeconds, reset >= 0 {
        headerCapacity = max(1, Double(remaining) + reset * headerRate!)
      }
    }
    if let limit = snapshot.limitTokens, limit > 0 {
      headerTokenRate = Double(limit) / 60
      if let remaining = snapshot.remainingTokens, let reset = snapshot.resetTokensSeconds, reset >= 0 {
        headerTokenCapacity = max(1, Double(remaining) + reset * headerTokenRate!)
      }
    }
  }

  /// Brings the model in line with what a response's headers say is left.
  private mutating func synchronise(_ snapshot: RateLimitSnapshot, permit: Permit, now: Double) {
    // Headers of a request sent before the latest 429 describe a past the cool-down already replaced.
    if let current = episode, permit.sequence <= current.startSequence { return }
    learnLimits(snapshot)
    applyLimits(now: now)
    guard requests.time <= now else { return }

    if let remaining = snapshot.remainingRequests {
      if requests.isUnlimited, remaining == 0, let reset = snapshot.resetRequestsSeconds, reset > 0 {
        // Out of requests and no rate to pace by: wait for the reset the provider named.
        startCoolDown(until: now + reset, now: now)
        return
      }
      if !requests.isUnlimited {
        let refilled = min(requests.capacity, Double(remaining) + (now - permit.sentAt) * requests.rate)
        let observed = refilled - Double(sent - permit.sequence) - Self.safetyMargin
        requests.advance(to: now)
        if requests.level - (observed - pendingRequests) >= 1 {
          // Reservations were handed out against room that is not there: void them, their holders queue again.
          invalidateReservations(now: now)
          requests.level = observed
        } else if (observed - pendingRequests) - requests.level >= 1 {
          requests.level = observed - pendingRequests
        }
      }
    }
    if let remaining = snapshot.remainingTokens, var bucket = tokens {
      let refilled = min(bucket.capacity, Double(remaining) + (now - permit.sentAt) * bucket.rate)
      let observed = refilled - (tokensSent - permit.tokensBefore - permit.tokens) - pendingTokens
      bucket.advance(to: now)
      if bucket.level > observed + 1 { bucket.level = observed }
      tokens = bucket
    }
  }

  private mutating func settleTokens(_ permit: Permit, actual: Double, now: Double) {
    guard var bucket = tokens else { return }
    bucket.advance(to: now)
    bucket.level = min(bucket.capacity, bucket.level + permit.tokens - actual)
    tokens = bucket
  }

  /// Every caller of the provider waits until `end`; the bucket then holds what refills meanwhile.
  private mutating func startCoolDown(until end: Double, now: Double) {
    invalidateReservations(now: now)
    let rate = requests.rate.isFinite ? requests.rate : requests.capacity
    requests.level = min(requests.capacity, rate * (end - now) - Self.safetyMargin)
    requests.time = end
    if let time = tokens?.time, time < end { tokens?.time = end }
  }

  /// Voids every reservation not yet used (`send` then tells its holder to queue again): request slots are
  /// reset by the caller, reserved tokens go back to the token bucket.
  private mutating func invalidateReservations(now: Double) {
    generation += 1
    pendingRequests = 0
    if var bucket = tokens {
      bucket.advance(to: now)
      bucket.level = min(bucket.capacity, bucket.level + pendingTokens)
      tokens = bucket
    }
    pendingTokens = 0
  }

  /// Applies the tightest known limits to the buckets.
  private mutating func applyLimits(now: Double) {
    let known = [configuredRate, headerRate, estimatedRate].compactMap { $0 }
    if let rate = known.min() {
      // Configured limits allow one second's worth at once: a safe guess for how large the provider's bucket is.
      // One request is held back so the schedule runs a slot behind the provider's refill: arrival jitter then
      // never lands a request a hair before the token it needs.
      let capacity = [configuredRate, headerCapacity, estimatedCapacity].compactMap { $0 }.min() ?? rate
      setRequestRate(rate, capacity: max(1, capacity - Self.safetyMargin), now: now)
    } else if probeRate >= Self.probeUnlimited {
      setRequestRate(.infinity, capacity: Self.probeCapacity, now: now)
    } else {
      setRequestRate(probeRate, capacity: Self.probeCapacity, now: now)
    }
    if let rate = [configuredTokenRate, headerTokenRate].compactMap({ $0 }).min() {
      let capacity = [configuredTokenRate, headerTokenCapacity].compactMap { $0 }.min() ?? rate
      if tokens == nil { tokens = TokenBucket(rate: rate, capacity: capacity, time: now) }
      tokens!.setRate(rate, capacity: capacity, now: now)
    }
  }

  private mutating func setRequestRate(_ rate: Double, capacity: Double, now: Double) {
    guard rate != requests.rate || max(1, capacity) != requests.capacity else { return }
    if requests.time > now {
      // In a cool-down: keep its end, recompute what will have refilled by then.
      let waited = requests.time - now
      requests.rate = rate
      requests.capacity = max(1, capacity)
      requests.level = min(requests.level, requests.capacity, rate.isFinite ? rate * waited : requests.capacity)
    } else {
      requests.setRate(rate, capacity: capacity, now: now)
    }
  }
}

/// The last few send times, to count how many requests went out in the last second.
struct RecentTimes: Sendable {
  private var times: [Double]
  private var next = 0
  private var filled = 0

  init(capacity: Int) { times = [Double](repeating: 0, count: capacity) }

  mutating func append(_ time: Double) {
    times[next] = time
    next = (next + 1) % times.count
    filled = min(filled + 1, times.count)
  }

  func count(since start: Double) -> Int {
    var total = 0
    var index = next
    while total < filled {
      index = (index - 1 + times.count) % times.count
      if times[index] < start { break }
      total += 1
    }
    return total
  }
}
