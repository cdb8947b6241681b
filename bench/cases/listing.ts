import type { BenchContext } from "../context";
import { createUser, listImages, type BenchUser } from "../client";
import { interleave, ratio, runConcurrent, summarize, timed, type Trial } from "../measure";
import { formatMs, type Figure, type GrowthRow } from "../report";

const pageSize = 50;

/**
 * F3: GET /images (50 rows with signed URLs) ÷ the same select over the same Neon-HTTP
 * endpoint, then how both grow with the user's row count and with concurrent clients.
 */
export async function measureListing(ctx: BenchContext): Promise<{ figures: Figure[]; growth: GrowthRow[]; user: BenchUser }> {
  const users = new Map<number, BenchUser>();
  for (const rows of ctx.plan.growthRows) {
    const user = await createUser(ctx.workerUrl);
    await ctx.sql.seedImages(user.id, rows);
    users.set(rows, user);
  }
  const pageRows = ctx.plan.growthRows.find((rows) => rows >= pageSize * 10);
  if (pageRows === undefined) throw new Error("the plan needs a user with at least 500 rows for F3");
  const pageUser = users.get(pageRows) as BenchUser;

  const pair = (user: BenchUser): [Trial, Trial] => [
    () => timed(() => listImages(ctx.workerUrl, user.token, pageSize)),
    () => timed(() => ctx.sql.listImages(user.id, pageSize)),
  ];

  ctx.log("F3 listing");
  const [worker, raw] = await interleave(ctx.plan.rounds.listing, ...pair(pageUser));
  const r = ratio(worker, raw);
  const figure: Figure = {
    id: "F3",
    name: `GET /images (${pageSize} rows) ÷ raw select`,
    value: r.p50,
    unit: "×",
    target: { op: "<=", value: 2 },
    detail: `worker ${formatMs(worker)}; raw ${formatMs(raw)}; p95 ratio ${r.p95.toFixed(2)}×`,
  };

  const growth: GrowthRow[] = [];
  ctx.log("growth: listing by rows");
  for (const [rows, user] of users) {
    const [w, b] = await interleave(Math.ceil(ctx.plan.rounds.listing / 2), ...pair(user));
    growth.push({ case: "F3 listing", load: `${rows.toLocaleString("en")} rows, 1 client`, worker: w, baseline: b, errors: 0 });
  }
  ctx.log("growth: listing by clients");
  const [viaWorker, direct] = pair(pageUser);
  for (const [level, clients] of ctx.plan.growthClients.entries()) {
    const total = Math.max(20, clients * 3);
    // Alternate which side goes first from one level to the next.
    const runs = level % 2 === 0 ? [viaWorker, direct] : [direct, viaWorker];
    const [first, second] = [await runConcurrent(clients, total, runs[0]), await runConcurrent(clients, total, runs[1])];
    const [w, b] = level % 2 === 0 ? [first, second] : [second, first];
    if (w.firstError ?? b.firstError) ctx.log(`  first failure: ${String(w.firstError ?? b.firstError)}`);
    growth.push({
      case: "F3 listing",
      load: `${clients} clients, ${pageRows.toLocaleString("en")} rows`,
      worker: summarize(w.samples),
      baseline: summarize(b.samples),
      workerRps: (w.samples.length / w.wallMs) * 1000,
      errors: w.errors + b.errors,
    });
  }
  return { figures: [figure], growth, user: pageUser };
}
