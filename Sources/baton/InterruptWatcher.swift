#if canImport(Glibc)
  @preconcurrency import Glibc
#endif
import Dispatch
import Synchronization

/// Turns Ctrl-C into a clean cancellation: the first SIGINT calls `onInterrupt`, a second one exits.
final class InterruptWatcher: Sendable {
  /// Dispatch sources are thread-safe; the type just is not marked Sendable.
  nonisolated(unsafe) private let source: any DispatchSourceSignal
  private let interrupts = InterruptCount()

  init(onInterrupt: @escaping @Sendable () -> Void) {
    signal(SIGINT, SIG_IGN)  // the dispatch source sees it; the default action would kill us mid-write
    source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    source.setEventHandler { [interrupts] in
      if interrupts.next() == 1 { onInterrupt() } else { _exit(130) }  // no atexit handlers: see main.swift
    }
    source.resume()
  }

  func stop() {
    source.cancel()
    signal(SIGINT, SIG_DFL)
  }
}

/// How many times Ctrl-C has been pressed.
private final class InterruptCount: Sendable {
  private let count = Atomic<Int>(0)

  func next() -> Int { count.add(1, ordering: .relaxed).newValue }
}
