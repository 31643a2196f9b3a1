/**
 * The configurations the guests run with, parsed here by the daemon's
 * schema, since the guests themselves run only in the VM stages: the
 * `test:vm` image's `/etc/eni-agent/config.json` (read by the guest engine
 * and by the offline commands with --config) and the systemd guest's.
 */
import t from "tap";
import { engineOptions } from "../../../src/agent/agent-engine.js";
import { parseConfig } from "../../../src/agent/config-schema.js";
import { EMULATED_NIC_ID } from "../guest-entry.js";
import { testConfig } from "../systemd/guest-setup.js";
import { noticeConfig } from "../systemd/notice-checks.js";
import { GUEST_CONFIG } from "./build-guest-image.js";

/** As the guest reads it: through the JSON the image carries. */
const asWritten = (config: unknown) => JSON.parse(JSON.stringify(config)) as unknown;

t.test("the test:vm image's config parses and admits the emulated NIC", async (t) => {
  const config = parseConfig(asWritten(GUEST_CONFIG), "/etc/eni-agent/config.json");
  const options = engineOptions(config);
  t.ok(options.allowedIds?.includes(EMULATED_NIC_ID), "the e1000e is a managed device");
  t.equal(options.kernelDrivers?.[EMULATED_NIC_ID], "e1000e", "its kernel driver is named");
  t.equal(config.stateDir, "/var/lib/eni-agent");
});

t.test("the systemd guest's configs parse", async (t) => {
  const base = parseConfig(asWritten(testConfig()), "test config");
  t.same(base.allowedDevices, [EMULATED_NIC_ID]);
  t.equal(base.guards.primaryInterface, "eth0");
  t.equal(base.imds.enabled, false);
  t.not(base.listeners.readOnlySocket, null);
  t.equal(parseConfig(asWritten(testConfig({ logLevel: "debug" })), "reload").logLevel, "debug");
  const notice = parseConfig(
    asWritten(noticeConfig({ imds: "http://127.0.0.1:1338", ec2: "http://127.0.0.1:1339" })),
    "notice config",
  );
  t.equal(notice.ec2.endpoint, "http://127.0.0.1:1339");
  t.equal(notice.termination.dpdkGraceMs, 20_000);
});
