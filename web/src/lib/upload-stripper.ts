import type { StrippedFile } from "./upload-strip";

/**
 * Stripping off the main thread: a Web Worker (upload-strip-worker.ts) reads each file and
 * strips it with the server's codec, so the page keeps answering and its uploads keep starting
 * while a 100 MB file is read. Files and Blobs cross by reference, not copied. Where the worker
 * cannot start, the page strips them itself.
 */

interface Answer {
  id: number;
  stripped?: StrippedFile;
  error?: string;
}

let worker: Worker | undefined;
let broken = false;
let lastId = 0;
const waiting = new Map<number, { resolve: (stripped: StrippedFile) => void; reject: (error: Error) => void }>();

function start(): Worker | undefined {
  if (worker || broken || typeof Worker === "undefined") return worker;
  try {
    worker = new Worker(new URL("./upload-strip-worker.ts", import.meta.url), { type: "module", name: "strip" });
  } catch {
    broken = true;
    return undefined;
  }
  worker.onmessage = (event: MessageEvent<Answer>) => {
    const { id, stripped, error } = event.data;
    const waiter = waiting.get(id);
    waiting.delete(id);
    if (stripped) waiter?.resolve(stripped);
    else waiter?.reject(new Error(error ?? "The file could not be read"));
  };
  // The worker's script did not load or crashed: what it held is stripped here, and so is the rest.
  worker.onerror = () => {
    broken = true;
    worker?.terminate();
    worker = undefined;
    for (const waiter of waiting.values()) waiter.reject(new Error("The stripping worker stopped"));
    waiting.clear();
  };
  return worker;
}

const stripHere = async (file: Blob) => (await import("./upload-strip")).stripInBrowser(file);

export async function stripOffThread(file: Blob): Promise<StrippedFile> {
  const thread = start();
  if (!thread) return stripHere(file);
  const id = ++lastId;
  try {
    return await new Promise<StrippedFile>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      thread.postMessage({ id, file });
    });
  } catch (error) {
    if (broken) return stripHere(file);
    throw error;
  }
}
