/**
 * Every registered command has a manual page, answers --help with it, and
 * refuses what it does not know with a usage error (exit 2) naming it.
 */
import t from "tap";
import { COMMANDS } from "../../src/cli/commands.js";
import { cli } from "./daemon-support.js";

const HEADINGS = ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "EXAMPLES"];

t.test("every registered command exports a manual page and prints it for --help", async (t) => {
  const names = Object.keys(COMMANDS);
  t.ok(names.length >= 10, names.join(", "));
  for (const name of names) {
    const module = await COMMANDS[name]!.load();
    t.type(module.HELP, "string", `${name} exports HELP`);
    const help = String(module.HELP);
    for (const heading of HEADINGS)
      t.match(help, new RegExp(`^${heading}$`, "m"), `${name}: ${heading}`);
    t.match(help, new RegExp(`^ {4}eni-agent ${name} - `, "m"), `${name}: NAME line`);
    for (const argv of [
      [name, "--help"],
      [name, "-h"],
      ["help", name],
    ]) {
      const out = await cli(argv);
      t.equal(out.code, 0, argv.join(" "));
      t.equal(out.stdout, help, `${argv.join(" ")} prints the page`);
    }
  }
});

t.test("--help wins over any other word before --, and after -- it is an argument", async (t) => {
  const help = (await COMMANDS.bind!.load()).HELP;
  const asked = await cli(["bind", "--no-such-flag", "ens6", "--help"]);
  t.equal(asked.code, 0);
  t.equal(asked.stdout, help);
  const argument = await cli(["version", "--", "--help"]);
  t.equal(argument.code, 2, "not a page: an argument version does not take");
  t.match(argument.stderr, /unexpected argument "--help"/);
  t.equal(argument.stdout, "");
});

t.test("daemon commands document the connection options, their defaults and exit 8", async (t) => {
  for (const name of [
    "status",
    "get",
    "bind",
    "restore",
    "ops",
    "watch",
    "doctor",
    "drain",
    "version",
  ]) {
    const HELP = (await COMMANDS[name]!.load()).HELP ?? "";
    for (const option of [
      "--socket PATH",
      "--address HOST:PORT",
      "--tls-ca",
      "--timeout SECONDS",
      "--json",
    ]) {
      t.match(HELP, option, `${name}: ${option}`);
    }
    t.match(HELP, /\(default \d+\)/, `${name}: the timeout's default`);
    t.match(HELP, /^ {4}8 {3}no daemon answers/m, `${name}: exit 8`);
  }
});

t.test("an unknown option is a usage error naming it, for every command", async (t) => {
  for (const name of Object.keys(COMMANDS)) {
    const out = await cli([name, "--no-such-flag"]);
    t.equal(out.code, 2, name);
    t.match(out.stderr, /unknown option "--no-such-flag"/, name);
    t.match(out.stderr, new RegExp(`eni-agent ${name} --help`), name);
  }
});

t.test("missing or extra arguments are usage errors naming the problem", async (t) => {
  const cases: [string[], RegExp][] = [
    [["bind"], /expected a device and a driver, got 0/],
    [["bind", "ens6"], /expected a device and a driver, got 1/],
    [["restore"], /expected one device, got 0/],
    [["get"], /expected one device, got 0/],
    [["status", "extra"], /unexpected argument "extra"/],
    [["ops", "a", "b"], /unexpected argument "b"/],
    [["drain", "now"], /unexpected argument "now"/],
    [["version", "x"], /unexpected argument "x"/],
    [["bind", "ens6", "vfio-pci", "--timeout", "soon"], /--timeout needs a number of seconds/],
    [["get", "ens6", "--address", "nohost"], /--address needs HOST:PORT/],
    [["get", "ens6", "--address", "h:1"], /--address needs --tls-ca, --tls-cert, --tls-key/],
    [["get", "ens6", "--tls-ca", "ca.pem"], /--tls-ca needs --address/],
    [["get", "ens6", "--socket", "/s", "--address", "h:1"], /either --socket or --address/],
    [["ops", "--limit", "many"], /--limit needs a positive integer/],
  ];
  for (const [argv, message] of cases) {
    const out = await cli(argv);
    t.equal(out.code, 2, argv.join(" "));
    t.match(out.stderr, message, argv.join(" "));
  }
});
