/**
 * The layering rules of DESIGN.md, checked on every source file under src/.
 * To allow a new file-system adapter, add one line to FS_ALLOWED with the
 * reason; to add a rule, add an entry to PACKAGE_RULES or LAYERS.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";
import { importsOf } from "./support/imports.js";

/** Where node:fs may be imported, and why. A prefix ending in "/" is a folder. */
const FS_ALLOWED: readonly (readonly [prefix: string, why: string])[] = [
  ["src/sysfs/real-", "the real Sysfs, HolderScanner and DefaultRouteReader adapters"],
  ["src/sysfs/fd-walk.ts", "the real HolderScanner's walk over procfs fd links"],
  ["src/driver/file-journal.ts", "the journal's file adapter"],
  ["src/common/state-file.ts", "durable state writes: temp file, fsync, rename, fsync dir"],
  ["src/driver/state-lock.ts", "the state directory's lock (and /proc/<pid>/stat of its owner)"],
  ["src/driver/desired-state.ts", "reads the desired-bindings file from the state directory"],
  ["src/aws/release-plan/plan-store.ts", "the release plan's journal: atomic, fsynced records"],
  ["src/sim/materialize", "writes a simulated host as a real directory tree"],
  ["src/sim/persist.ts", "keeps a simulated kernel across process kills"],
  ["src/server/unix-socket.ts", "socket directory, stale socket and socket mode"],
  ["src/kubelet/plugin-directory.ts", "creates kubelet's device plugin directory when missing"],
  ["src/agent/config", "loads the configuration file"],
  ["src/agent/descriptor-budget.ts", "reads the process's open-file limit (proc/self/limits)"],
  ["src/client/default-socket.ts", "whether the system or the simulated daemon's socket exists"],
  ["src/cli/", "commands for people"],
];

interface PackageRule {
  name: string;
  matches: (specifier: string) => boolean;
  allowed: readonly string[];
}

const PACKAGE_RULES: readonly PackageRule[] = [
  {
    name: "child_process only in src/cli (the daemon never runs programs)",
    matches: (s) => s === "child_process" || s === "node:child_process",
    allowed: ["src/cli/"],
  },
  {
    name: "systeminformation only in src/cli (it runs shell commands)",
    matches: (s) => s === "systeminformation" || s.startsWith("systeminformation/"),
    allowed: ["src/cli/"],
  },
  {
    name: "@grpc/grpc-js only in src/server, src/client, src/kubelet and src/cli",
    matches: (s) => s === "@grpc/grpc-js" || s.startsWith("@grpc/grpc-js/"),
    allowed: ["src/server/", "src/client/", "src/kubelet/", "src/cli/"],
  },
  {
    name: "node:fs only in the file-system adapters listed in FS_ALLOWED",
    matches: (s) => /^(node:)?fs(\/promises)?$/.test(s),
    allowed: FS_ALLOWED.map(([prefix]) => prefix),
  },
];

/**
 * What each area of src/ may import besides itself, as the README's Layout
 * states it. An entry is an area or, with a
 * "/" in it, one folder or file of an area (the client shares only the
 * server's wire contract). Every area is listed: a new one fails the test.
 * Outside src/, only package.json (for the version) may be imported.
 */
const LAYERS: Readonly<Record<string, readonly string[]>> = {
  common: [],
  sysfs: ["common"],
  sim: ["common", "sysfs"],
  driver: ["common", "sysfs"],
  // The AWS layer takes the driver's restore and the clock injected: it
  // imports nothing but common.
  aws: ["common"],
  // The controller contract's intents take the engine, IMDS and the
  // inventory as injected ports, like aws/.
  intents: ["common"],
  server: ["common", "sysfs", "intents"],
  client: ["common", "server/generated/", "server/error-status.js", "server/load-definition.js"],
  // kubelet's device plugin: its own gRPC servers and clients, on the
  // server's listener and socket helpers; only the agent (which feeds it) imports it.
  kubelet: ["common", "server"],
  agent: ["common", "sysfs", "sim", "driver", "aws", "intents", "server", "kubelet"],
  cli: ["common", "sysfs", "sim", "driver", "aws", "server", "client", "agent"],
};

/** Whether a layer's entries admit an import resolved to `target` (a path from the repository root). */
function allows(entries: readonly string[], target: string): boolean {
  if (target === "package.json") return true;
  if (!target.startsWith("src/")) return false;
  const below = target.slice("src/".length);
  return entries.some((e) => (e.includes("/") ? below.startsWith(e) : below.split("/")[0] === e));
}

export interface SourceFile {
  /** Path relative to the repository, with "/" separators, e.g. "src/sysfs/real-sysfs.ts". */
  path: string;
  source: string;
}

export interface Violation {
  file: string;
  specifier: string;
  rule: string;
}

export function checkArchitecture(files: readonly SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const area = file.path.split("/")[1] ?? "";
    const allowedAreas = LAYERS[area];
    if (allowedAreas === undefined) {
      violations.push({ file: file.path, specifier: "", rule: `src/${area} is not in LAYERS` });
      continue;
    }
    for (const { specifier } of importsOf(file.source)) {
      for (const rule of PACKAGE_RULES) {
        if (rule.matches(specifier) && !rule.allowed.some((p) => file.path.startsWith(p))) {
          violations.push({ file: file.path, specifier, rule: rule.name });
        }
      }
      if (!specifier.startsWith(".")) continue;
      const target = posix.join(posix.dirname(file.path), specifier);
      const targetArea = target.startsWith("src/") ? target.split("/")[1]! : "(outside src)";
      if (targetArea !== area && !allows(allowedAreas, target)) {
        violations.push({
          file: file.path,
          specifier,
          rule: `src/${area} may import only ${[area, ...allowedAreas].map((a) => `src/${a}`).join(", ")}`,
        });
      }
    }
  }
  return violations;
}

