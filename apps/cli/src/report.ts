/** What the progress display shows after each epoch. */
export interface EpochReport {
  epoch: number;
  epochs: number;
  loss: number;
  accuracy: number | null;
}

/** A progress display: told after each epoch, and when training ends. */
export interface EpochProgress {
  epoch(r: EpochReport): void;
  end(): void;
}

/** A fraction as a percentage with one decimal, or a dash when there is none. */
export const percent = (a: number | null) => (a === null ? "—" : `${(a * 100).toFixed(1)}%`);

/**
 * Progress on stderr, with rows per second and the time left: a bar redrawn in place on a
 * terminal; nothing when stderr is not a terminal (a log file, a pipe), with --quiet or with
 * --json. `rows` is the number of training rows in an epoch.
 */
export function progress(quiet: boolean, rows: number, stream: NodeJS.WriteStream = process.stderr): EpochProgress {
  if (quiet || !stream.isTTY) return { epoch: () => undefined, end: () => undefined };
  const started = performance.now();
  return {
    epoch({ epoch, epochs, loss, accuracy }) {
      const seconds = (performance.now() - started) / 1000;
      const perSecond = Math.round((epoch * rows) / Math.max(seconds, 1e-9)).toLocaleString("en-US");
      const left = duration((seconds / epoch) * (epochs - epoch));
      const width = 24;
      const filled = Math.round((width * epoch) / epochs);
      stream.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] epoch ${epoch}/${epochs}  loss ${loss.toFixed(4)}  accuracy ${percent(accuracy)}  ${perSecond} rows/s  ${left} left   `);
    },
    end: () => stream.write("\n"),
  };
}

/** What reading a file reports as it goes: bytes read so far, of `total` when the size is known. */
export interface ReadProgress {
  read(bytes: number, total: number | null): void;
  end(): void;
}

/**
 * Progress of reading a file, on stderr, redrawn at most every 200 ms: the share read, or the
 * megabytes read from a pipe; nothing when stderr is not a terminal, with --quiet or with --json.
 */
export function readProgress(quiet: boolean, name: string, stream: NodeJS.WriteStream = process.stderr): ReadProgress {
  if (quiet || !stream.isTTY) return { read: () => undefined, end: () => undefined };
  let last = -Infinity;
  let drawn = false;
  return {
    read(bytes, total) {
      const now = performance.now();
      if (now - last < 200) return;
      last = now;
      drawn = true;
      const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;
      stream.write(`\rreading ${name}: ${total ? `${Math.floor((100 * bytes) / total)}% (${mb(bytes)} of ${mb(total)})` : mb(bytes)}   `);
    },
    end: () => {
      if (drawn) stream.write("\r\x1b[K");
    },
  };
}

/** Seconds as `1h02m`, `3m05s` or `12s`. */
function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

/** A small ASCII chart of a curve (the loss per epoch), `height` rows by up to `width` columns. */
export function chart(values: readonly number[], width = 60, height = 8): string {
  if (values.length === 0) return "";
  const columns = Math.min(width, values.length);
  // Each column shows the mean of the epochs that fall into it.
  const points = Array.from({ length: columns }, (_, c) => {
    const from = Math.floor((c * values.length) / columns);
    const to = Math.max(from + 1, Math.floor(((c + 1) * values.length) / columns));
    const slice = values.slice(from, to);
    return slice.reduce((s, v) => s + v, 0) / slice.length;
  });
  const max = Math.max(...points);
  const min = Math.min(...points);
  const span = max - min || 1;
  const rows = Array.from({ length: height }, () => new Array<string>(columns).fill(" "));
  points.forEach((p, c) => {
    const r = Math.round(((max - p) / span) * (height - 1));
    (rows[r] as string[])[c] = "*";
  });
  const label = (v: number) => v.toPrecision(3).padStart(9);
  return rows
    .map((row, r) => `${r === 0 ? label(max) : r === height - 1 ? label(min) : " ".repeat(9)} |${row.join("")}`)
    .concat(`${" ".repeat(9)} +${"-".repeat(columns)}`, `${" ".repeat(11)}epoch 1${" ".repeat(Math.max(1, columns - 14))}${values.length}`)
    .join("\n");
}

/** Two aligned columns: `name   value`. */
export function table(rows: readonly [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${k.padEnd(width)}${v}`).join("\n");
}

