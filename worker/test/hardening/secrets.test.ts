import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../index";
import { app, bearer, json, newSignedInUser, randomIp, userInput } from "../helpers";
import { analysisReaches, dbFault, geminiFault, s3Fault, sha256Hex, upload, uploadOk } from "../image-helpers";
import { makePng } from "../images";

afterEach(() => vi.restoreAllMocks());

function captureLogs() {
  const lines: string[] = [];
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((a) => (a instanceof Error ? `${a.name} ${a.message} ${a.stack} ${String(a.cause)}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    });
  }
  return lines;
}

/** Everything a client sees of a response: status line, headers and body. */
async function seen(res: Response) {
  return `${res.status} ${[...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${await res.text()}`;
}

describe("configured secrets", () => {
  it("appear in no error body, header or log line across a run of failing requests", async () => {
    const logs = captureLogs();
    const answers: string[] = [];
    const record = async (res: Response | Promise<Response>) => void answers.push(await seen(await res));

    const { user, accessToken } = await newSignedInUser();
    const prefix = `users/${user.id}/`;
    await record(app("/auth/me", { headers: bearer(`${accessToken}x`) }));
    await record(app("/auth/login", json({ email: user.email, password: "wrong password!" })));
    await record(app("/auth/register", { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" }));
    await record(app("/images?cursor=%ff%00", { headers: bearer(accessToken) }));
    await record(app("/images/upload", { method: "POST", headers: { ...bearer(accessToken), "content-type": "multipart/form-data; boundary=x" }, body: "--x\r\n" }));
    await record(app("/nowhere/at/all"));

    // Storage and database failing, and a database error that is a bug (500, logged).
    await s3Fault({ method: "PUT", keyPrefix: prefix, faults: [{ type: "status", status: 500 }, { type: "status", status: 500 }] });
    await record(upload(accessToken, { bytes: await makePng(8, 8, [5, 5, 5]) }));
    await dbFault({ match: [user.id], faults: [{ type: "down" }, { type: "error", code: "57P01", message: "terminating connection" }] });
    await record(app("/images", { headers: bearer(accessToken) }));
    await record(app("/auth/me", { headers: bearer(accessToken) }));
    const input = userInput();
    await dbFault({ match: ['insert into "users"', input.email], faults: [{ type: "error", code: "22P02", message: "invalid input syntax" }] });
    await record(app("/auth/register", json(input)));

    // Gemini refusing the key and failing: the analysis fails in the background.
    const bytes = await makePng(8, 8, [6, 6, 6]);
    await geminiFault({ sha256: await sha256Hex(bytes), faults: [{ type: "status", status: 403 }] });
    const image = await uploadOk(accessToken, { bytes });
    await analysisReaches(accessToken, image.id, ["failed"]);
    await record(app(`/images/${image.id}`, { headers: bearer(accessToken) }));

    // A misconfigured deployment names the bad variable, never a value.
    const ctx = createExecutionContext();
    const shortKey = env.JWT_SECRET_KEY!.slice(0, 20);
    const broken = { ...env, JWT_SECRET_KEY: shortKey, S3_BUCKET_NAME: "Not A Bucket" } as Env;
    await record(worker.fetch(new Request("https://app.test/auth/me", { headers: { "cf-connecting-ip": randomIp() } }), broken, ctx));
    await waitOnExecutionContext(ctx);

    const secrets = { JWT_SECRET_KEY: env.JWT_SECRET_KEY!, AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY!, GEMINI_API_KEY: env.GEMINI_API_KEY!, DATABASE_URL: env.DATABASE_URL!, shortKey };
    expect(answers.length).toBeGreaterThan(10);
    expect(logs.length).toBeGreaterThan(0);
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThan(8);
      for (const answer of answers) expect(answer, `${name} in a response`).not.toContain(secret);
      for (const line of logs) expect(line, `${name} in a log line`).not.toContain(secret);
    }
    // Neither SQL nor its parameters (password hashes, emails) reach the logs.
    for (const line of logs) {
      expect(line).not.toMatch(/Failed query|\$argon2id\$/);
      expect(line).not.toContain(input.email);
    }
  });
});
