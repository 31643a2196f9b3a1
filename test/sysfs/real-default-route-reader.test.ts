import t from "tap";
import {
  ipv6FromHex,
  parseIpv4DefaultRoutes,
  parseIpv6DefaultRoutes,
  RealDefaultRouteReader,
} from "../../src/sysfs/real-default-route-reader.js";
import { fixtureHost } from "./fixtures.js";

const V4_HEADER =
  "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT";

t.test("IPv4: only up, non-reject routes to 0.0.0.0/0", async (t) => {
  const text = [
    V4_HEADER,
    "ens5\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0",
    "ens6\t00000000\t00000000\t0001\t0\t0\t200\t00000000\t0\t0\t0", // on-link default
    "ens7\t00000000\t0101A8C0\t0002\t0\t0\t0\t00000000\t0\t0\t0", // not up
    "ens8\t00000000\t00000000\t0201\t0\t0\t0\t00000000\t0\t0\t0", // reject
    "ens9\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0", // a subnet
    "ens10\t00000000\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0", // 0.0.0.0/8 is not default
    "",
  ].join("\n");
  t.same(parseIpv4DefaultRoutes(text), [
    { family: 4, interface: "ens5", gateway: "192.168.1.1", metric: 100 },
    { family: 4, interface: "ens6", gateway: null, metric: 200 },
  ]);
  t.same(parseIpv4DefaultRoutes(""), []);
  t.same(parseIpv4DefaultRoutes(`${V4_HEADER}\n`), []);
});

t.test("IPv6: ::/0 routes that are up, not reject, not on lo", async (t) => {
  const text = [
    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000002 00000000 00000003     ens5",
    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo",
    "20010db8000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     ens6",
    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 20010db8000000000000000000000001 00000064 00000001 00000000 00000203     ens7",
  ].join("\n");
  t.same(parseIpv6DefaultRoutes(text), [
    { family: 6, interface: "ens5", gateway: "fe80::1", metric: 1024 },
  ]);
});

t.test("IPv6 addresses print in RFC 5952 form", async (t) => {
  t.equal(ipv6FromHex("20010db8000000000000000000000001"), "2001:db8::1");
  t.equal(ipv6FromHex("20010db8000100000000000100000001"), "2001:db8:1::1:0:1");
  t.equal(ipv6FromHex("20010db8000100010001000100010001"), "2001:db8:1:1:1:1:1:1");
  t.equal(ipv6FromHex("20010db8000000010000000000000000"), "2001:db8:0:1::");
  t.equal(ipv6FromHex("00000000000000000000000000000001"), "::1");
});

for (const blockingReads of [false, true]) {
  t.test(`the reader combines both files (blockingReads: ${blockingReads})`, async (t) => {
    const { proc } = fixtureHost("ec2-mixed");
    t.same(await new RealDefaultRouteReader({ procRoot: proc, blockingReads }).defaultRoutes(), [
      { family: 4, interface: "ens5", gateway: "192.168.0.1", metric: 512 },
    ]);
    // No ipv6_route at all (IPv6 disabled) is no IPv6 route, not an error.
    const viommu = fixtureHost("viommu");
    const reader = new RealDefaultRouteReader({ procRoot: viommu.proc, blockingReads });
    t.same(await reader.defaultRoutes(), []);
    // Any other failure is reported with its errno.
    const dir = t.testdir({ net: { route: {}, ipv6_route: "" } });
    await t.rejects(new RealDefaultRouteReader({ procRoot: dir, blockingReads }).defaultRoutes(), {
      code: "INTERNAL",
      errno: "EISDIR",
      syscall: "read",
    });
  });
}

t.test("the real /proc parses (read only)", async (t) => {
  const routes = await new RealDefaultRouteReader().defaultRoutes();
  for (const route of routes) {
    t.ok(route.interface.length > 0 && route.interface !== "lo", route.interface);
    t.ok([4, 6].includes(route.family));
  }
});
