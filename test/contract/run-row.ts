/**
 * Runs one row of the facts: set up its "before" state with real writes,
 * optionally hold a /dev node open, make the row's write through the port,
 * then compare the result, the errno and the "after" state (plus the row's
 * extra checks: /dev/vfio, iommu group, other NICs, uio entries).
 */
import { forMode, type Row, type RowExtra } from "./conformance-rows.js";
import type { ConformanceResult } from "./conformance-types.js";
import {
  basename,
  type DevState,
  errnoOf,
  establish,
  readState,
  renderState,
  sameState,
  tryWrite,
} from "./device-state.js";
import { addressOf, expand, expandState, type RunContext, skipped } from "./run-context.js";

/** The result a target should give: before 5.14 every bind failure is ENODEV. */
export function expectedResult(row: Row, ctx: RunContext): string {
  const result = forMode(row.result, ctx.target.mode);
  const isBind = /^drivers\/[^/]+\/bind$/.test(row.file);
  if (ctx.target.errnoStyle === "pre-5.14" && isBind && result !== "OK" && result !== "n/a") {
    return "ENODEV";
  }
  return result;
}

export async function runRow(ctx: RunContext, row: Row): Promise<ConformanceResult> {
  const { target } = ctx;
  const { sysfs, mode } = target;
  const result = expectedResult(row, ctx);
  const postSpec = forMode(row.post, mode);
  const post = postSpec === null ? null : expandState(ctx, postSpec);
  const expected = `${result}${post ? ` → ${renderState(post)}` : ""}`;
  if (result === "n/a") return skipped(row.id, expected, `not reachable in mode ${mode}`);
  const missing = missingInput(ctx, row);
  if (missing) return skipped(row.id, expected, missing);

  const fail = (actual: string, detail: string): ConformanceResult => ({
    id: row.id,
    ok: false,
    skipped: false,
    expected,
    actual,
    detail,
  });
  for (const [key, spec] of Object.entries(row.setup ?? {})) {
    const problem = await establish(sysfs, addressOf(ctx, key as "A"), expandState(ctx, spec));
    if (problem) return fail("setup failed", `${key}: ${problem}`);
  }
  const subject = row.subject === null ? null : addressOf(ctx, row.subject);
  const preSpec = forMode(row.pre, mode);
  if (subject !== null && preSpec !== null) {
    const pre = expandState(ctx, preSpec);
    const problem = await establish(sysfs, subject, pre);
    if (problem) return fail("setup failed", problem);
    const have = await readState(sysfs, subject);
    if (!sameState(have, pre)) {
      return fail("setup failed", `before-state ${renderState(have)}, wanted ${renderState(pre)}`);
    }
  }
  const groupBefore = subject !== null ? await iommuGroup(ctx, subject) : null;

  const notes: string[] = [];
  const hold = row.hold ? await holdNode(ctx, row.hold, subject ?? "", notes) : null;
  const path = `bus/pci/${expand(ctx, row.file)}`;
  let actualResult = await tryWrite(sysfs, path, Buffer.from(expand(ctx, row.value), "utf8"));
  if (hold) await hold.close();
  // The real adapter refuses 0-byte writes on purpose; the kernel never sees them.
  if (actualResult === "REFUSED" && row.value === "") {
    notes.push(
      "the adapter refused the 0-byte write (the kernel would return 0 and change nothing)",
    );
    actualResult = "OK";
  }
  const after = subject !== null && post ? await readState(sysfs, subject) : null;
  const actual = `${actualResult}${after ? ` → ${renderState(after)}` : ""}`;
  const problems: string[] = [];
  if (actualResult !== result) problems.push(`result ${actualResult}, expected ${result}`);
  if (post && after && !sameState(after, post)) problems.push("after-state differs");
  const extra = forMode(row.extra ?? null, mode);
  if (extra) problems.push(...(await checkExtra(ctx, extra, subject ?? "", groupBefore, notes)));
  return {
    id: row.id,
    ok: problems.length === 0,
    skipped: false,
    expected,
    actual,
    detail: [...problems, ...notes].join("; "),
  };
}

