import { execFileSync } from "node:child_process";
import t from "tap";
import { LOADER_FLAGS } from "../../scripts/proto-render.mjs";
import { LOADER_OPTIONS } from "../../src/server/load-definition.js";

t.test("buf lint passes and generated types and docs match the proto", async (t) => {
  // Lints (STANDARD + COMMENTS), regenerates into a scratch dir and compares;
  // exits non-zero (and execFileSync throws with its output) when anything is stale.
  t.doesNotThrow(
    () =>
      execFileSync(process.execPath, ["scripts/proto.mjs", "--check"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      }),
    "npm run proto -- --check is clean",
  );
});

t.test("the runtime loader options are the flags the types were generated with", async (t) => {
  const flags = [
    `--longs=${LOADER_OPTIONS.longs === String ? "String" : "?"}`,
    `--enums=${LOADER_OPTIONS.enums === String ? "String" : "?"}`,
    ...(LOADER_OPTIONS.defaults ? ["--defaults"] : []),
    ...(LOADER_OPTIONS.oneofs ? ["--oneofs"] : []),
  ];
  t.same(flags, LOADER_FLAGS);
  t.notOk(LOADER_OPTIONS.keepCase, "camelCase field names, like the generated types");
});
