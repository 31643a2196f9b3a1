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
  ["src/sysfs/fd-walk.ts", "the real HolderScanner's walk over <procRoot>/<pid>/fd"],
  ["src/driver/file-journal.ts", "the journal's file adapter"],
  ["src/common/state-file.ts", "durable state writes: temp file, fsync, rename, fsync dir"],
  ["src/driver/state-lock.ts", "the state directory's lock (and /proc/<pid>/stat of its owner)"],
  ["src/driver/desired-state.ts", "reads the desired-bindings file from the state directory"],
  ["src/aws/release-plan-file-store.ts", "the release plan's journal: atomic, fsynced records"],
  ["src/sim/materialize", "writes a simulated host as a real directory tree"],
  ["src/sim/persist.ts", "keeps a simulated kernel across process kills"],
  ["src/server/unix-socket.ts", "socket directory, stale socket and socket mode"],
  ["src/kubelet/plugin-directory.ts", "creates kubelet's device plugin directory when missing"],
  ["src/agent/config", "loads the configuration file"],
  ["src/agent/descriptor-budget.ts", "reads the process's open-file limit (proc/self/limits)"],
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
    name: "@grpc/grpc-js only in src/server, src/kubelet and src/cli",
    matches: (s) => s === "@grpc/grpc-js" || s.startsWith("@grpc/grpc-js/"),
    allowed: ["src/server/", "src/kubelet/", "src/cli/"],
  },
  {
    name: "node:fs only in the file-system adapters listed in FS_ALLOWED",
    matches: (s) => /^(node:)?fs(\/promises)?$/.test(s),
    allowed: FS_ALLOWED.map(([prefix]) => prefix),
  },
];

/** Which areas of src/ an area may import from (itself always). Areas not listed are unchecked. */
const LAYERS: Readonly<Record<string, readonly string[]>> = {
  common: [],
  sysfs: ["common"],
  // The AWS layer takes the driver's restore and the clock injected: it
  // imports nothing but common.
  aws: ["common"],
  // The controller contract's intents take the engine, IMDS and the
  // inventory as injected ports, like aws/.
  intents: ["common"],
  // kubelet's device plugin: its own gRPC servers and clients, on the
  // server's listener and socket helpers; the agent feeds it.
  kubelet: ["common", "server"],
};

/** Areas only some others may import (the composition root wires them). */
const IMPORTERS: Readonly<Record<string, readonly string[]>> = {
  kubelet: ["agent"],
};

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
    for (const { specifier } of importsOf(file.source)) {
      for (const rule of PACKAGE_RULES) {
        if (rule.matches(specifier) && !rule.allowed.some((p) => file.path.startsWith(p))) {
          violations.push({ file: file.path, specifier, rule: rule.name });
        }
      }
      if (!specifier.startsWith(".")) continue;
      const target = posix.join(posix.dirname(file.path), specifier);
      const targetArea = target.startsWith("src/") ? target.split("/")[1]! : "(outside src)";
      const importers = IMPORTERS[targetArea];
      if (targetArea !== area && importers !== undefined && !importers.includes(area)) {
        violations.push({
          file: file.path,
          specifier,
          rule: `src/${targetArea} may be imported only by ${importers.map((a) => `src/${a}`).join(", ")}`,
        });
      }
      const allowedAreas = LAYERS[area];
      if (allowedAreas === undefined) continue;
      if (targetArea !== area && !allowedAreas.includes(targetArea)) {
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
    { path: "src/server/k.ts", source: 'import { DevicePlugin } from "../kubelet/index.js";\n' },
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
    "src/server/k.ts ../kubelet/index.js",
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
  ];
  t.same(checkArchitecture(good), []);
});