function missingInput(ctx: RunContext, row: Row): string | null {
  const t = ctx.target;
  if (row.file.includes("{bridge}") || row.value.includes("{bridge}")) {
    if (!t.bridge) return "the target names no bridge";
  }
  if (row.subject === "hex" && !t.unboundHex)
    return "the target names no unbound hex-address device";
  if (row.hold && !t.dev) return "needs /dev access (DevHook)";
  return null;
}

/** The iommu group number of a device, or null when it has no group link. */
async function iommuGroup(ctx: RunContext, address: string): Promise<string | null> {
  const link = `bus/pci/devices/${address}/iommu_group`;
  const sysfs = ctx.target.sysfs;
  return (await sysfs.exists(link)) ? basename(await sysfs.readlink(link)) : null;
}

/** Opens the row's node through the DevHook; for a vfio group also checks that a second open is EBUSY. */
async function holdNode(
  ctx: RunContext,
  kind: "vfio-group" | "uio",
  address: string,
  notes: string[],
): Promise<{ close(): Promise<void> }> {
  const dev = ctx.target.dev!;
  const state = await readState(ctx.target.sysfs, address);
  let node: string;
  if (kind === "uio") node = `/dev/${state.uio ?? "uio0"}`;
  else {
    const group = await iommuGroup(ctx, address);
    node = `/dev/vfio/${ctx.target.mode === "noiommu" ? "noiommu-" : ""}${group}`;
  }
  const handle = await dev.open(node);
  if (kind === "vfio-group") {
    try {
      const second = await dev.open(node);
      await second.close();
      notes.push(`second open of ${node} succeeded (expected EBUSY)`);
    } catch (err) {
      const errno = errnoOf(err);
      if (errno !== "EBUSY") notes.push(`second open of ${node}: ${errno} (expected EBUSY)`);
    }
  }
  return handle;
}

async function checkExtra(
  ctx: RunContext,
  extra: RowExtra,
  subject: string,
  groupBefore: string | null,
  notes: string[],
): Promise<string[]> {
  const { sysfs, dev, mode } = ctx.target;
  const problems: string[] = [];
  const groupAfter = subject ? await iommuGroup(ctx, subject) : null;
  // With an IOMMU the group is the device's permanent one; in no-IOMMU mode vfio made it.
  const group = mode === "iommu" ? groupBefore : groupAfter;
  const same = (what: string, have: unknown, want: unknown) => {
    if (JSON.stringify(have) !== JSON.stringify(want)) {
      problems.push(`${what}: ${JSON.stringify(have)}, expected ${JSON.stringify(want)}`);
    }
  };
  if (extra.group !== undefined) {
    same("iommu group", groupAfter, extra.group === "<group>" ? groupBefore : extra.group);
    if (mode === "noiommu" && groupAfter !== null) {
      same(
        "group name",
        await sysfs.read(`kernel/iommu_groups/${groupAfter}/name`),
        "vfio-noiommu\n",
      );
    }
  }
  for (const key of ["A", "B", "C"] as const) {
    const spec = extra[key];
    if (spec === undefined) continue;
    const want: DevState = expandState(ctx, spec);
    const have = await readState(sysfs, addressOf(ctx, key));
    if (!sameState(have, want))
      problems.push(`${key}: ${renderState(have)}, expected ${renderState(want)}`);
  }
  if (extra.uioDir) {
    const entries = await sysfs.list(`bus/pci/devices/${subject}/uio`);
    same(
      "uio dir",
      entries.map((e) => `${e}/`),
      extra.uioDir,
    );
  }
  if (extra.classUio) {
    const names = await sysfs.list("class/uio");
    const links = await Promise.all(
      names.map(async (n) => `${n} -> ${await sysfs.readlink(`class/uio/${n}`)}`),
    );
    same(
      "class/uio",
      links,
      extra.classUio.map((l) => l.replace("<Apath>", ctx.paths.A)),
    );
  }
  if (extra.devVfio || extra.devUio) {
    if (!dev) notes.push("/dev not checked (no DevHook)");
    else {
      if (extra.devVfio) {
        const want = extra.devVfio.map((n) => n.replace("<group>", group ?? "?")).sort();
        same("/dev/vfio", await dev.listVfio(), want);
      }
      if (extra.devUio) same("/dev/uio*", await dev.listUio(), extra.devUio);
    }
  }
  return problems;
}
