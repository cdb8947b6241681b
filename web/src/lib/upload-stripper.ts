import type { StrippedFile } from "./upload-strip";

/**
 * Stripping off the main thread: Web Workers (upload-strip-worker.ts) read each file and
 * strips it with the server's codec, so the page keeps answering and its uploads keep starting
 * while a 100 MB file is read. Files and Blobs cross by reference, not copied. Where the worker
 * cannot start, the page strips them itself.
 */

interface Answer {
  id: number;
  stripped?: StrippedFile;
  error?: string;
}

/** Two, so stripping keeps up with the link on a busy machine: a camera photo takes a core a tenth of a second or more. */
const threads = 2;
const workers: { worker: Worker; busy: number }[] = [];
let broken = false;
let lastId = 0;
const waiting = new Map<number, { resolve: (stripped: StrippedFile) => void; reject: (error: Error) => void }>();

function start(): Worker {
  const worker = new Worker(new URL("./upload-strip-worker.ts", import.meta.url), { type: "module", name: "strip" });
  worker.onmessage = (event: MessageEvent<Answer>) => {
    const { id, stripped, error } = event.data;
    const waiter = waiting.get(id);
    waiting.delete(id);
    if (stripped) waiter?.resolve(stripped);
    else waiter?.reject(new Error(error ?? "The file could not be read"));
  };
  // A worker's script did not load or crashed: what the workers held is stripped here, and so is the rest.
  worker.onerror = () => {
    broken = true;
    for (const { worker } of workers.splice(0)) worker.terminate();
    for (const waiter of waiting.values()) waiter.reject(new Error("The stripping worker stopped"));
    waiting.clear();
  };
  return worker;
}

/** The least busy worker, started when fewer than `threads` run; none where workers cannot start. */
function pick(): { worker: Worker; busy: number } | undefined {
  if (broken || typeof Worker === "undefined") return undefined;
  const idle = workers.find((thread) => thread.busy === 0);
  if (idle || workers.length >= threads) return idle ?? workers.reduce((a, b) => (b.busy < a.busy ? b : a));
  try {
    const thread = { worker: start(), busy: 0 };
    workers.push(thread);
    return thread;
  } catch {
    broken = true;
    return undefined;
  }
}

const stripHere = async (file: Blob) => (await import("./upload-strip")).stripInBrowser(file);

export async function stripOffThread(file: Blob): Promise<StrippedFile> {
  const thread = pick();
  if (!thread) return stripHere(file);
  const id = ++lastId;
  thread.busy++;
  try {
    return await new Promise<StrippedFile>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      thread.worker.postMessage({ id, file });
    });
  } catch (error) {
    if (broken) return stripHere(file);
    throw error;
  } finally {
    thread.busy--;
  }
}