const ROOT = fileURLToPath(new URL("../", import.meta.url));

function sourcesUnder(dir: string): SourceFile[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts"))
    .map((name) => {
      const abs = join(ROOT, dir, name);
      return { path: relative(ROOT, abs).split("\\").join("/"), source: readFileSync(abs, "utf8") };
    });
}

t.test("every module under src/ keeps the layering rules", async (t) => {
  const files = sourcesUnder("src");
  t.ok(files.length > 10, `checked ${files.length} files`);
  t.same(checkArchitecture(files), []);
});

t.test("the checker catches each kind of violation", async (t) => {
  const bad: SourceFile[] = [
    { path: "src/driver/run.ts", source: 'import { spawn } from "node:child_process";\n' },
    { path: "src/sysfs/helper.ts", source: 'const cp = require("child_process");\n' },
    { path: "src/agent/x.ts", source: 'export { Server } from "@grpc/grpc-js";\n' },
    { path: "src/driver/engine.ts", source: 'import type { Stats } from "node:fs";\n' },
    { path: "src/aws/y.ts", source: 'const fs = await import("fs/promises");\n' },
    { path: "src/server/z.ts", source: 'import si from "systeminformation";\n' },
    { path: "src/common/z.ts", source: 'import { parseMac } from "../sysfs/parse.js";\n' },
    { path: "src/sysfs/z.ts", source: 'import { engine } from "../driver/engine.js";\n' },
    { path: "src/aws/z.ts", source: 'import { steppingClock } from "../driver/clock.js";\n' },
    { path: "src/server/z.ts", source: 'import { Agent } from "../agent/agent.js";\n' },
    {
      path: "src/driver/z.ts",
      source: 'import type { Ec2Actions } from "../aws/ec2-actions.js";\n',
    },
    { path: "src/sim/z.ts", source: 'import { DriverEngine } from "../driver/engine.js";\n' },
    {
      path: "src/client/z.ts",
      source: 'import { AgentServer } from "../server/agent-server.js";\n',
    },
    { path: "src/agent/z.ts", source: 'import { connectAgent } from "../client/client.js";\n' },
    { path: "src/newarea/z.ts", source: "export const x = 1;\n" },
    { path: "src/server/k.ts", source: 'import { DevicePlugin } from "../kubelet/index.js";\n' },
    { path: "src/cli/k.ts", source: 'import { DevicePlugin } from "../kubelet/index.js";\n' },
    { path: "src/kubelet/d.ts", source: 'import { engine } from "../driver/engine.js";\n' },
  ];
  const found = checkArchitecture(bad).map((v) => `${v.file} ${v.specifier}`);
  t.same(found, [
    "src/driver/run.ts node:child_process",
    "src/sysfs/helper.ts child_process",
    "src/agent/x.ts @grpc/grpc-js",
    "src/driver/engine.ts node:fs",
    "src/aws/y.ts fs/promises",
    "src/server/z.ts systeminformation",
    "src/common/z.ts ../sysfs/parse.js",
    "src/sysfs/z.ts ../driver/engine.js",
    "src/aws/z.ts ../driver/clock.js",
    "src/server/z.ts ../agent/agent.js",
    "src/driver/z.ts ../aws/ec2-actions.js",
    "src/sim/z.ts ../driver/engine.js",
    "src/client/z.ts ../server/agent-server.js",
    "src/agent/z.ts ../client/client.js",
    "src/newarea/z.ts ",
    "src/server/k.ts ../kubelet/index.js",
    "src/cli/k.ts ../kubelet/index.js",
    "src/kubelet/d.ts ../driver/engine.js",
  ]);
});

t.test("allowed places and look-alikes pass", async (t) => {
  const good: SourceFile[] = [
    { path: "src/cli/doctor.ts", source: 'import { execFile } from "node:child_process";\n' },
    { path: "src/server/s.ts", source: 'import * as grpc from "@grpc/grpc-js";\n' },
    { path: "src/kubelet/s.ts", source: 'import * as grpc from "@grpc/grpc-js";\n' },
    { path: "src/agent/k.ts", source: 'import { DevicePlugin } from "../kubelet/index.js";\n' },
    { path: "src/sysfs/real-sysfs.ts", source: 'import * as fs from "node:fs";\n' },
    {
      path: "src/sysfs/inventory.ts",
      source: 'import { AgentError } from "../common/index.js";\n',
    },
    { path: "src/common/a.ts", source: 'import { b } from "./b.js";\n' },
    // Mentions in comments and strings are not imports.
    {
      path: "src/driver/d.ts",
      source: '// import { x } from "node:fs";\nconst s = "child_process";\n',
    },
    { path: "src/driver/e.ts", source: 'import { fsync } from "./fs-helpers.js";\n' },
    // The client shares the server's wire contract, and nothing else of it.
    {
      path: "src/client/c.ts",
      source:
        'import type { Device } from "../server/generated/eniagent/v1/Device.js";\nimport { ERROR_METADATA_KEY } from "../server/error-status.js";\n',
    },
    {
      path: "src/cli/commands/x.ts",
      source: 'import { connectAgent } from "../../client/client.js";\n',
    },
  ];
  t.same(checkArchitecture(good), []);
});
