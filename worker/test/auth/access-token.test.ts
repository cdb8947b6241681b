import { env } from "cloudflare:workers";
import { sign } from "hono/utils/jwt/jwt";
import { describe, expect, it } from "vitest";
import { app, bearer, json, newSignedInUser, signIn } from "../helpers";

const secret = () => env.JWT_SECRET_KEY!;
const b64url = (text: string) => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** Whose token, and which of their sessions it belongs to. */
interface Holder {
  sub: string;
  sid: string;
}

function claims({ sub, sid }: Holder, overrides: Record<string, unknown> = {}) {
  const iat = Math.floor(Date.now() / 1000);
  return {
    iss: "edge-image-service",
    aud: "edge-image-service:api",
    sub,
    sid,
    iat,
    exp: iat + 900,
    jti: crypto.randomUUID(),
    typ: "access",
    tv: 0,
    ...overrides,
  };
}

async function hmacToken(header: object, payload: object, key = secret()) {
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const cryptoKey = await crypto.subtle.importKey("raw", new TextEncoder().encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, new TextEncoder().encode(signingInput)));
  return `${signingInput}.${b64url(String.fromCharCode(...signature))}`;
}

/** A real user with a live session, as a token we sign ourselves must name them. */
async function holder(): Promise<Holder> {
  const { user, accessToken } = await newSignedInUser();
  const payload = JSON.parse(atob(accessToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))) as { sid: string };
  return { sub: user.id, sid: payload.sid };
}

async function me(token: string) {
  const res = await app("/auth/me", { headers: bearer(token) });
  return { status: res.status, body: await res.json<{ code?: string }>(), challenge: res.headers.get("www-authenticate") };
}

describe("access tokens", () => {
  it("accepts a well-formed token signed with our secret (control case)", async () => {
    expect((await me(await sign(claims(await holder()), secret(), "HS256"))).status).toBe(200);
  });

  it.each<[string, (h: Holder) => Promise<string>]>([
    ["alg none", async (h) => `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${b64url(JSON.stringify(claims(h)))}.`],
    ["alg HS512 with our secret", (h) => sign(claims(h), secret(), "HS512")],
    ["alg RS256 header over an HMAC signature", (h) => hmacToken({ alg: "RS256", typ: "JWT" }, claims(h))],
    ["no exp claim", (h) => { const { exp: _, ...rest } = claims(h); return sign(rest, secret(), "HS256"); }],
    ["nbf in the future", (h) => sign(claims(h, { nbf: Math.floor(Date.now() / 1000) + 600 }), secret(), "HS256")],
    ["wrong issuer", (h) => sign(claims(h, { iss: "someone-else" }), secret(), "HS256")],
    ["wrong audience", (h) => sign(claims(h, { aud: "another-api" }), secret(), "HS256")],
    ["typ refresh", (h) => sign(claims(h, { typ: "refresh" }), secret(), "HS256")],
    ["no jti", (h) => { const { jti: _, ...rest } = claims(h); return sign(rest, secret(), "HS256"); }],
    ["a lifetime longer than 15 minutes", (h) => sign(claims(h, { exp: Math.floor(Date.now() / 1000) + 86_400 }), secret(), "HS256")],
    ["the wrong secret", (h) => sign(claims(h), "another secret that is long enough!!", "HS256")],
    ["a tampered payload", async (h) => {
      const [header, , signature] = (await sign(claims(h), secret(), "HS256")).split(".");
      return `${header}.${b64url(JSON.stringify(claims({ ...h, sub: crypto.randomUUID() })))}.${signature}`;
    }],
    ["a sub that is not a user id", (h) => sign(claims({ ...h, sub: "admin" }), secret(), "HS256")],
    ["no sid claim (issued before sessions were named)", (h) => { const { sid: _, ...rest } = claims(h); return sign(rest, secret(), "HS256"); }],
    ["a sid that is not a session id", (h) => sign(claims({ ...h, sid: "admin" }), secret(), "HS256")],
    ["a sid of no session", (h) => sign(claims({ ...h, sid: crypto.randomUUID() }), secret(), "HS256")],
  ])("refuses a token with %s: 401 invalid_token", async (_name, makeToken) => {
    const result = await me(await makeToken(await holder()));
    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({ code: expect.stringMatching(/^(invalid_token|unauthorized)$/) });
    expect(result.challenge).toMatch(/^Bearer/);
  });

  it("refuses a token naming another user's session", async () => {
    const [mine, theirs] = await Promise.all([holder(), holder()]);
    expect((await me(await sign(claims({ sub: mine.sub, sid: theirs.sid }), secret(), "HS256"))).status).toBe(401);
  });

  it("says token_expired for an expired token", async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const result = await me(await sign(claims(await holder(), { iat: past, exp: past + 900 }), secret(), "HS256"));
    expect(result).toMatchObject({ status: 401, body: { code: "token_expired", message: "Access token has expired" } });
  });

  it("answers 401 unauthorized with WWW-Authenticate when no token is sent", async () => {
    const res = await app("/auth/me");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe("Bearer");
    expect(await res.json()).toMatchObject({ code: "unauthorized" });
  });

  it("refuses the token of a deleted user", async () => {
    const { user, accessToken } = await newSignedInUser();
    const del = await app("/auth/me", json({ password: user.password }, { method: "DELETE", headers: bearer(accessToken) }));
    expect(del.status).toBe(204);
    expect((await me(accessToken)).status).toBe(401);
    expect((await app("/auth/login", json({ email: user.email, password: user.password }))).status).toBe(401);
  });

  it("refuses every earlier access token after a password change", async () => {
    const { user, accessToken } = await newSignedInUser();
    const other = await signIn(user);
    const res = await app("/auth/password", json({ current_password: user.password, new_password: "a brand new passphrase" }, { headers: bearer(accessToken) }));
    expect(res.status).toBe(200);
    const { access_token } = await res.json<{ access_token: string }>();
    expect((await me(accessToken)).status).toBe(401);
    expect((await me(other.accessToken)).status).toBe(401);
    expect((await me(access_token)).status).toBe(200);
  });
});
