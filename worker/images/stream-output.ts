import type { Cursor } from "./stream-cursor";

/**
 * Where a streaming stripper's walk puts what stays. The same walk runs twice:
 * first into a Planner, which only counts (so the length and `removed` are known
 * before the first byte goes out, and a file that does not add up is refused
 * before anything is written), then into an Emitter, which writes the bytes.
 */
export abstract class Output {
  readonly removed = new Set<string>();
  /** Output bytes so far. */
  length = 0;

  constructor(protected readonly input: Cursor) {}

  /** The next `length` input bytes, as they are. */
  abstract copy(length: number): Promise<void>;

  /** New bytes. */
  abstract add(piece: Uint8Array): Promise<void>;

  /** `count` bytes of `byte`: runs the walk counted rather than held (JPEG fill bytes, zero padding, zeroed boxes). */
  async addRepeated(byte: number, count: number): Promise<void> {
    for (let left = count; left > 0; left -= repeatChunk) await this.add(new Uint8Array(Math.min(left, repeatChunk)).fill(byte));
  }

  /** Rewrites the first `length` output bytes once they are all known, or the output ended shorter. */
  fixHead(_length: number, _fix: (head: Uint8Array) => void): void {}

  /** Zeroes output ranges (sorted, disjoint) as they go out. */
  zeroRanges(_ranges: [number, number][]): void {}

  /** Called once the walk is over. */
  async finish(): Promise<void> {}
}

const repeatChunk = 64 * 1024;

export class Planner extends Output {
  async copy(length: number): Promise<void> {
    this.input.skip(length);
    this.length += length;
  }

  async add(piece: Uint8Array): Promise<void> {
    this.length += piece.length;
  }

  override async addRepeated(_byte: number, count: number): Promise<void> {
    this.length += count;
  }
}

/** Writes to a stream, waiting for room before each piece: at most a piece or two is ever queued. */
export class Emitter extends Output {
  private head?: { bytes: Uint8Array; filled: number; fix: (head: Uint8Array) => void };
  private zeroed: [number, number][] = [];
  private nextZeroed = 0;

  constructor(
    input: Cursor,
    private readonly writer: WritableStreamDefaultWriter<Uint8Array>,
  ) {
    super(input);
  }

  async copy(length: number): Promise<void> {
    for (let left = length; left > 0; ) {
      const at = await this.input.available();
      if (at.length === 0) throw new Error("The object ended inside a range its structure said was there.");
      const piece = at.subarray(0, Math.min(left, at.length));
      this.input.skip(piece.length);
      left -= piece.length;
      await this.add(piece);
    }
  }

  async add(piece: Uint8Array): Promise<void> {
    const start = this.length;
    this.length += piece.length;
    const bytes = this.withZeroes(piece, start);
    if (this.head && start < this.head.bytes.length) {
      const head = this.head;
      const taken = Math.min(bytes.length, head.bytes.length - start);
      head.bytes.set(bytes.subarray(0, taken), start);
      head.filled = start + taken;
      if (head.filled === head.bytes.length) await this.flushHead();
      await this.write(bytes.subarray(taken));
      return;
    }
    await this.write(bytes);
  }

  fixHead(length: number, fix: (head: Uint8Array) => void): void {
    this.head = { bytes: new Uint8Array(length), filled: 0, fix };
  }

  zeroRanges(ranges: [number, number][]): void {
    this.zeroed = ranges;
  }

  async finish(): Promise<void> {
    await this.flushHead();
    await this.writer.close();
  }

  private async flushHead(): Promise<void> {
    const head = this.head;
    if (!head) return;
    this.head = undefined;
    const bytes = head.bytes.subarray(0, head.filled);
    head.fix(bytes);
    await this.write(bytes);
  }

  private withZeroes(piece: Uint8Array, start: number): Uint8Array {
    const end = start + piece.length;
    while (this.nextZeroed < this.zeroed.length && this.zeroed[this.nextZeroed][1] <= start) this.nextZeroed++;
    let out = piece;
    for (let i = this.nextZeroed; i < this.zeroed.length && this.zeroed[i][0] < end; i++) {
      if (out === piece) out = piece.slice();
      out.fill(0, Math.max(0, this.zeroed[i][0] - start), Math.min(piece.length, this.zeroed[i][1] - start));
    }
    return out;
  }

  private async write(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    await this.writer.ready;
    // A failed write also rejects `ready` (and close): that is where the walk sees it.
    this.writer.write(bytes).catch(() => {});
  }
}

/** Why a file's metadata cannot be stripped. */
export type Refusal = { ok: false; message: string };

/** A walk's verdict: done, with what the next pass needs to know, or refused. */
export type Walked<Plan> = { ok: true; plan: Plan } | Refusal;

export const done = { ok: true, plan: undefined } as const;

/** A structure that does not add up: refused rather than stored with whatever it may carry. */
export const cannotFollow = (what: string): Refusal => ({
  ok: false,
  message: `This ${what} file's structure could not be followed, so its metadata cannot be removed.`,
});

/** A metadata block a walk would have to hold whole, and will not past this size. */
export const maxHeldBlock = 1024 * 1024;

export const tooLarge = (what: string): Refusal => ({
  ok: false,
  message: `This ${what} file carries a metadata block too large to strip while streaming, so its metadata cannot be removed.`,
});
