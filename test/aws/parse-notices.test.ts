import t from "tap";
import {
  parseAsgState,
  parseRebalanceNotice,
  parseRfc3339,
  parseScheduledDate,
  parseSpotNotice,
} from "../../src/aws/parse-notices.js";

t.test("scheduled-event dates parse strictly", async (t) => {
  t.equal(parseScheduledDate("2 Jan 2006 15:04:05 GMT", "p"), Date.UTC(2006, 0, 2, 15, 4, 5));
  t.equal(parseScheduledDate("21 Nov 2026 00:00:00 GMT", "p"), Date.UTC(2026, 10, 21, 0, 0, 0));
  for (const bad of [
    "2006-01-02T15:04:05Z",
    "2 January 2006 15:04:05 GMT",
    "31 Feb 2026 10:00:00 GMT",
    "2 Jan 2006 24:00:00 GMT",
    "2 Jan 2006 15:04:05",
    "2 Jan 2006 15:04:05 UTC",
    "",
  ]) {
    t.throws(() => parseScheduledDate(bad, "p"), { code: "INTERNAL", path: "p" }, bad);
  }
});

t.test("RFC 3339 times parse strictly", async (t) => {
  t.equal(parseRfc3339("2026-01-07T01:03:47Z", "p"), Date.UTC(2026, 0, 7, 1, 3, 47));
  t.equal(parseRfc3339("2026-01-07T01:03:47.5+01:00", "p"), Date.UTC(2026, 0, 7, 0, 3, 47, 500));
  for (const bad of ["2026-01-07", "soon", "2026-13-07T01:03:47Z", "1767747827"]) {
    t.throws(() => parseRfc3339(bad, "p"), { code: "INTERNAL" }, bad);
  }
});

t.test("spot notices key on the action, not the time (issue 12)", async (t) => {
  const a = parseSpotNotice('{"action":"terminate","time":"2026-01-07T01:03:47Z"}');
  const b = parseSpotNotice('{"time":"2026-01-07T01:05:47Z","action":"terminate"}');
  const c = parseSpotNotice('{"action":"stop","time":"2026-01-07T01:03:47Z"}');
  t.equal(a.key, b.key, "a moved time is the same notice");
  t.equal(a.key, "spot:terminate");
  t.not(a.key, c.key);
  t.not(a.deadlineMs, b.deadlineMs, "the time is the deadline");
  t.throws(() => parseSpotNotice('{"action":"explode","time":"2026-01-07T01:03:47Z"}'));
  t.throws(() => parseSpotNotice('["terminate"]'));
});

t.test("ASG: only terminating states are notices", async (t) => {
  t.equal(parseAsgState("InService", 0, 10), undefined);
  t.equal(parseAsgState("Warmed:Running\n", 0, 10), undefined);
  t.match(parseAsgState("Terminated\n", 1000, 10), { key: "asg:Terminated", deadlineMs: 1010 });
  t.match(parseAsgState("Warmed:Terminated", 0, 10), { state: "Warmed:Terminated" });
  t.throws(() => parseAsgState("<html>", 0, 10), { code: "INTERNAL" });
});

t.test("rebalance notices: one key, whatever the noticeTime", async (t) => {
  const n = parseRebalanceNotice('{"noticeTime":"2026-01-07T01:00:00Z"}');
  const later = parseRebalanceNotice('{"noticeTime":"2026-01-07T02:00:00Z"}');
  t.match(n, { kind: "rebalance-recommendation", noticeTimeMs: Date.UTC(2026, 0, 7, 1) });
  t.equal(n.key, later.key);
  t.throws(() => parseRebalanceNotice("{}"), { code: "INTERNAL" });
});
