/**
 * Who may send, for the queue (upload-queue.ts): one of the few connections to the bucket, and
 * a file's lock, which keeps a second tab open on the same batch from sending it too.
 */

/** Part PUTs at once, one per file. */
export const connections = 3;

let freeConnections = connections;
const waitingForConnection: (() => void)[] = [];

/** One of the connections, once one is free (first come, first served); the answer gives it back. */
export async function connection(signal: AbortSignal): Promise<() => void> {
  if (signal.aborted) throw signal.reason;
  if (freeConnections === 0) {
    await new Promise<void>((resolve, reject) => {
      const turn = () => {
        signal.removeEventListener("abort", leave);
        resolve();
      };
      const leave = () => {
        waitingForConnection.splice(waitingForConnection.indexOf(turn), 1);
        reject(signal.reason);
      };
      waitingForConnection.push(turn);
      signal.addEventListener("abort", leave, { once: true });
    });
  } else freeConnections--;
  let given = false;
  return () => {
    if (given) return;
    given = true;
    const next = waitingForConnection.shift();
    if (next) next();
    else freeConnections++;
  };
}

/** One tab at a time sends a file: a second tab open on the same batch leaves to the first what it holds. */
export async function exclusively(id: string, work: () => Promise<void>): Promise<boolean> {
  if (!("locks" in navigator)) return work().then(() => true);
  return await navigator.locks.request(`upload:${id}`, { ifAvailable: true }, async (lock) => {
    if (!lock) return false;
    await work();
    return true;
  });
}

