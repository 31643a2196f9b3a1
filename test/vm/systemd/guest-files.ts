/**
 * Files the systemd guest's root gets besides Debian and eni-agent: the unit
 * that runs the guest program once the system is up and powers off after it,
 * and a network configuration (systemd-networkd) like an EC2 host's, so that
 * network-online.target, which eni-agent.service orders after, means what it
 * means there: the NICs exist and the management interface is configured.
 */
import { EMULATED_NIC_ID } from "../guest-entry.js";

/** qemu's MACs for the three e1000e NICs, in PCI order (eth0, eth1, eth2). */
export const NIC_MACS = ["52:54:00:12:34:56", "52:54:00:12:34:57", "52:54:00:12:34:58"] as const;
/** Their PCI addresses, each behind its own root port. */
export const NIC_PCI = ["0000:01:00.0", "0000:02:00.0", "0000:03:00.0"] as const;
/** eth1's address: an interface that is up and in use, for the guard. */
export const ETH1_ADDRESS = "10.0.3.15/24";

export { EMULATED_NIC_ID };

const guestUnit = `[Unit]
Description=eni-agent VM tests (reports on ttyS1, then powers off)
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/usr/bin/node --enable-source-maps /usr/lib/eni-vm/guest.mjs
StandardOutput=file:/dev/ttyS1
StandardError=journal
TimeoutStartSec=infinity
SuccessAction=poweroff-force
FailureAction=poweroff-force

[Install]
WantedBy=multi-user.target
`;

const network = (mac: string, lines: string) => `[Match]
MACAddress=${mac}

[Network]
${lines}
`;

export const GUEST_FILES: readonly { path: string; text: string; mode: number }[] = [
  { path: "/etc/systemd/system/eni-vm-guest.service", text: guestUnit, mode: 0o644 },
  {
    path: "/etc/systemd/network/10-eth0.network",
    text: network(NIC_MACS[0], "Address=10.0.2.15/24\nGateway=10.0.2.2\n"),
    mode: 0o644,
  },
  {
    path: "/etc/systemd/network/11-eth1.network",
    text: network(NIC_MACS[1], `Address=${ETH1_ADDRESS}\n`),
    mode: 0o644,
  },
];
