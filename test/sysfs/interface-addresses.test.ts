import type { NetworkInterfaceInfo } from "node:os";
import t from "tap";
import { InterfaceAddresses } from "../../src/sysfs/interface-addresses.js";

const v4 = (address: string, cidr: string): NetworkInterfaceInfo => ({
  address,
  cidr,
  family: "IPv4",
  internal: false,
  mac: "52:54:00:12:34:57",
  netmask: "255.255.255.0",
});
const v6 = (address: string, cidr: string): NetworkInterfaceInfo => ({
  address,
  cidr,
  family: "IPv6",
  internal: false,
  mac: "52:54:00:12:34:57",
  netmask: "ffff:ffff:ffff:ffff::",
  scopeid: 0,
});

t.test("an interface's addresses in CIDR form, link-local IPv6 left out", async (t) => {
  const reader = new InterfaceAddresses({
    list: () => ({
      eth1: [
        v4("10.0.3.15", "10.0.3.15/24"),
        v6("fe80::5054:ff:fe12:3457", "fe80::5054:ff:fe12:3457/64"),
        v6("FEBF::1", "febf::1/64"),
        v6("fd00::15", "fd00::15/64"),
      ],
      eth2: [v6("fe80::5054:ff:fe12:3458", "fe80::5054:ff:fe12:3458/64")],
    }),
  });
  t.same(await reader.addresses("eth1"), ["10.0.3.15/24", "fd00::15/64"]);
  t.same(await reader.addresses("eth2"), [], "link-local only: not in use");
  t.same(await reader.addresses("eth9"), [], "unknown interface: no addresses");
});

t.test("a refused read is a precondition naming errno and remedy, never INTERNAL", async (t) => {
  // What node 20 throws when the sandbox refuses getifaddrs' AF_NETLINK socket.
  const sandboxed = Object.assign(
    new Error("A system error occurred: uv_interface_addresses returned Unknown system error 97"),
    { code: "ERR_SYSTEM_ERROR", info: { errno: 97, syscall: "uv_interface_addresses" } },
  );
  const reader = new InterfaceAddresses({
    list: () => {
      throw sandboxed;
    },
  });
  await t.rejects(reader.addresses("eth1"), {
    code: "FAILED_PRECONDITION",
    errno: "EAFNOSUPPORT",
    syscall: "getifaddrs",
    remedy: /AF_NETLINK.*RestrictAddressFamilies=/,
    message: /interface-in-use guard \(getifaddrs: EAFNOSUPPORT\)/,
  });
  const other = new InterfaceAddresses({
    list: () => {
      throw Object.assign(new Error("boom"), { info: { code: "ENOMEM" } });
    },
  });
  await t.rejects(other.addresses("eth1"), { code: "FAILED_PRECONDITION", errno: "ENOMEM" });
});

t.test("the real host answers (reading is harmless)", async (t) => {
  const lo = await new InterfaceAddresses().addresses("lo");
  t.ok(lo.includes("127.0.0.1/8"), `lo has 127.0.0.1/8: ${lo.join(", ")}`);
});
