import { describe, expect, it } from "vitest";
import { app, json, registerUser, userInput } from "../helpers";

const register = (body: unknown, init?: RequestInit) => app("/auth/register", json(body, init));

describe("POST /auth/register", () => {
  it("creates the account and answers 201 with the public user only", async () => {
    const input = userInput();
    const res = await register(input);
    expect(res.status).toBe(201);
    const body = await res.json<Record<string, unknown> & { user: Record<string, unknown> }>();
    expect(body.message).toBe("Account created");
    expect(body.user).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), username: input.username, email: input.email });
  });

  it("normalises the email (trim, lower-case) so the same address cannot register twice", async () => {
    const input = userInput();
    const res = await register({ ...input, email: `  ${input.email.toUpperCase()} ` });
    expect(res.status).toBe(201);
    expect((await res.json<{ user: { email: string } }>()).user.email).toBe(input.email);
    const again = await register({ ...userInput(), email: input.email });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: "email_taken", field: "email" });
  });

  it("treats usernames case-insensitively for uniqueness", async () => {
    const first = await registerUser();
    const res = await register({ ...userInput(), username: first.username.toUpperCase() });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: "username_taken", field: "username" });
  });

  it("lets exactly one of several concurrent registrations of one email succeed", async () => {
    const email = userInput().email;
    const statuses = await Promise.all(
      Array.from({ length: 4 }, () => register({ ...userInput(), email }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(3);
  });

  it.each([
    ["username", "ab", "username: must be at least 3 characters"],
    ["username", "x".repeat(33), "username: must be at most 32 characters"],
    ["username", "has space", "username: may contain only letters, digits, '_', '.' and '-'"],
    ["username", 42, "username: must be a string"],
    ["email", "not-an-email", "email: must be a valid email address"],
    ["email", "", "email: is required"],
    ["password", "short1!", "password: must be at least 8 characters"],
    ["password", "p".repeat(129), "password: must be at most 128 characters"],
    ["password", "Password123", "password: is too common; choose another"],
  ])("rejects a bad %s (%j) with 400 naming the field", async (field, value, message) => {
    const res = await register({ ...userInput(), [field]: value });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message, code: "invalid_request", field });
  });

  it("counts password length in code points, not UTF-16 units or bytes", async () => {
    // 7 emoji are 14 UTF-16 units and 28 bytes, but 7 characters: too short.
    const tooShort = await register({ ...userInput(), password: "😀".repeat(7) });
    expect(tooShort.status).toBe(400);
    // 128 emoji are 128 characters: allowed, and never truncated.
    const longest = await register({ ...userInput(), password: "😀".repeat(128) });
    expect(longest.status).toBe(201);
  });

  it("rejects a missing field, naming it", async () => {
    const { password: _, ...rest } = userInput();
    const res = await register(rest);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "invalid_request", field: "password" });
  });

  it("answers 415 for a body that is not JSON", async () => {
    const res = await app("/auth/register", { method: "POST", headers: { "content-type": "text/plain" }, body: "hi" });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: "unsupported_media_type" });
  });

  it("answers 413 for a body over 16 KiB", async () => {
    const res = await register({ ...userInput(), padding: "x".repeat(17 * 1024) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: "payload_too_large" });
  });

  it("answers 400 for malformed JSON", async () => {
    const res = await app("/auth/register", { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "invalid_request" });
  });
});
