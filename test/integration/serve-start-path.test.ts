/**
 * What the built daemon imports to start: the EC2 SDK, prom-client and the
 * reflection library are loaded on first use (an EC2 call, a metrics
 * listener, a reflection call), and together they would more than double an
 * idle daemon's resident memory. A resolve hook in the daemon's process
 * records every npm package it imports from start until it listens.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import t from "tap";
import { eventually, tempDir } from "../agent/harness.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin/eni-agent.js");
const BUILT = existsSync(join(ROOT, "dist/cli/main.js"));

const HOOKS = `
import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  if (/^(@[^./][^/]*\\/)?[^./:][^:]*$/.test(specifier)) {
    appendFileSync(process.env.RESOLVED_LOG, specifier + "\\n");
  }
  return next(specifier, context);
}
`;

t.test(
  "serve --simulate starts without the packages it loads on first use",
  {
    skip: BUILT ? false : "run npm run build first",
  },
  async (t) => {
    const dir = await tempDir(t);
    const log = join(dir, "resolved.txt");
    writeFileSync(log, "");
    writeFileSync(join(dir, "hooks.mjs"), HOOKS);
    writeFileSync(
      join(dir, "register.mjs"),
      `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)});\n`,
    );
    const socket = join(dir, "agent.sock");
    const child = spawn(
      process.execPath,
      ["--import", join(dir, "register.mjs"), BIN, "serve", "--simulate", "--socket", socket],
      { env: { ...process.env, RESOLVED_LOG: log }, stdio: "ignore" },
    );
    const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
    t.teardown(() => {
      child.kill("SIGKILL");
    });
    await eventually(() => existsSync(socket), 30_000);
    child.kill("SIGTERM");
    t.equal(await exit, 0);
    const packages = new Set(readFileSync(log, "utf8").split("\n").filter(Boolean));
    t.ok(packages.has("@grpc/grpc-js"), "the hook saw the packages the start imports");
    for (const lazy of ["@aws-sdk/client-ec2", "prom-client", "@grpc/reflection"]) {
      t.notOk(packages.has(lazy), `${lazy} is not imported at start`);
    }
  },
);
