/** Bytes as unpadded base64url (RFC 4648 §5): safe in a path, a query string or a cookie. */
export const base64Url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
