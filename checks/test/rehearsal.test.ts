import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { cpSync, readFileSync, readdirSync, realpathSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUBLISHED, ROOT, output, readJson, scratch, scratchRepo } from "./repo.js";

// A release rehearsed end to end, as `pnpm release` does it and as users then install it: the
// repository (working tree included) is versioned with `changeset version` and published with
// `changeset publish` to a local registry (verdaccio, started and stopped here), then fresh
// projects install the packages from that registry — ESM, CommonJS, TypeScript with strict
// settings and no ambient types, a Vite build — and each runs a small program. It is also the
// publish dry run: nothing leaves this machine.

const BIN = join(ROOT, "node_modules/.bin");
let registry: ChildProcess | undefined;
let url: string;
let repo: string;
const fixtures = join(ROOT, "checks/fixtures/rehearsal");

/** A free TCP port on the loopback interface. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Starts verdaccio on `port` with its storage in `dir`; resolves once it answers. */
async function startRegistry(dir: string, port: number): Promise<ChildProcess> {
  // No uplink: everything a consumer installs is published here, so the rehearsal needs no network.
  writeFileSync(join(dir, "config.yaml"), [
    "storage: ./storage",
    "auth:",
    "  htpasswd:",
    "    file: ./htpasswd",
    "    max_users: 1",
    "uplinks: {}",
    "packages:",
    "  '**':",
    "    access: $all",
    "    publish: $authenticated",
    "log: { type: stdout, format: pretty, level: error }",
  ].join("\n"));
  const child = spawn(join(ROOT, "checks/node_modules/.bin/verdaccio"), ["--config", "config.yaml", "--listen", `127.0.0.1:${port}`], { cwd: dir, stdio: "ignore" });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/-/ping`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill();
  throw new Error("verdaccio did not answer within 60 s");
}

/** A user on the local registry, and the token npm publishes with. */
async function token(): Promise<string> {
  const response = await fetch(`${url}-/user/org.couchdb.user:rehearsal`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "rehearsal", password: "rehearsal-password" }),
  });
  const body = (await response.json()) as { token?: string };
  if (!body.token) throw new Error(`verdaccio gave no token: ${JSON.stringify(body)}`);
  return body.token;
}

/** A fresh project that installs `packages` from the local registry, with the fixture files copied in. */
function consumer(name: string, packages: readonly string[], type: "module" | "commonjs"): string {
  const dir = scratch(`consumer-${name}`);
  cpSync(fixtures, dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `consumer-${name}`, private: true, type }));
  output("npm", ["install", "--registry", url, "--no-audit", "--no-fund", ...packages], dir);
  return dir;
}

const LIBRARIES = ["engine", "expr", "losses", "nn", "onnx", "optim", "training", "viz"].map((n) => `@micrograd/${n}`);

beforeAll(async () => {
  const home = scratch("registry");
  const port = await freePort();
  registry = await startRegistry(home, port);
  url = `http://127.0.0.1:${port}/`;
  // Publishing goes to the local registry through the environment: a package manager running
  // this test sets its own npm_config_registry, which would win over any .npmrc.
  const npmrc = join(home, ".npmrc");
  writeFileSync(npmrc, `//127.0.0.1:${port}/:_authToken=${await token()}\n`);
  const publishing = { npm_config_registry: url, npm_config_userconfig: npmrc };
  // The one third-party runtime dependency (the CLI's Graphviz), published from the workspace's own copy.
  const graphviz = realpathSync(join(ROOT, "packages/viz/node_modules/@viz-js/viz"));
  output("npm", ["publish", graphviz, "--ignore-scripts", "--tag", "latest"], home, publishing);
  repo = scratchRepo();
  output("pnpm", ["install", "--frozen-lockfile", "--offline"], repo);
  output(join(BIN, "changeset"), ["version"], repo);
  output(join(BIN, "changeset"), ["publish"], repo, publishing);
}, 600_000);

afterAll(() => {
  registry?.kill();
});

