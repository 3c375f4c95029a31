#if canImport(Glibc)
  @preconcurrency import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Foundation
import Synchronization

/// A channel over two file descriptors (stdin/stdout by default; pipes in tests).
///
/// Reading happens on one dedicated thread with blocking `read(2)`, never inside a Swift task (the
/// cooperative pool has as few threads as cores, and one blocked task stalls everything).
/// Writing happens on one dedicated writer thread: `send` only appends a whole frame to a buffer,
/// so a peer that stops reading can never block the caller, frames never interleave, and frames
/// queued together go out in one `write(2)`.
public final class StdioChannel: MessageChannel {
  private let inputDescriptor: Int32
  private let outputDescriptor: Int32
  private let maxFrameBytes: Int
  private let fixedFraming: Framing?
  private let output: OutputQueue

  /// - Parameters:
  ///   - framing: a fixed framing, or nil to sniff it from the peer's first non-blank byte
  ///     (replies then use the same framing; anything sent before that waits).
  public init(
    input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, framing: Framing? = nil,
    maxFrameBytes: Int = 16 * 1024 * 1024
  ) {
    inputDescriptor = input
    outputDescriptor = output
    self.maxFrameBytes = maxFrameBytes
    fixedFraming = framing
    self.output = OutputQueue(descriptor: output, framing: framing)
  }

  public var framing: Framing? { output.framing }

  /// Starts the reader and writer threads. Call once.
  public func start(
    receiver: @escaping @Sendable (InboundEvent?) -> Void,
    onOutputBroken: @escaping @Sendable (OutputFailure) -> Void
  ) {
    Self.ignoreSIGPIPE()
    output.onBroken(onOutputBroken)
    let reader = Thread { [self] in readLoop(receiver) }
    reader.name = "baton.stdin"
    reader.start()
    let writer = Thread { [output] in output.writeLoop() }
    writer.name = "baton.stdout"
    writer.start()
  }

  public func send(_ payload: [UInt8]) { output.enqueue(payload) }

  public func flush() async { await output.flush() }

  public func close() {
    output.close()
  }

  /// Writing to a closed pipe must fail with EPIPE, not kill the process.
  public static func ignoreSIGPIPE() {
    signal(SIGPIPE, SIG_IGN)
  }

  private func readLoop(_ receiver: @Sendable (InboundEvent?) -> Void) {
    var decoder = FrameDecoder(framing: fixedFraming, maxFrameBytes: maxFrameBytes)
    let chunkSize = 64 * 1024
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 1)
    defer { chunk.deallocate() }
    while true {
      let count = read(inputDescriptor, chunk.baseAddress, chunkSize)
      if count < 0 {
        if errno == EINTR { continue }
        break
      }
      if count == 0 { break }
      decoder.append(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
      while let event = decoder.next() {
        if output.framing == nil, let sniffed = decoder.framing { output.adopt(sniffed) }
        switch event {
        case .frame(let bytes): receiver(.frame(bytes))
        case .error(let error): receiver(.framingError(error))
        }
      }
      if output.framing == nil, let sniffed = decoder.framing { output.adopt(sniffed) }
    }
    if decoder.hasPartialFrame {
      receiver(.framingError(.truncatedAtEndOfInput(bufferedBytes: decoder.bufferedByteCount)))
    }
    receiver(nil)
  }
}

/// The bytes waiting for stdout, and the thread that writes them.
///
/// When the output is a pipe or socket it is made non-blocking, and a frame sent while nothing is
/// queued is written at once by the sender (saving a thread wake-up per reply); whatever the pipe
/// cannot take right away is queued for the writer thread, which waits with `poll(2)`. A terminal or
/// file keeps blocking writes, all done by the writer thread. The first failed write breaks the queue
/// for good: it is reported once, and everything after it is dropped.
///
/// - Important: every field is guarded by `condition`; `write(2)` is only called with `condition`
///   held (inline) or by the writer thread while `writerBusy` keeps senders from writing inline.
private final class OutputQueue: @unchecked Sendable {
  private let condition = NSCondition()
  private let descriptor: Int32
  private var currentFraming: Framing?
  /// Payloads sent before the framing was known.
  private var unframed: [[UInt8]] = []
  private var pending: [UInt8] = []
  private var enqueuedFrames = 0
  private var writtenFrames = 0
  private var framesInPending = 0
  /// Set by the first failed write.
  private var failure: OutputFailure?
  private var broken: Bool { failure != nil }
  /// Told of the failure once; taken when called so it never runs twice.
  private var brokenHandler: (@Sendable (OutputFailure) -> Void)?
  private var closed = false
  /// The writer thread has taken bytes and is writing them; senders must queue behind it.
  private var writerBusy = false
  private let writesInline: Bool
  private var flushWaiters: [(target: Int, continuation: CheckedContinuation<Void, Never>)] = []

  init(descriptor: Int32, framing: Framing?) {
    self.descriptor = descriptor
    currentFraming = framing
    writesInline = Self.makeNonBlockingIfPipe(descriptor)
  }

