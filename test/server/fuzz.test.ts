/**
 * Bad input over the socket: random and near-miss strings in every field a
 * request can name. The property: the server answers INVALID_ARGUMENT exactly
 * when the strict parser refuses the value, and the core only ever receives
 * values the parsers produced (canonical, re-parse to themselves).
 * Seed: FC_SEED=<n> replays a run; the seed is printed either way.
 */
import fc from "fast-check";
import t from "tap";
import { isAgentError } from "../../src/common/index.js";
import type { BindRequest, DeviceSelector } from "../../src/server/core-types.js";
import type { DeviceSelector as SelectorProto } from "../../src/server/generated/eniagent/v1/DeviceSelector.js";
import {
  parseDriverName,
  parseEniId,
  parseInterfaceName,
  parseMac,
  parsePciAddress,
} from "../../src/sysfs/parse.js";
import { startHarness } from "./harness.js";

const RUNS = 1_200;

const accepts = (parse: (s: string) => unknown, input: string): boolean => {
  try {
    parse(input);
    return true;
  } catch {
    return false;
  }
};

/** Valid values, near misses of them, and arbitrary text (ASCII, unicode, control chars). */
function field(valid: string[]): fc.Arbitrary<string> {
  const nearMiss = fc
    .tuple(
      fc.constantFrom(...valid),
      fc.nat(20),
      fc.constantFrom("", "/", ".", " ", "\n", "\0", ":", "-", "..", "x", "F", "é", "\u202e"),
    )
    .map(
      ([v, at, insert]) =>
        v.slice(0, at % (v.length + 1)) + insert + v.slice((at % (v.length + 1)) + 1),
    );
  return fc.oneof(
    fc.constantFrom(...valid),
    nearMiss,
    fc.string({ maxLength: 40 }),
    fc.string({ unit: "binary", maxLength: 20 }),
    fc.constantFrom(
      "",
      "..",
      "../../../../sys/bus/pci/drivers/ena/unbind",
      "0000:00:06.0\n",
      "a".repeat(5000),
    ),
  );
}

const pci = field(["0000:00:06.0", "00:1f.7", "ABCD:EF:1f.3"]);
const ifname = field(["ens6", "eth0", "a".repeat(15)]);
const mac = field(["0e:49:61:0f:c3:06", "0E-49-61-0F-C3-11"]);
const eni = field(["eni-0f95d3625f5c52106", "eni-0123abcd"]);
const driver = field(["vfio-pci", "uio_pci_generic", "igb_uio", "ena", "vfio_pci"]);

const selector: fc.Arbitrary<SelectorProto> = fc.oneof(
  pci.map((pciAddress) => ({ pciAddress })),
  ifname.map((interfaceName) => ({ interfaceName })),
  mac.map((macAddress) => ({ macAddress })),
  eni.map((eniId) => ({ eniId })),
  fc.constant({}),
);

function selectorValid(s: SelectorProto): boolean {
  if (s.pciAddress !== undefined) return accepts(parsePciAddress, s.pciAddress);
  if (s.interfaceName !== undefined) return accepts(parseInterfaceName, s.interfaceName);
  if (s.macAddress !== undefined) return accepts(parseMac, s.macAddress);
  if (s.eniId !== undefined) return accepts(parseEniId, s.eniId);
  return false;
}

/** A selector the core received must be exactly what a parser returns for it. */
function canonical(s: DeviceSelector): boolean {
  switch (s.by) {
    case "pci":
      return parsePciAddress(s.pciAddress) === s.pciAddress;
    case "interface":
      return parseInterfaceName(s.interfaceName) === s.interfaceName;
    case "mac":
      return parseMac(s.mac) === s.mac;
    case "eni":
      return parseEniId(s.eniId) === s.eniId;
    default:
      return false;
  }
}

const request = fc.oneof(
  selector.map((s) => ({ rpc: "get" as const, selector: s })),
  fc.record({ rpc: fc.constant("bind" as const), selector, driver }),
  selector.map((s) => ({ rpc: "restore" as const, selector: s })),
  field(["op-1", "0196a3f2-7c1e-7d2a-9f00-1b2c3d4e5f60", "op.1_x"]).map((id) => ({
    rpc: "operation" as const,
    id,
  })),
  fc.record({
    rpc: fc.constant("list" as const),
    pciAddress: fc.oneof(fc.constant(""), pci),
    pageSize: fc.oneof(fc.constant(0), fc.nat(600)),
    pageToken: fc.oneof(fc.constant(""), field(["p3", "eyJvZmYiOjF9"])),
  }),
);

t.test(`${RUNS} malformed and near-miss requests over the socket`, async (t) => {
  const h = await startHarness(t);
  const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
  t.comment(`fast-check seed ${seed} (FC_SEED=${seed} replays it)`);
  let sent = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(request, async (req) => {
      const before = h.core.received.length;
      let expectValid: boolean;
      let call: Promise<unknown>;
      switch (req.rpc) {
        case "get":
          expectValid = selectorValid(req.selector);
          call = h.client.getDevice(req.selector);
          break;
        case "bind":
          expectValid =
            selectorValid(req.selector) &&
            req.driver !== "" &&
            accepts((d) => parseDriverName(d), req.driver);
          call = h.client.bindDevice({ selector: req.selector, driver: req.driver });
          break;
        case "restore":
          expectValid = selectorValid(req.selector);
          call = h.client.restoreDevice({ selector: req.selector });
          break;
        case "operation":
          expectValid = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(req.id);
          call = h.client.getOperation(req.id);
          break;
        case "list":
          expectValid =
            (req.pciAddress === "" || accepts(parsePciAddress, req.pciAddress)) &&
            req.pageSize <= 500 &&
            /^[A-Za-z0-9._~=-]{0,512}$/.test(req.pageToken);
          call = h.client.listOperations(req);
          break;
      }
      sent++;
      let code = "OK";
      try {
        await call;
      } catch (err) {
        if (!isAgentError(err)) throw err;
        code = err.code;
      }
      const reachedCore = h.core.received.length > before;
      if (!expectValid) {
        refused++;
        if (code !== "INVALID_ARGUMENT") throw new Error(`expected INVALID_ARGUMENT, got ${code}`);
        if (reachedCore) throw new Error("an invalid request reached the core");
      } else {
        if (code === "INVALID_ARGUMENT" && req.rpc !== "list") {
          throw new Error("a valid request was refused");
        }
        if (!reachedCore && code !== "INVALID_ARGUMENT")
          throw new Error("a valid request was lost");
      }
    }),
    { numRuns: RUNS, seed },
  );
  for (const received of h.core.received) {
    const first = received.args[0] as { selector?: DeviceSelector } | DeviceSelector | undefined;
    const sel =
      received.method === "getDevice"
        ? (first as DeviceSelector)
        : (first as { selector?: DeviceSelector })?.selector;
    if (sel !== undefined)
      t.ok(canonical(sel), `canonical ${JSON.stringify(sel)}`, { diagnostic: false });
    if (received.method === "bindDevice") {
      const driverName = (first as BindRequest).driver;
      t.equal(parseDriverName(driverName), driverName, "an allowed driver", { diagnostic: false });
    }
  }
  t.ok(sent >= 1_000, `${sent} requests sent`);
  t.ok(refused > sent / 4, `${refused} refused as invalid`);
  t.ok(h.core.received.length > sent / 10, `${h.core.received.length} reached the core`);
});
