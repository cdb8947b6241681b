import { describe, expect, it } from "vitest";
import { app, bearer, json, newSignedInUser, registerUser, signIn, userInput } from "../helpers";
import { uploadOk } from "../image-helpers";
import { makePng } from "../images";

/** Answers carrying tokens, signed URLs or account data must never be kept by a browser or a shared cache. */
describe("Cache-Control: no-store", () => {
  it("is set on every answer that carries a token: register, login, refresh, password change", async () => {
    const input = userInput();
    const register = await app("/auth/register", json(input));
    expect(register.status).toBe(201);
    const login = await app("/auth/login", json({ email: input.email, password: input.password }));
    expect(login.status).toBe(200);
    const { access_token, refresh_token } = await login.json<{ access_token: string; refresh_token: string }>();
    const refresh = await app("/auth/refresh", json({ refresh_token }));
    expect(refresh.status).toBe(200);
    const password = await app("/auth/password", json({ current_password: input.password, new_password: "a fresh passphrase here" }, { headers: bearer(access_token) }));
    expect(password.status).toBe(200);
    for (const [name, res] of Object.entries({ register, login, refresh, password })) {
      expect(res.headers.get("cache-control"), name).toBe("no-store");
    }
  });

  it("is set on answers that carry signed file URLs or account data", async () => {
    const { accessToken } = await newSignedInUser();
    const image = await uploadOk(accessToken, { bytes: await makePng(8, 8, [10, 120, 200]) });
    const auth = { headers: bearer(accessToken) };
    const answers = {
      list: await app("/images?limit=5", auth),
      listArray: await app("/images?format=array", auth),
      one: await app(`/images/${image.id}`, auth),
      edit: await app(`/images/${image.id}`, json({ alt_text: "blue" }, { method: "PATCH", ...auth })),
      share: await app(`/images/${image.id}/shares`, json({ expires_in: 3600 }, auth)),
      shares: await app(`/images/${image.id}/shares`, auth),
      me: await app("/auth/me", auth),
      export: await app("/auth/me/export", auth),
    };
    for (const [name, res] of Object.entries(answers)) {
      expect(res.status, name).toBeLessThan(300);
      expect(res.headers.get("cache-control"), name).toBe("no-store");
      await res.body?.cancel();
    }
  });

  it("is set on album answers: the list, one album, its images' signed URLs, a link's token, the links", async () => {
    const { accessToken } = await newSignedInUser();
    const image = await uploadOk(accessToken, { bytes: await makePng(8, 8, [200, 120, 10]) });
    const auth = { headers: bearer(accessToken) };
    const created = await app("/albums", json({ name: "holiday" }, auth));
    const { id } = await created.clone().json<{ id: string }>();
    const answers = {
      created,
      add: await app(`/albums/${id}/images`, json({ ids: [image.id] }, auth)),
      list: await app("/albums", auth),
      one: await app(`/albums/${id}`, auth),
      images: await app(`/albums/${id}/images`, auth),
      share: await app(`/albums/${id}/shares`, json({ expires_in: 3600 }, auth)),
      shares: await app(`/albums/${id}/shares`, auth),
      unknown: await app(`/albums/${crypto.randomUUID()}`, auth),
    };
    for (const [name, res] of Object.entries(answers)) {
      expect(res.status, name).toBeLessThan(name === "unknown" ? 500 : 300);
      expect(res.headers.get("cache-control"), name).toBe("no-store");
      await res.body?.cancel();
    }
  });

  it("is set on error answers of the token endpoints too", async () => {
    const user = await registerUser();
    const wrong = await app("/auth/login", json({ email: user.email, password: "not the password" }));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("cache-control")).toBe("no-store");
    expect((await signIn(user)).accessToken).toBeTruthy();
  });
});
