/**
 * The suite must fail where a kernel differs from the facts: run it on
 * simulators that are wrong on purpose and check it names exactly the rows
 * that differ.
 */
import t from "tap";
import { sysfsError } from "../../src/sysfs/errno.js";
import type { Sysfs } from "../../src/sysfs/sysfs.js";
import { runConformance } from "./run-conformance.js";
import { simTarget } from "./sim-target.js";

/** A port that answers EBUSY as ENODEV, like a kernel before 5.14. */
function ebusyAsEnodev(inner: Sysfs): Sysfs {
  return {
    description: inner.description,
    read: (p) => inner.read(p),
    readlink: (p) => inner.readlink(p),
    list: (p) => inner.list(p),
    exists: (p) => inner.exists(p),
    write: async (p, d) => {
      try {
        await inner.write(p, d);
      } catch (err) {
        if ((err as { errno?: string }).errno === "EBUSY") throw sysfsError("write", p, "ENODEV");
        throw err;
      }
    },
  };
}

t.test("a pre-5.14 kernel fails exactly the EBUSY rows of a modern target", async (t) => {
  const { target } = simTarget("iommu");
  const results = await runConformance({ ...target, sysfs: ebusyAsEnodev(target.sysfs) });
  const failed = results.filter((r) => !r.ok).map((r) => r.id);
  t.same(failed, ["B1", "B3", "B7"]);
  const b1 = results.find((r) => r.id === "B1");
  t.match(b1?.detail, /result ENODEV, expected EBUSY/);
});

t.test("a kernel that keeps text after a newline in driver_override fails O7 only", async (t) => {
  const { target } = simTarget("noiommu");
  const inner = target.sysfs;
  const keepsNewlines: Sysfs = {
    description: "keeps newlines",
    read: (p) => inner.read(p),
    readlink: (p) => inner.readlink(p),
    list: (p) => inner.list(p),
    exists: (p) => inner.exists(p),
    write: (p, d) => {
      const text = typeof d === "string" ? d : Buffer.from(d).toString("latin1");
      const sent = p.endsWith("/driver_override") ? text.replace(/(.)\n(.)/, "$1 $2") : text;
      return inner.write(p, Buffer.from(sent, "latin1"));
    },
  };
  const results = await runConformance({ ...target, sysfs: keepsNewlines });
  t.same(
    results.filter((r) => !r.ok).map((r) => r.id),
    ["O7"],
  );
});
