import { neon, neonConfig } from "@neondatabase/serverless";
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/neon-http";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "../../db/client";
import { neonEndpoint, neonHttp } from "../../db/neon-http";
import * as schema from "../../db/schema";
import { images, users } from "../../db/schema";
import { isDatabaseUnavailable, isUniqueViolation, postgresError } from "../../lib/db-errors";
import { dbFault } from "../image-helpers";

// What the worker ran before db/neon-http.ts: @neondatabase/serverless under drizzle's neon-http driver
// (which also installs drizzle's type mappers). Both talk to the same local Neon-HTTP endpoint.
const driverDb = () => drizzle({ client: neon(inject("databaseUrl")), schema, casing: "snake_case" });
const ourDb = () => createDb(inject("databaseUrl"), inject("neonUrl"));

beforeAll(() => {
  neonConfig.fetchEndpoint = inject("neonUrl");
});

/** Runs one statement through both clients and expects the same rows (and values of the same types). */
async function same(query: ReturnType<typeof sql>) {
  const [old, ours] = await Promise.all([driverDb().execute(query), ourDb().execute(query)]);
  expect(ours.rows).toEqual(old.rows);
  expect(ours.fields).toEqual(old.fields);
  expect(ours.command).toBe(old.command);
  expect(ours.rowCount).toBe(old.rowCount);
  for (const [i, row] of old.rows.entries()) {
    for (const [name, value] of Object.entries(row)) expect(typeOf(ours.rows[i][name]), name).toBe(typeOf(value));
  }
  return ours.rows;
}

const typeOf = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "array" : value instanceof Date ? "date" : typeof value);

const awkwardText = ['plain', 'with space', 'quote"d', "back\\slash", "comma,brace}{", "NULL", "", " lead", "ünïcode 🔐", "new\nline", "tab\there"];

