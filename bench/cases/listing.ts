import type { BenchContext } from "../context";
import { createUser, listImages, type BenchUser } from "../client";
import { interleave, ratio, runConcurrent, summarize, timed, type Trial } from "../measure";
import { formatMs, type Figure, type GrowthRow } from "../report";

const pageSize = 50;
const seededRows = 1_000;

/**
 * F3: GET /images (50 rows with signed URLs) from the worker's workerd directly ÷ the same
 * select over the same Neon-HTTP endpoint, for a user with 1,000 rows, with the figure
 * through wrangler dev's proxy beside it; then how both grow with the rows per page and
 * with concurrent clients (directly).
 */
export async function measureListing(ctx: BenchContext): Promise<{ figures: Figure[]; growth: GrowthRow[]; user: BenchUser }> {
  const user = await createUser(ctx.workerUrl);
  await ctx.sql.seedImages(user.id, seededRows);

  const pair = (limit: number, baseUrl = ctx.directUrl): [Trial, Trial] => [
    () => timed(() => listImages(baseUrl, user.token, limit)),
    () => timed(() => ctx.sql.listImages(user.id, limit)),
  ];

  ctx.log("F3 listing");
  const [worker, raw] = await interleave(ctx.plan.rounds.listing, ...pair(pageSize));
  const [viaProxy, rawAgain] = await interleave(Math.ceil(ctx.plan.rounds.listing / 2), ...pair(pageSize, ctx.workerUrl));
  const r = ratio(worker, raw);
  const figure: Figure = {
    id: "F3",
    name: `GET /images (${pageSize} rows) ÷ raw select, workerd directly`,
    value: r.p50,
    unit: "×",
    target: { op: "<=", value: 2 },
    detail:
      `worker ${formatMs(worker)}; raw ${formatMs(raw)}; p95 ratio ${r.p95.toFixed(2)}×; ` +
      `through wrangler dev's proxy ${ratio(viaProxy, rawAgain).p50.toFixed(2)}× (${formatMs(viaProxy)} ÷ ${formatMs(rawAgain)})`,
  };

  const growth: GrowthRow[] = [];
  ctx.log("growth: listing by rows per page");
  for (const limit of ctx.plan.growthPageRows) {
    const [w, b] = await interleave(Math.ceil(ctx.plan.rounds.listing / 2), ...pair(limit));
    growth.push({ case: "F3 listing, 1 client", load: `${limit} rows a page`, worker: w, baseline: b, errors: 0 });
  }
  ctx.log("growth: listing by clients");
  const [viaWorker, direct] = pair(pageSize);
  for (const [level, clients] of ctx.plan.growthClients.entries()) {
    const total = Math.max(20, clients * 3);
    // Alternate which side goes first from one level to the next.
    const runs = level % 2 === 0 ? [viaWorker, direct] : [direct, viaWorker];
    const [first, second] = [await runConcurrent(clients, total, runs[0]), await runConcurrent(clients, total, runs[1])];
    const [w, b] = level % 2 === 0 ? [first, second] : [second, first];
    if (w.firstError ?? b.firstError) ctx.log(`  first failure: ${String(w.firstError ?? b.firstError)}`);
    growth.push({
      case: `F3 listing, ${pageSize} rows a page`,
      load: `${clients} clients`,
      worker: summarize(w.samples),
      baseline: summarize(b.samples),
      workerRps: (w.samples.length / w.wallMs) * 1000,
      errors: w.errors + b.errors,
    });
  }
  return { figures: [figure], growth, user };
}