  /// Pipes and sockets belong to Baton and its parent alone, so non-blocking mode is safe there;
  /// a terminal is shared with the shell and is left alone.
  private static func makeNonBlockingIfPipe(_ descriptor: Int32) -> Bool {
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { return false }
    let type = info.st_mode & S_IFMT
    guard type == S_IFIFO || type == S_IFSOCK else { return false }
    let flags = fcntl(descriptor, F_GETFL)
    return flags >= 0 && fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0
  }

  /// Registers who is told when the output breaks; told at once if it already has.
  func onBroken(_ handler: @escaping @Sendable (OutputFailure) -> Void) {
    condition.lock()
    let alreadyBroken = failure
    if alreadyBroken == nil { brokenHandler = handler }
    condition.unlock()
    if let alreadyBroken { handler(alreadyBroken) }
  }

  /// Records the first failure; returns what to tell, to be called once `condition` is released.
  /// - Important: call with `condition` held.
  private func breakOutput(_ failure: OutputFailure) -> (() -> Void)? {
    guard !broken else { return nil }
    self.failure = failure
    writtenFrames = enqueuedFrames
    resumeSatisfiedWaiters()
    guard let handler = brokenHandler.take() else { return nil }
    return { handler(failure) }
  }

  var framing: Framing? {
    condition.lock()
    defer { condition.unlock() }
    return currentFraming
  }

  /// Fixes the framing (sniffed from the peer) and releases anything that was waiting for it.
  func adopt(_ framing: Framing) {
    condition.lock()
    defer { condition.unlock() }
    guard currentFraming == nil else { return }
    currentFraming = framing
    for payload in unframed {
      pending.append(contentsOf: framing.encode(payload))
      framesInPending += 1
    }
    unframed.removeAll()
    condition.signal()
  }

  func enqueue(_ payload: [UInt8]) {
    condition.lock()
    let report = enqueueLocked(payload)
    condition.unlock()
    report?()
  }

  /// - Important: call with `condition` held; returns a failure report to make once it is released.
  private func enqueueLocked(_ payload: [UInt8]) -> (() -> Void)? {
    enqueuedFrames += 1
    if broken || closed {
      writtenFrames += 1
      resumeSatisfiedWaiters()
      return nil
    }
    if let framing = currentFraming {
      let frame = framing.encode(payload)
      if writesInline && pending.isEmpty && !writerBusy {
        switch writeWithoutBlocking(frame) {
        case .done:
          writtenFrames += 1
          resumeSatisfiedWaiters()
          return nil
        case .partial(let written):
          pending.append(contentsOf: frame[written...])
        case .failed(let failure):
          return breakOutput(failure)
        }
      } else {
        pending.append(contentsOf: frame)
      }
      framesInPending += 1
      condition.signal()
    } else {
      unframed.append(payload)
    }
    return nil
  }

  func flush() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      condition.lock()
      defer { condition.unlock() }
      // Frames held back for an unknown framing cannot be written yet; don't wait for them forever.
      let target = enqueuedFrames - unframed.count
      if writtenFrames >= target || broken || closed {
        continuation.resume()
      } else {
        flushWaiters.append((target, continuation))
      }
    }
  }

  func close() {
    condition.lock()
    defer { condition.unlock() }
    closed = true
    condition.signal()
  }

  func writeLoop() {
    while true {
      condition.lock()
      while pending.isEmpty && !closed { condition.wait() }
      if pending.isEmpty && closed {
        failWaiters()
        condition.unlock()
        return
      }
      let bytes = pending
      let frames = framesInPending
      pending.removeAll(keepingCapacity: true)
      framesInPending = 0
      writerBusy = true
      condition.unlock()

      let failure = writeAll(bytes)

      condition.lock()
      writerBusy = false
      writtenFrames += frames
      resumeSatisfiedWaiters()
      let report = failure.flatMap(breakOutput)
      condition.unlock()
      report?()
      if failure != nil { return }
    }
  }

  /// Writes everything, waiting for the pipe to drain when it is full; nil once all is written.
  /// Writer thread only.
  private func writeAll(_ bytes: [UInt8]) -> OutputFailure? {
    bytes.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          if errno == EAGAIN {
            var ready = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            _ = poll(&ready, 1, -1)
            continue
          }
          return OutputFailure.fromWrite(errno: errno)
        }
        offset += written
      }
      return nil
    }
  }

  private enum InlineWrite {
    case done
    case partial(Int)
    case failed(OutputFailure)
  }

  /// Writes as much as the non-blocking pipe takes now. Called with `condition` held.
  private func writeWithoutBlocking(_ bytes: [UInt8]) -> InlineWrite {
    bytes.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return errno == EAGAIN ? .partial(offset) : .failed(OutputFailure.fromWrite(errno: errno))
        }
        offset += written
      }
      return .done
    }
  }

  /// - Important: call with `condition` held.
  private func resumeSatisfiedWaiters() {
    flushWaiters.removeAll { waiter in
      guard writtenFrames >= waiter.target else { return false }
      waiter.continuation.resume()
      return true
    }
  }

  /// - Important: call with `condition` held.
  private func failWaiters() {
    for waiter in flushWaiters { waiter.continuation.resume() }
    flushWaiters.removeAll()
  }
}
