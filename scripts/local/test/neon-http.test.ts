import { neon, neonConfig, NeonDbError } from "@neondatabase/serverless";
import { beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";

// The production driver, unchanged, pointed at the local endpoint.
const sql = neon(inject("databaseUrl"));
const table = () => `t_${crypto.randomUUID().replaceAll("-", "")}`;

async function failOnce(match: string, fault: Record<string, unknown>, scope: { connection?: string } = {}) {
  const res = await fetch(new URL("/__admin/faults", inject("neonUrl")), {
    method: "POST",
    headers: { "x-admin-token": inject("adminToken") },
    body: JSON.stringify({ match, ...scope, faults: [fault] }),
  });
  expect(res.status).toBe(204);
}

beforeAll(() => {
  neonConfig.fetchEndpoint = inject("neonUrl");
});

describe("Neon-HTTP endpoint, driven by @neondatabase/serverless", () => {
  it("runs a parameterised query and the driver parses every type from Postgres text", async () => {
    const [row] = await sql.query(
      `select $1::int + 1 as n, $2::text[] as tags, $3::jsonb as doc, $4::timestamptz as at,
              $5::bytea as bin, $6::numeric as amount, $7::boolean as flag, null::text as nothing`,
      [41, ["a", "b c", 'quote"d'], JSON.stringify({ nested: { x: [1, 2] } }), new Date("2026-01-02T03:04:05.678Z"),
        "\\x00ff10", "12345678901234567890.123", true],
    );
    expect(row.n).toBe(42);
    expect(row.tags).toEqual(["a", "b c", 'quote"d']);
    expect(row.doc).toEqual({ nested: { x: [1, 2] } });
    expect(row.at).toEqual(new Date("2026-01-02T03:04:05.678Z"));
    expect([...row.bin]).toEqual([0x00, 0xff, 0x10]);
    expect(row.amount).toBe("12345678901234567890.123");
    expect(row.flag).toBe(true);
    expect(row.nothing).toBeNull();
  });

  it("returns rows in array mode with field metadata when asked for full results", async () => {
    const result = await sql.query("select 1 as one, 'x' as letter", [], { arrayMode: true, fullResults: true });
    expect(result.rows).toEqual([[1, "x"]]);
    expect(result.fields.map((f) => f.name)).toEqual(["one", "letter"]);
    expect(result.command).toBe("SELECT");
    expect(result.rowCount).toBe(1);
  });

  it("reports the affected row count of writes", async () => {
    const t = table();
    await sql.query(`create table ${t} (id int primary key, name text)`);
    const inserted = await sql.query(`insert into ${t} values (1, 'a'), (2, 'b'), (3, 'c')`, [], { fullResults: true });
    expect(inserted.command).toBe("INSERT");
    expect(inserted.rowCount).toBe(3);
    const updated = await sql.query(`update ${t} set name = 'z' where id > 1`, [], { fullResults: true });
    expect(updated.rowCount).toBe(2);
  });

  it("runs a batch as one transaction and returns each result", async () => {
    const t = table();
    await sql.query(`create table ${t} (id int primary key)`);
    const [insert, count] = await sql.transaction([
      sql.query(`insert into ${t} values (1), (2)`),
      sql.query(`select count(*)::int as n from ${t}`),
    ]);
    expect(insert).toEqual([]);
    expect(count).toEqual([{ n: 2 }]);
  });

  it("rolls the whole batch back when one statement fails", async () => {
    const t = table();
    await sql.query(`create table ${t} (id int primary key)`);
    await expect(
      sql.transaction([sql.query(`insert into ${t} values (1)`), sql.query(`insert into ${t} values (1)`)]),
    ).rejects.toMatchObject({ code: "23505" });
    expect(await sql.query(`select count(*)::int as n from ${t}`)).toEqual([{ n: 0 }]);
  });

  it("honours the batch read-only header", async () => {
    const t = table();
    await sql.query(`create table ${t} (id int)`);
    await expect(sql.transaction([sql.query(`insert into ${t} values (1)`)], { readOnly: true })).rejects.toMatchObject({
      code: "25006",
    });
    const [rows] = await sql.transaction([sql.query(`select count(*)::int as n from ${t}`)], {
      isolationLevel: "Serializable",
      readOnly: true,
    });
    expect(rows).toEqual([{ n: 0 }]);
  });

  it("turns Postgres errors into NeonDbError with code, position and constraint", async () => {
    const syntax = await sql.query("selec 1").catch((e: unknown) => e);
    expect(syntax).toBeInstanceOf(NeonDbError);
    expect(syntax).toMatchObject({ code: "42601", position: "1" });

    const t = table();
    await sql.query(`create table ${t} (id int constraint ${t}_pk primary key)`);
    await sql.query(`insert into ${t} values (1)`);
    const duplicate = await sql.query(`insert into ${t} values (1)`).catch((e: unknown) => e);
    expect(duplicate).toMatchObject({ code: "23505", constraint: `${t}_pk`, table: t });
  });

  it("applies an injected fault to the matching statement only, once", async () => {
    const t = table();
    await sql.query(`create table ${t} (id int)`);
    await failOnce(`insert into ${t}`, { type: "error", code: "57P01", message: "terminating connection" });
    await expect(sql.query("select 1 as ok")).resolves.toEqual([{ ok: 1 }]);
    await expect(sql.query(`insert into ${t} values (1)`)).rejects.toMatchObject({ code: "57P01" });
    await expect(sql.query(`insert into ${t} values (1)`)).resolves.toEqual([]);
  });

  it("applies a fault scoped to a connection string only to requests carrying it", async () => {
    const name = `scoped-${crypto.randomUUID()}`;
    const url = new URL(inject("databaseUrl"));
    url.searchParams.set("application_name", name);
    const scoped = neon(url.toString());
    await failOnce("select 1 as alive", { type: "status", status: 500 }, { connection: `application_name=${name}` });
    await expect(sql.query("select 1 as alive")).resolves.toEqual([{ alive: 1 }]);
    await expect(scoped.query("select 1 as alive")).rejects.toThrow(/500/);
    await expect(scoped.query("select 1 as alive")).resolves.toEqual([{ alive: 1 }]);
  });

  it("answers non-SQL requests with errors the driver reports", async () => {
    const res = await fetch(inject("neonUrl"), { method: "POST", body: "{}" });
    expect(res.status).toBe(400);
    const noQuery = await fetch(inject("neonUrl"), {
      method: "POST",
      headers: { "Neon-Connection-String": inject("databaseUrl") },
      body: JSON.stringify({ params: [] }),
    });
    expect(noQuery.status).toBe(400);
    expect(await noQuery.json()).toMatchObject({ message: expect.stringContaining("query") });
  });
});
