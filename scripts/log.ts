const colours: Record<string, number> = { dev: 1, worker: 36, db: 33, s3: 35, gemini: 32 };

/** Prefixed, aligned log lines; coloured only on a terminal. */
export function createLogger(stream: NodeJS.WriteStream = process.stdout) {
  const tty = stream.isTTY && !process.env.NO_COLOR;
  return (service: string, line: string) => {
    const tag = `[${service}]`.padEnd(9);
    stream.write(`${tty ? `\x1b[${colours[service] ?? 0}m${tag}\x1b[0m` : tag}${line}\n`);
  };
}