describe("db/neon-http.ts against @neondatabase/serverless", () => {
  it("parses every scalar type the app reads as the driver did", async () => {
    await same(sql`select 1::int2 as i2, 42::int4 as i4, 9007199254740993::int8 as i8, 7::oid as o, count(*) as n,
      1.5::float4 as f4, 2.25::float8 as f8, 12345678901234567890.123::numeric as num,
      true as t, false as f, null::boolean as nb, 'x'::text as txt, 'y'::varchar as vc, gen_random_uuid()::text is not null as has_uuid,
      '00000000-0000-4000-8000-000000000000'::uuid as id, '{"a":[1,{"b":null}],"c":"ü"}'::jsonb as jb, '[1,"two"]'::json as js,
      '"str"'::jsonb as jstr, 'null'::jsonb as jnull, '2026-01-02 03:04:05.678+00'::timestamptz as tz,
      '2026-01-02 03:04:05'::timestamp as ts, '2026-01-02'::date as d, '1 day 02:00'::interval as iv,
      to_tsvector('english', 'cats and dogs') as tsv, null::text as nothing from (values (1)) as v(x)`);
  });

  it("parses arrays, nested arrays and awkward elements as the driver did", async () => {
    const rows = await same(sql`select ${sql.param(awkwardText)}::text[] as texts, array[null, 'NULL', '']::text[] as nulls,
      '{}'::text[] as empty, array[1, null, 3]::int4[] as ints, array[true, false, null]::bool[] as bools,
      array[1, 2]::int8[] as bigints, array[1.5, null]::float8[] as floats, array['{"a":1}', null]::jsonb[] as docs,
      '{{a,b},{"c d",NULL}}'::text[][] as grid, '[0:1]={x,y}'::text[] as offset_dims,
      array['2026-01-02 03:04:05+00']::timestamptz[] as stamps, array[1.5]::numeric[] as nums,
      array['00000000-0000-4000-8000-000000000000']::uuid[] as ids`);
    expect(rows[0].texts).toEqual(awkwardText);
  });

  it("sends parameters as the driver did: dates, arrays, objects, bytes, booleans, numbers and null", async () => {
    const at = new Date("2026-03-04T05:06:07.089Z");
    await same(sql`select ${at}::timestamptz as at, ${sql.param(["a\\b", 'c"d', null])}::text[] as arr, ${sql.param({ k: ["v"] })}::jsonb as obj,
      encode(${new Uint8Array([0, 255, 16])}::bytea, 'hex') as bytes, ${true}::boolean as yes, ${42} + 1 as n, ${null}::text as nil,
      ${sql.param([[1, 2], [3, 4]])}::int4[] as nested`);
  });

  it("reads table rows through drizzle's column mappers as before", async () => {
    const email = `diff.${crypto.randomUUID()}@example.test`;
    const [user] = await ourDb().insert(users).values({ username: `diff_${crypto.randomUUID().slice(0, 8)}`, email, passwordHash: "x" }).returning();
    await ourDb().insert(images).values({
      userId: user.id, key: `users/${user.id}/${crypto.randomUUID()}.png`, fileName: "a.png", contentType: "image/png",
      size: 1, width: 1, height: 1, sha256: crypto.randomUUID(), tags: awkwardText, metadataRemoved: ["GPS location"],
      leaseUntil: new Date("2026-05-06T07:08:09.010Z"),
    });
    const select = (db: ReturnType<typeof ourDb>) => db.select().from(images).where(eq(images.userId, user.id));
    const [old, ours] = await Promise.all([select(driverDb() as unknown as ReturnType<typeof ourDb>), select(ourDb())]);
    expect(ours).toEqual(old);
    expect(ours[0].tags).toEqual(awkwardText);
    expect(ours[0].createdAt).toBeInstanceOf(Date);
    expect(ours[0].noAi).toBe(false);
    const [oldUser, ourUser] = await Promise.all([driverDb().select().from(users).where(eq(users.email, email)), ourDb().select().from(users).where(eq(users.email, email))]);
    expect(ourUser).toEqual(oldUser);
  });

  it("keeps Postgres' error fields on a constraint violation, under drizzle's wrapper", async () => {
    const email = `dup.${crypto.randomUUID()}@example.test`;
    const insert = (db: ReturnType<typeof ourDb>) =>
      db.insert(users).values({ username: `dup_${crypto.randomUUID().slice(0, 8)}`, email, passwordHash: "x" }).then(() => undefined, (e: unknown) => e);
    await insert(ourDb());
    const [old, ours] = [await insert(driverDb() as unknown as ReturnType<typeof ourDb>), await insert(ourDb())];
    expect(postgresError(ours)).toEqual(postgresError(old));
    expect(postgresError(ours)).toEqual({ code: "23505", constraint: "users_email_key" });
    expect(isUniqueViolation(ours, "users_email_key")).toBe(true);
    expect(isDatabaseUnavailable(ours)).toBe(false);
  });

  it("names an unreachable endpoint and an HTTP failure as the driver did: database unavailable, no SQLSTATE", async () => {
    const unreachable = neonHttp(inject("databaseUrl"), "http://127.0.0.1:9/sql");
    const refused = await unreachable("select 1").catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: "NeonDbError", message: expect.stringMatching(/^Error connecting to database: /) });
    expect(isDatabaseUnavailable(refused)).toBe(true);

    const match = `select '${crypto.randomUUID()}'`;
    await dbFault({ match, faults: [{ type: "status", status: 502 }] });
    const failed = await neonHttp(inject("databaseUrl"), inject("neonUrl"))(match).catch((e: unknown) => e);
    expect(failed).toMatchObject({ name: "NeonDbError", message: 'Server error (HTTP status 502): {"message":"injected HTTP 502"}', code: undefined });
    expect(isDatabaseUnavailable(failed)).toBe(true);
  });

  it("derives Neon's own endpoint from the connection string as the driver does", () => {
    expect(neonEndpoint("postgresql://u:p@ep-cool-name-123456.eu-central-1.aws.neon.tech/db?sslmode=require")).toBe(
      "https://api.eu-central-1.aws.neon.tech/sql",
    );
    expect(neonEndpoint("postgres://u:p@ep-x.neon.tech:5432/db")).toBe("https://api.neon.tech/sql");
  });
});
