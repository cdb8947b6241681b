import type { UploadOptions } from "./api";
import type { CompletedPart } from "./api-uploads";

/**
 * The batch as IndexedDB keeps it, so a reload or a closed and reopened tab carries on where it
 * was. A record says what the bucket has of a file; the file's bytes are kept beside it, in a
 * store of their own, so the many small writes of a record's progress never copy the bytes
 * again. Both go once the file is done, refused or cancelled.
 */
export interface StoredUpload {
  id: string;
  /** Whose batch: another account signed in on this browser never sees or sends it. */
  userId: string;
  addedAt: number;
  name: string;
  type: string;
  /** The stored bytes are final: stripped, or left as they were (metadata kept, or a file the codec cannot read). */
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

/** uploads.ts looks for this database and its "files" store by name on load before it loads the uploader. */
const dbName = "uploads";
const records = "files";
const blobs = "blobs";

let opened: Promise<IDBDatabase> | undefined;

function database(): Promise<IDBDatabase> {
  opened ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(dbName, 2);
    request.onupgradeneeded = (event) => {
      const db = request.result;
      const hadRecords = db.objectStoreNames.contains(records);
      if (!hadRecords) db.createObjectStore(records, { keyPath: "id" });
      if (!db.objectStoreNames.contains(blobs)) db.createObjectStore(blobs);
      // Version 1 kept the bytes inside the record: they move beside it.
      if (event.oldVersion === 1 && hadRecords) {
        const transaction = request.transaction as IDBTransaction;
        const cursor = transaction.objectStore(records).openCursor();
        cursor.onsuccess = () => {
          const at = cursor.result;
          if (!at) return;
          const { blob, ...record } = at.value as StoredUpload & { blob?: Blob };
          if (blob) transaction.objectStore(blobs).put(blob, record.id);
          at.update(record);
          at.continue();
        };
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  }).catch((error: unknown) => {
    opened = undefined;
    throw error;
  });
  return opened;
}

async function inTransaction<T>(stores: string[], mode: IDBTransactionMode, use: (transaction: IDBTransaction) => T): Promise<T> {
  const transaction = (await database()).transaction(stores, mode);
  const result = use(transaction);
  return new Promise<T>((resolve, reject) => {
    transaction.oncomplete = () => resolve(result);
    transaction.onerror = transaction.onabort = () => reject(transaction.error);
  });
}

type Write = { record: StoredUpload } | { drop: string };
let pending: Write[] = [];
let flushed: Promise<void> | undefined;

/**
 * Record writes and deletions are gathered and committed together, in order, one transaction
 * for all that came within the same turn of the event loop: a batch of 200 files makes a few
 * transactions, not hundreds. Answers once the write is committed.
 */
function write(change: Write): Promise<void> {
  pending.push(change);
  flushed ??= new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => {
    const changes = pending;
    pending = [];
    flushed = undefined;
    return inTransaction([records], "readwrite", (transaction) => {
      const store = transaction.objectStore(records);
      for (const change of changes) {
        if ("drop" in change) store.delete(change.drop);
        else store.put(change.record);
      }
    });
  });
  return flushed;
}

export const saveUpload = (record: StoredUpload) => write({ record });

/** A file's bytes, as they will be sent. Written alone: a transaction holding many megabytes would hold back every record written after it. */
export const saveBytes = (id: string, bytes: Blob) => inTransaction([blobs], "readwrite", (transaction) => void transaction.objectStore(blobs).put(bytes, id));

export async function dropUpload(id: string) {
  await write({ drop: id });
  await inTransaction([blobs], "readwrite", (transaction) => void transaction.objectStore(blobs).delete(id));
}

export const readUpload = async (id: string) =>
  (await inTransaction([records], "readonly", (transaction) => transaction.objectStore(records).get(id) as IDBRequest<StoredUpload | undefined>)).result;

export const readBytes = async (id: string) =>
  (await inTransaction([blobs], "readonly", (transaction) => transaction.objectStore(blobs).get(id) as IDBRequest<Blob | undefined>)).result;

/** This account's files as stored, in the order they were chosen, each with its bytes (none once completed; a record whose bytes were never written is left out). */
export async function storedUploads(userId: string): Promise<{ record: StoredUpload; bytes: Blob }[]> {
  const [all, keys, values] = await inTransaction([records, blobs], "readonly", (transaction) => [
    transaction.objectStore(records).getAll() as IDBRequest<StoredUpload[]>,
    transaction.objectStore(blobs).getAllKeys(),
    transaction.objectStore(blobs).getAll() as IDBRequest<Blob[]>,
  ]);
  const bytesOf = new Map(keys.result.map((key, i) => [String(key), values.result[i]]));
  return all.result
    .filter((record) => record.userId === userId && (bytesOf.has(record.id) || record.location !== undefined))
    .sort((a, b) => a.addedAt - b.addedAt)
    .map((record) => ({ record, bytes: bytesOf.get(record.id) ?? new Blob() }));
}

/** Signing out on purpose leaves none of this account's files behind in the browser. */
export async function dropUploadsOf(userId: string) {
  const all = await inTransaction([records], "readonly", (transaction) => transaction.objectStore(records).getAll() as IDBRequest<StoredUpload[]>);
  await Promise.all(all.result.filter((record) => record.userId === userId).map((record) => dropUpload(record.id)));
}
