// Progress for long-running commands: a bar with rows, rows/s and ETA on stderr when it is a terminal;
// nothing at all with --json or when stderr is a pipe or a file, so machine output stays clean.
import cliProgress from "cli-progress";

export interface Progress {
  /** A step without a known size yet (e.g. reading the file). */
  step(label: string): void;
  /** Rows done of total, with the time the counted work started (epoch ms), for the rate. */
  update(done: number, total: number, startedAt: number): void;
  stop(): void;
}

const silent: Progress = { step() {}, update() {}, stop() {} };

const rate = (n: number) => (n >= 10_000 ? `${Math.round(n / 1000)}k` : String(Math.round(n)));

export function createProgress(opts: { json?: boolean; label: string }): Progress {
  const stream = process.stderr;
  if (opts.json || !stream.isTTY) return silent;
  let bar: cliProgress.SingleBar | undefined;
  return {
    step(label) {
      stream.write(`${opts.label}: ${label}…\n`);
    },
    update(done, total, startedAt) {
      const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001);
      const payload = { rate: rate(done / seconds) };
      if (!bar) {
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${opts.label} [{bar}] {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}`,
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 5,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done, payload);
      } else {
        bar.update(done, payload);
      }
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
