import { readFileSync } from "node:fs";
import t from "tap";
import { COMMANDS } from "../../src/cli/commands.js";
import { runCaptured } from "./run.js";

t.test("top-level help lists every registered command", async (t) => {
  const { code, stdout } = await runCaptured(["--help"]);
  t.equal(code, 0);
  for (const [name, spec] of Object.entries(COMMANDS)) {
    t.match(stdout, `    ${name}`);
    t.match(stdout, spec.summary);
  }
  for (const heading of ["NAME", "SYNOPSIS", "COMMANDS", "EXIT STATUS"]) {
    t.match(stdout, new RegExp(`^${heading}$`, "m"));
  }
  t.same((await runCaptured(["help"])).stdout, stdout);
});

t.test("no command prints help and exits 2", async (t) => {
  const { code, stdout } = await runCaptured([]);
  t.equal(code, 2);
  t.match(stdout, /SYNOPSIS/);
});

t.test("an unknown command exits 2 and lists the known ones", async (t) => {
  for (const name of ["frobnicate", "constructor", "__proto__", "--bogus"]) {
    const { code, stderr } = await runCaptured([name]);
    t.equal(code, 2, name);
    t.match(stderr, /unknown command/);
    t.match(stderr, /status/);
  }
});

t.test("--version prints the package version", async (t) => {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  for (const flag of ["--version", "-V"]) {
    const { code, stdout } = await runCaptured([flag]);
    t.equal(code, 0);
    t.equal(stdout, `eni-agent ${pkg.version}\n`);
  }
});

t.test("every command loads lazily and exposes run()", async (t) => {
  for (const [name, spec] of Object.entries(COMMANDS)) {
    const module = await spec.load();
    t.type(module.run, "function", name);
  }
});
