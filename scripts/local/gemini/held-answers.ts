/**
 * Answers a test holds back: a request meeting a "hold" fault waits here until the test
 * releases its image (POST /__admin/release?sha256=) or the client gives up. A test can then
 * act while Gemini is provably still working, instead of guessing a latency long enough.
 */
export class HeldAnswers {
  #waiting = new Map<string, Set<() => void>>();

  /** Resolves when the image is released; rejects when `signal` aborts (the client left). */
  wait(sha256: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const held = this.#waiting.get(sha256) ?? new Set<() => void>();
      this.#waiting.set(sha256, held);
      const release = () => {
        signal.removeEventListener("abort", giveUp);
        resolve();
      };
      const giveUp = () => {
        held.delete(release);
        if (!held.size && this.#waiting.get(sha256) === held) this.#waiting.delete(sha256);
        reject(signal.reason);
      };
      held.add(release);
      signal.addEventListener("abort", giveUp, { once: true });
    });
  }

  /** Lets every request held for this image answer; returns how many there were. */
  release(sha256: string): number {
    const held = this.#waiting.get(sha256) ?? new Set<() => void>();
    this.#waiting.delete(sha256);
    for (const release of held) release();
    return held.size;
  }
}
