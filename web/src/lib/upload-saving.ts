import type { Item } from "./upload-items";
import { dropUpload, saveBytes, saveUpload, type StoredUpload } from "./upload-store";

/**
 * Keeping the batch in IndexedDB without holding up the uploads. A file's bytes are written once
 * or twice (as chosen, then stripped), one file at a time and the stripped ones first, while its
 * record (what the bucket has) is rewritten as often as it changes, in batches (upload-store.ts).
 * Nothing waits for these writes but a completion. The stored record never gets ahead of the
 * stored bytes: until the stripped copy is written, it says only that the file was chosen, so a
 * reload strips the file again and starts a new upload rather than send parts of other bytes,
 * or the metadata.
 */

const toWrite: Item[] = [];
let draining = false;
/** The file whose bytes are being written now. */
let writing: Item | undefined;
/** Files whose bytes could not be written (a full disk, a private window): this tab alone carries them. */
const unsaveable = new WeakSet<Item>();
/** Files this tab no longer tracks (signed out): what is stored of them stays as it is. */
const abandoned = new WeakSet<Item>();

export function abandon(item: Item) {
  abandoned.add(item);
  if (toWrite.includes(item)) toWrite.splice(toWrite.indexOf(item), 1);
}

const isSavedWhole = (item: Item) => item.record?.prepared === true && item.savedBytes === item.bytes;

/** The record as it may be stored, given which bytes are. */
function storable(item: Item, record: StoredUpload): StoredUpload | undefined {
  // Completed: only its processing is left to follow, which needs no bytes.
  if (record.location || isSavedWhole(item)) return record;
  if (!item.savedBytes) return undefined;
  const { id, userId, addedAt, name, type, options } = record;
  return { id, userId, addedAt, name, type, options, prepared: false, parts: [] };
}

/** Stores the item's record as it now is (once bytes of it are stored), and its bytes when they are not. */
export function keep(item: Item): Promise<void> {
  const record = item.record;
  if (!record || abandoned.has(item)) return Promise.resolve();
  if (isSavedWhole(item)) for (const done of item.onSaved.splice(0)) done();
  else if (!record.location && item.savedBytes !== item.bytes && !unsaveable.has(item) && !toWrite.includes(item) && writing !== item) {
    toWrite.push(item);
    void writeBytes();
  }
  const stored = storable(item, record);
  if (!stored) return Promise.resolve();
  return saveUpload(stored).then(
    () => {
      item.stored = item.record !== undefined;
    },
    () => undefined,
  );
}

/** Resolves once the item's final bytes and its record are stored, or cannot be. */
export function keptWhole(item: Item): Promise<void> {
  const record = keep(item);
  if (item.record?.location || isSavedWhole(item) || (!toWrite.includes(item) && writing !== item)) return record;
  return new Promise<void>((resolve) => item.onSaved.push(resolve)).then(() => keep(item));
}

const nextToWrite = () => toWrite.find((item) => item.record?.prepared) ?? toWrite[0];

async function writeBytes() {
  if (draining) return;
  draining = true;
  try {
    for (let item = nextToWrite(); item; item = nextToWrite()) {
      toWrite.splice(toWrite.indexOf(item), 1);
      if (!item.record || item.record.location || item.savedBytes === item.bytes) continue;
      writing = item;
      const bytes = item.bytes;
      const written = await saveBytes(item.upload.key, bytes).then(
        () => true,
        () => false,
      );
      writing = undefined;
      if (abandoned.has(item)) continue;
      // Dropped while its bytes were being written: they go too.
      if (!item.record) {
        void dropUpload(item.upload.key).catch(() => undefined);
        continue;
      }
      if (!written) {
        unsaveable.add(item);
        for (const done of item.onSaved.splice(0)) done();
        continue;
      }
      item.savedBytes = bytes;
      void keep(item);
    }
  } finally {
    draining = false;
    writing = undefined;
  }
}
