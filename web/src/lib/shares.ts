import { action, query } from "@solidjs/router";
import * as api from "./api";
import * as lazyApi from "./api-lazy";
import type { ShareInput } from "./api-shapes";

/** What a share link shows: one image or one album; both kinds follow the same rules and shapes. */
export type ShareKind = "image" | "album";

export const getShares = query(
  async (kind: ShareKind, id: string) => (await (kind === "image" ? api.listShares(id) : lazyApi.listAlbumShares(id))).shares,
  "shares",
);

export const createShareLink = action(
  (kind: ShareKind, id: string, input: ShareInput) => (kind === "image" ? api.createShare(id, input) : lazyApi.createAlbumShare(id, input)),
  "createShareLink",
);

export const revokeShareLink = action(
  (kind: ShareKind, id: string, shareId: string) => (kind === "image" ? api.revokeShare(id, shareId) : lazyApi.revokeAlbumShare(id, shareId)),
  "revokeShareLink",
);
