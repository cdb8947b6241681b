import type { hc, InferRequestType, InferResponseType } from "hono/client";
import type { AppType } from "../../../worker/app-type";

/**
 * Names for the API's bodies, derived from the worker's routes through the typed client:
 * a field the worker renames or drops fails `npm run typecheck` here and where it is used.
 */
type Client = ReturnType<typeof hc<AppType>>;
type OneImage = Client["images"][":id"];

export type ImageView = InferResponseType<OneImage["$get"], 200>;
export type AnalysisStatus = ImageView["analysis_status"];
export type ImagePatch = InferRequestType<OneImage["$patch"]>["json"];

export type ShareView = InferResponseType<OneImage["shares"]["$get"], 200>["shares"][number];
export type ShareInput = InferRequestType<OneImage["shares"]["$post"]>["json"];

type OneAlbum = Client["albums"][":id"];
export type AlbumView = InferResponseType<OneAlbum["$get"], 200>;
export type AlbumPatch = InferRequestType<OneAlbum["$patch"]>["json"];

export type SessionBody = InferResponseType<Client["auth"]["login"]["$post"], 200>;
export type PublicUser = SessionBody["user"];

export type AccountSettings = InferResponseType<Client["auth"]["me"]["$get"], 200>["settings"];
export type SettingsPatch = InferRequestType<Client["auth"]["me"]["$patch"]>["json"];

export type BulkInput = InferRequestType<Client["images"]["bulk"]["$post"]>["json"];
export type TimelineMonth = InferResponseType<Client["images"]["timeline"]["$get"], 200>["months"][number];
