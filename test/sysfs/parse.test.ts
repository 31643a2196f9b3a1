import t from "tap";
import * as common from "../../src/common/index.js";
import {
  parseDriverName,
  parseEniId,
  parseInterfaceName,
  parseMac,
  parsePciAddress,
} from "../../src/sysfs/parse.js";

t.test("PCI addresses normalize to dddd:bb:dd.f lower case", async (t) => {
  t.equal(parsePciAddress("0000:00:05.0"), "0000:00:05.0");
  t.equal(parsePciAddress("00:1F.7"), "0000:00:1f.7");
  t.equal(parsePciAddress("ABCD:EF:1f.3"), "abcd:ef:1f.3");
});

t.test("PCI addresses reject everything else", async (t) => {
  const bad = [
    "",
    "0000:00:05.0 ",
    " 0000:00:05.0",
    "0000:00:05.0\n",
    "0000:00:20.0",
    "0000:00:05.8",
    "0000:00:05",
    "00000:00:05.0",
    "../../../etc",
    "0000:00:05.0/../x",
    "g000:00:05.0",
  ];
  for (const input of bad) {
    t.throws(() => parsePciAddress(input), { code: "INVALID_ARGUMENT" }, JSON.stringify(input));
  }
});

t.test("interface names follow the kernel's rules", async (t) => {
  t.equal(parseInterfaceName("ens5"), "ens5");
  t.equal(parseInterfaceName("a".repeat(15)), "a".repeat(15));
  for (const input of ["", ".", "..", "a".repeat(16), "eth/0", "eth 0", "eth0\n", "eth:0"]) {
    t.throws(() => parseInterfaceName(input), { code: "INVALID_ARGUMENT" }, JSON.stringify(input));
  }
});

t.test("driver names must be well formed and allowed", async (t) => {
  t.equal(parseDriverName("vfio-pci"), "vfio-pci");
  t.throws(() => parseDriverName("vfio_pci"), { message: /the driver is "vfio-pci"/ });
  t.throws(() => parseDriverName("e1000e"), { message: /not allowed/ });
  t.equal(parseDriverName("e1000e", ["e1000e"]), "e1000e");
  t.throws(() => parseDriverName("../bind"), { code: "INVALID_ARGUMENT" });
});

t.test("error messages quote hostile input safely", async (t) => {
  const err = t.throws(() => parsePciAddress("x\n\u001b[31mforged log line"));
  t.notMatch((err as Error).message, /\n/);
});

t.test("MAC and ENI id parsers are common's, re-exported", async (t) => {
  // Request validation imports every parser from sysfs; aws imports these
  // from common. Both must be the same functions, not copies.
  t.equal(parseMac, common.parseMac);
  t.equal(parseEniId, common.parseEniId);
});
