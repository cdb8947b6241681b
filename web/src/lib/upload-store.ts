import type { UploadOptions } from "./api";
import type { CompletedPart } from "./api-uploads";

/**
 * The batch as IndexedDB keeps it, so a reload or a closed and reopened tab carries on where it
 * was. A record holds the file itself (structured clone stores a File or Blob whole), and what
 * the bucket has of it; it goes once the file is done, refused or cancelled.
 */
export interface StoredUpload {
  id: string;
  /** Whose batch: another account signed in on this browser never sees or sends it. */
  userId: string;
  addedAt: number;
  name: string;
  type: string;
  /** The bytes to send: the file as chosen, then (once `prepared`) its copy without metadata. */
  blob: Blob;
  /** `blob` is final: stripped, or left as it was (metadata kept, or a file the codec cannot read). */
  prepared: boolean;
  options: UploadOptions;
  /** What stripping in the browser read and removed, sent along as the upload's metadata. */
  facts?: Record<string, string>;
  /** The multipart upload, once created. */
  key?: string;
  uploadId?: string;
  partSize?: number;
  /** Parts the bucket acknowledged, with their ETags. */
  parts: CompletedPart[];
  /** GET /uploads/:id of the completed upload: only its processing is left to follow. */
  location?: string;
}

/** uploads.ts looks for this database by name on load before it loads the uploader. */
const dbName = "uploads";
const storeName = "files";

let opened: Promise<IDBDatabase> | undefined;

function database(): Promise<IDBDatabase> {
  opened ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(dbName, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(storeName, { keyPath: "id" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  }).catch((error: unknown) => {
    opened = undefined;
    throw error;
  });
  return opened;
}

async function inStore<T>(mode: IDBTransactionMode, use: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const transaction = (await database()).transaction(storeName, mode);
  const request = use(transaction.objectStore(storeName));
  return new Promise<T>((resolve, reject) => {
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = transaction.onabort = () => reject(transaction.error ?? request.error);
  });
}

export const saveUpload = (record: StoredUpload) => inStore("readwrite", (store) => store.put(record));

export const dropUpload = (id: string) => inStore("readwrite", (store) => store.delete(id));

export const readUpload = (id: string) => inStore<StoredUpload | undefined>("readonly", (store) => store.get(id));

export async function storedUploads(userId: string): Promise<StoredUpload[]> {
  const all = await inStore<StoredUpload[]>("readonly", (store) => store.getAll());
  return all.filter((record) => record.userId === userId).sort((a, b) => a.addedAt - b.addedAt);
}

/** Signing out on purpose leaves none of this account's files behind in the browser. */
export async function dropUploadsOf(userId: string) {
  for (const record of await storedUploads(userId)) await dropUpload(record.id);
}
