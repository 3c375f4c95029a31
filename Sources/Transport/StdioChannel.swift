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
  public let inbound: AsyncStream<InboundEvent>
  private let continuation: AsyncStream<InboundEvent>.Continuation
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
    (inbound, continuation) = AsyncStream.makeStream(of: InboundEvent.self)
    self.output = OutputQueue(descriptor: output, framing: framing)
  }

  public var framing: Framing? { output.framing }

  /// Starts the reader and writer threads. Call once.
  public func start() {
    Self.ignoreSIGPIPE()
    let reader = Thread { [self] in readLoop() }
    reader.name = "baton.stdin"
    reader.start()
    let writer = Thread { [output] in output.writeLoop() }
    writer.name = "baton.stdout"
    writer.start()
  }

  public func send(_ payload: [UInt8]) { output.enqueue(payload) }

  public func flush() async { await output.flush() }

  public func close() {
    continuation.finish()
    output.close()
  }

  /// Writing to a closed pipe must fail with EPIPE, not kill the process.
  public static func ignoreSIGPIPE() {
    signal(SIGPIPE, SIG_IGN)
  }

  private func readLoop() {
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
        case .frame(let bytes): continuation.yield(.frame(bytes))
        case .error(let error): continuation.yield(.framingError(error))
        }
      }
      if output.framing == nil, let sniffed = decoder.framing { output.adopt(sniffed) }
    }
    if decoder.hasPartialFrame {
      continuation.yield(.framingError(.truncatedAtEndOfInput(bufferedBytes: decoder.bufferedByteCount)))
    }
    continuation.finish()
  }
}

/// The bytes waiting for stdout, and the thread that writes them.
///
/// - Important: every field is guarded by `condition`; the writer thread is the only caller of `write(2)`.
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
  private var broken = false
  private var closed = false
  private var flushWaiters: [(target: Int, continuation: CheckedContinuation<Void, Never>)] = []

  init(descriptor: Int32, framing: Framing?) {
    self.descriptor = descriptor
    currentFraming = framing
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
    defer { condition.unlock() }
    enqueuedFrames += 1
    if broken || closed {
      writtenFrames += 1
      resumeSatisfiedWaiters()
      return
    }
    if let framing = currentFraming {
      pending.append(contentsOf: framing.encode(payload))
      framesInPending += 1
      condition.signal()
    } else {
      unframed.append(payload)
    }
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
      condition.unlock()

      let ok = writeAll(bytes)

      condition.lock()
      writtenFrames += frames
      if !ok {
        broken = true
        writtenFrames = enqueuedFrames
      }
      resumeSatisfiedWaiters()
      condition.unlock()
      if !ok { return }
    }
  }

  private func writeAll(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
        if written < 0 {
          if errno == EINTR || errno == EAGAIN { continue }
          return false
        }
        offset += written
      }
      return true
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
