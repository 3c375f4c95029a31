import Foundation

/// A token bucket that hands out reservations instead of refusals.
///
/// A caller takes what it needs even when the bucket is short (the level goes negative) and learns when the
/// refill will have covered it. Callers therefore line up in arrival order by arithmetic alone (this is the
/// virtual-scheduling form of GCRA): no queue, no polling, O(1) per request.
struct TokenBucket: Sendable, Equatable {
  /// Units per second; `.infinity` means no limit.
  var rate: Double
  var capacity: Double
  /// Units available at `time`, after every reservation made so far; negative when over-reserved.
  var level: Double
  /// The moment `level` refers to. It lies in the future during a cool-down: nothing refills before it.
  var time: Double

  init(rate: Double, capacity: Double, level: Double? = nil, time: Double = 0) {
    self.rate = rate
    self.capacity = max(1, capacity)
    self.level = level ?? max(1, capacity)
    self.time = time
  }

  var isUnlimited: Bool { !rate.isFinite }

  /// Brings `level` forward to `now`, refilling at `rate` up to `capacity`.
  mutating func advance(to now: Double) {
    guard now > time else { return }
    if rate.isFinite {
      level = min(capacity, level + (now - time) * rate)
    } else {
      level = capacity
    }
    time = now
  }

  /// Takes `cost` units and returns the moment the caller may go (now, the cool-down's end, or later).
  mutating func reserve(_ cost: Double, now: Double) -> Double {
    advance(to: now)
    guard rate.isFinite else { return max(now, time) }
    level -= min(cost, capacity)
    return level >= 0 ? time : time + (-level) / rate
  }

  /// Returns units that were reserved but not used.
  mutating func giveBack(_ cost: Double) {
    level = min(capacity, level + min(cost, capacity))
  }

  /// Changes the refill rate from `now` on, keeping what has accrued so far.
  mutating func setRate(_ newRate: Double, capacity newCapacity: Double, now: Double) {
    advance(to: now)
    rate = newRate
    capacity = max(1, newCapacity)
    level = min(level, capacity)
  }
}
