import initializeWasm from "@phi-ag/argon2/node";
import argon2 from "argon2";
import type { BenchContext } from "../context";
import { createUser, login, type BenchUser } from "../client";
import { interleave, ratio, timed } from "../measure";
import { formatMs, type Figure } from "../report";
import { currentParams } from "../../worker/services/password-params";

/** Logins per email allowed each minute (AUTH_EMAIL_LIMITER); the bench rotates users to stay under it. */
const loginsPerEmailPerMinute = 10;

/**
 * F7: POST /auth/login (one argon2id verify in workerd, plus its queries and tokens) ÷ one
 * native argon2id hash with the same parameters in Node. To tell the hash from the rest of a
 * login, the detail also sets the worker's WebAssembly build, run in Node, against native.
 */
export async function measureLogin(ctx: BenchContext): Promise<Figure> {
  const logins = ctx.plan.rounds.login + 2;
  const users: BenchUser[] = [];
  while (users.length * (loginsPerEmailPerMinute - 1) < logins) users.push(await createUser(ctx.workerUrl));

  let turn = 0;
  const viaWorker = () => {
    const user = users[turn++ % users.length];
    return timed(() => login(ctx.workerUrl, user.email, user.password));
  };
  const native = () =>
    timed(() =>
      argon2.hash("correct horse battery staple", {
        type: argon2.argon2id,
        memoryCost: currentParams.m,
        timeCost: currentParams.t,
        parallelism: currentParams.p,
      }),
    );
  ctx.log("F7 login");
  const [worker, node] = await interleave(ctx.plan.rounds.login, viaWorker, native);
  const r = ratio(worker, node);
  const wasm = await initializeWasm();
  const options = { memoryCost: currentParams.m, timeCost: currentParams.t, parallelism: currentParams.p, hashLength: 32 };
  const [wasmInNode, nativeAgain] = await interleave(ctx.plan.rounds.login, async () => timed(async () => wasm.hash("correct horse battery staple", options)), native);
  return {
    id: "F7",
    name: "login ÷ native argon2id",
    value: r.p50,
    unit: "×",
    target: { op: "<=", value: 1.5 },
    detail:
      `login ${formatMs(worker)}; native ${formatMs(node)} (m=${currentParams.m} KiB, t=${currentParams.t}, p=${currentParams.p}); ` +
      `the hash alone, WebAssembly in Node ÷ native: ${(wasmInNode.p50 / nativeAgain.p50).toFixed(2)}× (${formatMs(wasmInNode)} ÷ ${formatMs(nativeAgain)})`,
  };
}
