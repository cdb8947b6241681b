/**
 * Reads an object front to back through a small window, for the streaming strippers:
 * what they look at is at most one read or one metadata block (capped) at a time.
 * Backed by ranged reads (which can also skip ahead and go back) or by a stream
 * (front to back only, skipped bytes read and let go).
 */

/** `length` bytes of the object from `offset`: an S3 range GET. */
export type RangeReader = (offset: number, length: number) => Promise<Uint8Array>;

interface Supply {
  /** Bytes from `offset` on: at least one, and at least `wanted` when the supply reads in ranges. */
  next(offset: number, wanted: number): Promise<Uint8Array>;
  /** Ranged reads can serve a second cursor (to look ahead, or go back); a stream cannot. */
  readonly ranged: boolean;
  /** Lets go of what is left unread. */
  release(): Promise<void>;
}

const empty: Uint8Array = new Uint8Array(0);

export class Cursor {
  position = 0;
  private window = empty;
  private windowStart = 0;

  private constructor(
    readonly size: number,
    private readonly supply: Supply,
    /** The whole object is already in memory (one window over it): no block is too large to hold. */
    private readonly holdsAll = false,
  ) {}

  /** Over bytes already in memory (a proxied upload, a file in the browser): one window, no copies. */
  static held(bytes: Uint8Array): Cursor {
    return new Cursor(bytes.length, { ranged: true, release: async () => {}, next: async (offset) => bytes.subarray(offset) }, true);
  }

  static ranged(size: number, read: RangeReader, blockSize: number): Cursor {
    return new Cursor(size, {
      ranged: true,
      release: async () => {},
      async next(offset, wanted) {
        const length = Math.min(Math.max(wanted, blockSize), size - offset);
        const bytes = await read(offset, length);
        if (bytes.length !== length) throw new Error(`A read of ${length} bytes at ${offset} returned ${bytes.length}.`);
        return bytes;
      },
    });
  }

  static streamed(size: number, stream: ReadableStream<Uint8Array>): Cursor {
    const reader = stream.getReader();
    let end = 0; // the stream's bytes before this have been handed out
    return new Cursor(size, {
      ranged: false,
      release: () => reader.cancel().catch(() => {}),
      async next(offset) {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) throw new Error(`The object's stream ended after ${end} of its ${size} bytes.`);
          end += value.length;
          if (end > offset) return value.subarray(value.length - (end - offset));
        }
      },
    });
  }

  /** Another cursor at `position` over the same object, sharing what is already read: ranged only. */
  fork(position: number): Cursor {
    if (!this.supply.ranged) throw new Error("A streamed object cannot be read twice.");
    const fork = new Cursor(this.size, this.supply, this.holdsAll);
    fork.window = this.window;
    fork.windowStart = this.windowStart;
    fork.position = position;
    return fork;
  }

  /** Once the walk is over or failed: a stream still being read is cancelled. */
  release(): Promise<void> {
    return this.supply.release();
  }

  /** The bytes from `position` already at hand, or the next read's when none are; empty only at the end. */
  async available(): Promise<Uint8Array> {
    const offset = this.position - this.windowStart;
    if (offset >= 0 && offset < this.window.length) return this.window.subarray(offset);
    if (this.position >= this.size) return empty;
    this.setWindow(this.position, await this.supply.next(this.position, 1));
    return this.window;
  }

  /** `length` bytes from `position` (fewer only at the end of the object), without moving. */
  async peek(length: number): Promise<Uint8Array> {
    const wanted = Math.max(0, Math.min(length, this.size - this.position));
    let offset = this.position - this.windowStart;
    if (offset < 0 || offset > this.window.length) {
      this.setWindow(this.position, empty);
      offset = 0;
    }
    while (this.window.length - offset < wanted) {
      const have = this.window.subarray(offset);
      const more = await this.supply.next(this.position + have.length, wanted - have.length);
      this.setWindow(this.position, have.length === 0 ? more : joined(have, more));
      offset = 0;
    }
    return this.window.subarray(offset, offset + wanted);
  }

  /** A block of `length` bytes the walk would have to hold is over `limit`; never when the object is held already. */
  cannotHold(length: number, limit: number): boolean {
    return !this.holdsAll && length > limit;
  }

  skip(length: number): void {
    this.position += length;
  }

  /** Moves anywhere; back only over ranged reads. */
  seek(position: number): void {
    this.position = position;
  }

  private setWindow(start: number, bytes: Uint8Array): void {
    this.windowStart = start;
    this.window = bytes.length > this.size - start ? bytes.subarray(0, this.size - start) : bytes;
  }
}

function joined(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
