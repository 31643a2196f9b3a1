import t from "tap";
import { formatEvent, parseCmdline, parseEvent } from "./protocol.js";

t.test("events survive the console round trip", async (t) => {
  const nonce = "0123456789abcdef";
  const events = [
    { kind: "begin", entry: "smoke", config: "viommu", uptimeS: 3.9 },
    { kind: "result", result: { id: "bind", ok: false, detail: "EINVAL\nline 2" } },
    { kind: "result", result: { id: "unbind", ok: true } },
    { kind: "result", result: { id: "timing", ok: true, report: "| a | 1 |\n| b | 2 |" } },
    { kind: "end", count: 2, runMs: 812 },
  ] as const;
  for (const event of events) {
    const line = `${formatEvent(nonce, event)}\r`;
    t.notOk(line.slice(0, -1).includes("\n"), "one line per event");
    t.same(parseEvent(nonce, line), event);
  }
});

t.test("lines without this boot's nonce are not events", async (t) => {
  const line = formatEvent("aaaa", { kind: "end", count: 1, runMs: 1 });
  t.equal(parseEvent("bbbb", line), undefined);
  t.equal(parseEvent("aaaa", "[    0.8] e1000e: eth0 registered"), undefined);
  t.same(parseEvent("aaaa", `garbage before ${line}`), { kind: "end", count: 1, runMs: 1 });
});

t.test("malformed events are errors, not silence", async (t) => {
  t.throws(() => parseEvent("n", 'ENI-VM n result {"id":"x"}'), /boolean ok/);
  t.throws(() => parseEvent("n", 'ENI-VM n result {"id":"x","ok":tr'), SyntaxError);
  t.throws(() => parseEvent("n", "ENI-VM n nonsense {}"), /unknown event/);
  t.throws(() => parseEvent("n", "ENI-VM n end 5"), /not an object/);
});

t.test("kernel command line words", async (t) => {
  const args = parseCmdline("console=ttyS0 quiet eni.entry=smoke  eni.nonce=ab=c\n");
  t.equal(args.get("eni.entry"), "smoke");
  t.equal(args.get("eni.nonce"), "ab=c");
  t.notOk(args.has("quiet"));
});
