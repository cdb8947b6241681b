/** Requests to S3 and the database in flight at once: a Worker may hold six connections. */
const parallel = 4;

/** Runs `work` over the items, at most four at a time; the results keep the items' order. */
export async function inParallel<T, R>(items: T[], work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index], index);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  return results;
}
