import { describe, expect, it } from "vitest";
import { progress, readProgress } from "../src/report.js";

/** A stand-in for a terminal's stderr that keeps what is written. */
function terminal(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (s: string) => written.push(s) > 0 } as unknown as NodeJS.WriteStream };
}

describe("the progress bar", () => {
  it("on a terminal, redraws one line with the epoch, loss, accuracy, rows per second and the time left", () => {
    const { written, stream } = terminal(true);
    const bar = progress(false, 5000, stream);
    bar.epoch({ epoch: 1, epochs: 4, loss: 0.5, accuracy: 0.75 });
    bar.epoch({ epoch: 4, epochs: 4, loss: 0.25, accuracy: 0.9 });
    bar.end();
    expect(written[0]).toMatch(/^\r\[#{6}\.{18}\] epoch 1\/4 {2}loss 0\.5000 {2}accuracy 75\.0% {2}[\d,]+ rows\/s {2}\d+(s|m\d\ds|h\d\dm) left/);
    expect(written[1]).toMatch(/^\r\[#{24}\] epoch 4\/4 .* 0s left/);
    expect(written[2]).toBe("\n");
  });

  it("writes nothing when stderr is not a terminal, or with --quiet", () => {
    for (const [quiet, tty] of [[false, false], [true, true]] as const) {
      const { written, stream } = terminal(tty);
      const bar = progress(quiet, 100, stream);
      bar.epoch({ epoch: 1, epochs: 1, loss: 1, accuracy: null });
      bar.end();
      expect(written).toEqual([]);
    }
  });
});

describe("reading progress", () => {
  it("on a terminal, shows the share of the file read and clears its line at the end; elsewhere nothing", async () => {
    const { written, stream } = terminal(true);
    const reading = readProgress(false, "big.csv", stream);
    reading.read(250e6, 1000e6);
    reading.read(260e6, 1000e6); // within 200 ms of the last: not redrawn
    await new Promise((resolve) => setTimeout(resolve, 210));
    reading.read(600e6, null);
    reading.end();
    expect(written).toEqual(["\rreading big.csv: 25% (250 MB of 1000 MB)   ", "\rreading big.csv: 600 MB   ", "\r\u001b[K"]);
    for (const [tty, quiet] of [[false, false], [true, true]] as const) {
      const other = terminal(tty);
      const silent = readProgress(quiet, "big.csv", other.stream);
      silent.read(1, 2);
      silent.end();
      expect(other.written).toEqual([]);
    }
  });
});
