/**
 * `persist` (#17): an OK answer to a request with persist means the binding
 * is stored (or forgotten) as asked, even when requests on several devices
 * race; a persist that did not happen is an error, never a silent OK.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import { type DriverName, isAgentError, type PciAddress } from "../../src/common/index.js";
import {
  type DesiredBinding,
  type DesiredStore,
  FileDesiredStore,
} from "../../src/driver/desired-state.js";
import { ec2Host, ec2Mac } from "../../src/sim/index.js";
import { harness } from "./engine-harness.js";

const DEVICES = ["0000:00:06.0", "0000:00:07.0", "0000:00:08.0"] as PciAddress[];

/** A small seeded generator (mulberry32): the same race every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

async function yields(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

/** What desired.json says for each MAC right now. */
function stored(dir: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(join(dir, "desired.json"), "utf8");
  } catch {
    return new Map();
  }
  const doc = JSON.parse(text) as { bindings: { mac: string; driver: string }[] };
  return new Map(doc.bindings.map((b) => [b.mac, b.driver]));
}

t.test("30 racing binds and restores with persist: every OK is stored (#17)", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "persist-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const kernel = ec2Host({ enis: 4 });
  const { engine } = await harness(kernel, { desired: new FileDesiredStore({ stateDir: dir }) });
  const next = random(17);
  const wrong: string[] = [];
  const last = new Map<PciAddress, string | null>();
  let ok = 0;
  const requests: Promise<void>[] = [];
  for (let i = 0; i < 30; i++) {
    const device = DEVICES[Math.floor(next() * DEVICES.length)]!;
    const choice = Math.floor(next() * 3);
    const driver = choice === 0 ? "vfio-pci" : choice === 1 ? "uio_pci_generic" : null;
    const run =
      driver === null
        ? engine.restore(device, { persist: true })
        : engine.bind(device, driver as DriverName, { persist: true });
    requests.push(
      run.then(
        () => {
          ok += 1;
          // Read at once: the next request on this device cannot have stored anything yet.
          const now = stored(dir).get(ec2Mac(Number.parseInt(device.slice(8, 10), 16))) ?? null;
          if (now !== driver)
            wrong.push(`${i}: ${device} answered OK for ${driver}, stored ${now}`);
          last.set(device, driver);
        },
        (err: unknown) => {
          if (!isAgentError(err) || err.code !== "ABORTED") throw err;
        },
      ),
    );
    await yields(Math.floor(next() * 12));
  }
  await Promise.all(requests);
  t.ok(ok >= 10, `${ok} of 30 requests succeeded (the rest lost a race: ABORTED)`);
  t.same(wrong, [], "every OK answer was stored");
  const final = stored(dir);
  for (const [device, driver] of last) {
    const mac = ec2Mac(Number.parseInt(device.slice(8, 10), 16));
    t.equal(final.get(mac) ?? null, driver, `${device}: the last OK request's binding is stored`);
  }
});

class FailingStore implements DesiredStore {
  async load(): Promise<DesiredBinding[]> {
    return [];
  }
  async save(): Promise<void> {
    const err = Object.assign(new Error("ENOSPC"), { code: "ENOSPC" });
    throw err;
  }
}

t.test("a persist that did not happen is an error, never a silent OK (#17)", async (t) => {
  const kernel = ec2Host({ enis: 3 });
  const { engine } = await harness(kernel, { desired: new FailingStore() });
  await t.rejects(
    engine.bind("0000:00:06.0" as PciAddress, "vfio-pci" as DriverName, { persist: true }),
    {
      message: /0000:00:06.0 is bound to vfio-pci .*but the binding was not persisted/,
      device: "0000:00:06.0",
    },
  );
  t.equal(kernel.device("0000:00:06.0")?.driver, "vfio-pci", "the move itself stands");
});

t.test("bind to the kernel driver it already has, with persist, stores it (#17)", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "persist-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const { engine } = await harness(ec2Host({ enis: 4 }), {
    desired: new FileDesiredStore({ stateDir: dir }),
  });
  const result = await engine.bind(await engine.resolve("ens8"), "ena" as DriverName, {
    persist: true,
  });
  t.equal(result.status, "noop");
  t.equal(stored(dir).get(ec2Mac(8)), "ena", "stored under the MAC the device shows now");
});