describe("a release rehearsed on a local registry", () => {
  it("publishes every package at its new version", () => {
    for (const dir of PUBLISHED) {
      const { name, version } = readJson<{ name: string; version: string }>(join(repo, dir, "package.json"));
      expect(version, name).toBe("0.1.0");
      expect(output("npm", ["view", `${name}@${version}`, "version", "--registry", url], repo).trim(), name).toBe("0.1.0");
    }
  });

  it("ships each package's CHANGELOG, built from the released version", () => {
    const dir = scratch("tarballs");
    for (const name of [...LIBRARIES, "@micrograd/cli"]) {
      output("npm", ["pack", `${name}@0.1.0`, "--registry", url], dir);
    }
    for (const file of readdirSync(dir)) {
      const listing = output("tar", ["-tzf", file], dir);
      expect(listing, file).toContain("package/CHANGELOG.md");
      const changelog = output("tar", ["-xzOf", file, "package/CHANGELOG.md"], dir);
      expect(changelog, file).toMatch(/^## 0\.1\.0\n\n### Minor Changes\n\n- .*Initial release\.$/m);
    }
  });

  const expected = (run: Record<string, unknown>) => {
    // Versioned after its dist was built: a stale build would still say 0.0.0.
    expect(run.producerVersion).toBe("0.1.0");
    expect(run.mode).toBe("compiled");
    expect(run.lastLoss as number).toBeLessThan(run.firstLoss as number);
    expect(run.onnxOutputs).toEqual(["scores", "label", "probabilities"]);
    expect(run.xGrad).toBeCloseTo(-3 * (1 - Math.tanh(-5) ** 2), 12);
    expect(run.dotStart).toMatch(/^digraph/);
    expect(run.shapeError).toBe("ShapeError");
  };

  let esm: Record<string, unknown>;
  it("runs in an ESM project", () => {
    const dir = consumer("esm", LIBRARIES, "module");
    esm = JSON.parse(output("node", ["program.mjs"], dir)) as Record<string, unknown>;
    expected(esm);
  });

  it("runs in a CommonJS project, with the ESM project's numbers", () => {
    const dir = consumer("cjs", LIBRARIES, "commonjs");
    const cjs = JSON.parse(output("node", ["program.cjs"], dir)) as Record<string, unknown>;
    expected(cjs);
    expect(cjs).toEqual(esm);
  });

  it("type-checks with strict settings, types: [] and skipLibCheck: false, and runs", () => {
    const dir = consumer("ts", LIBRARIES, "module");
    output(join(BIN, "tsc"), ["-p", "tsconfig.json"], dir);
    const ts = JSON.parse(output("node", ["out/program.js"], dir)) as Record<string, unknown>;
    expected(ts);
    expect(ts).toEqual(esm);
  });

  it("bundles with Vite for a browser, and the bundle runs", () => {
    const dir = consumer("vite", LIBRARIES, "module");
    output(join(BIN, "vite"), ["build", "--logLevel", "error"], dir);
    const assets = join(dir, "dist/assets");
    const bundle = readdirSync(assets).find((f) => f.endsWith(".js")) as string;
    expect(readFileSync(join(assets, bundle), "utf8")).not.toMatch(/from\s*["']node:/);
    const vite = JSON.parse(output("node", [join(assets, bundle)], dir)) as Record<string, unknown>;
    expect(vite).toEqual(esm);
  });

  it("installs the micrograd command, which trains and reports its version", () => {
    const dir = consumer("cli", ["@micrograd/cli"], "module");
    expect(output("npx", ["--no-install", "micrograd", "--version"], dir).trim()).toContain("0.1.0");
    const summary = JSON.parse(output("npx", ["--no-install", "micrograd", "train", "--dataset", "xor", "--epochs", "5", "--out", "model.json", "--json"], dir)) as { mode: string; train: { rows: number } };
    expect(summary).toMatchObject({ mode: "compiled", train: { rows: 100 } });
    expect(readJson<{ cli: string }>(join(dir, "model.json")).cli).toBe("0.1.0");
  });
});
