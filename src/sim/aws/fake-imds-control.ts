/**
 * The fake IMDS's control path, so a person can script a simulated host from
 * outside the daemon (`eni-agent sim notice spot`): `POST /_sim/notice` with
 * a JSON body, authorized by the fake's control token in the
 * `x-eni-agent-sim-token` header. The real IMDS has no such path; the fake
 * only listens on 127.0.0.1, and the token keeps other local users out.
 */
import { timingSafeEqual } from "node:crypto";
import type { ScheduledCode, SpotAction } from "./fake-imds-data.js";

export const SIM_CONTROL_PATH = "/_sim/notice";
export const SIM_TOKEN_HEADER = "x-eni-agent-sim-token";

type SimNoticeKind = "spot" | "asg" | "scheduled" | "rebalance";
const SIM_NOTICE_KINDS: readonly SimNoticeKind[] = ["spot", "asg", "scheduled", "rebalance"];

interface SimNoticeRequest {
  readonly kind: SimNoticeKind;
  /** spot: seconds until the interruption (default 120); scheduled: until NotBefore (default 120); asg: until the state changes (default 0). */
  readonly inSeconds?: number;
  /** spot action. Default "terminate". */
  readonly action?: SpotAction;
  /** scheduled event code. Default "instance-stop". */
  readonly code?: ScheduledCode;
}

/** What the fake did, echoed to the caller. */
interface SimNoticeAnswer {
  readonly kind: SimNoticeKind;
  /** What IMDS now serves, in its own words. */
  readonly detail: Readonly<Record<string, string>>;
}

/** The scripting calls the control path uses (FakeImds implements them). */
export interface SimNoticeTarget {
  announceSpot(action: SpotAction, leadTimeMs: number): { action: SpotAction; time: string };
  setAsgState(state: string, afterMs?: number): void;
  announceScheduled(code: ScheduledCode, options: { leadTimeMs: number }): string;
  announceRebalance(): string;
}

const SPOT_ACTIONS: readonly string[] = ["terminate", "stop", "hibernate"];
const CODES: readonly string[] = [
  "instance-reboot",
  "system-reboot",
  "system-maintenance",
  "instance-retirement",
  "instance-stop",
];

export class SimControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function checkSimToken(expected: string, given: string | string[] | undefined): void {
  const a = Buffer.from(expected);
  const b = Buffer.from(typeof given === "string" ? given : "");
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new SimControlError(403, "missing or wrong control token");
  }
}

/** Validates a control request body and applies it; throws SimControlError(400) on a bad one. */
export function applySimNotice(target: SimNoticeTarget, body: string): SimNoticeAnswer {
  let request: Partial<SimNoticeRequest>;
  try {
    request = JSON.parse(body) as Partial<SimNoticeRequest>;
  } catch {
    throw new SimControlError(400, "the body is not JSON");
  }
  const kind = request?.kind;
  if (typeof kind !== "string" || !(SIM_NOTICE_KINDS as readonly string[]).includes(kind)) {
    throw new SimControlError(400, `kind must be one of ${SIM_NOTICE_KINDS.join(", ")}`);
  }
  const seconds = request.inSeconds;
  if (
    seconds !== undefined &&
    !(typeof seconds === "number" && seconds >= 0 && seconds <= 86_400)
  ) {
    throw new SimControlError(400, "inSeconds must be a number of seconds in 0..86400");
  }
  switch (kind as SimNoticeKind) {
    case "spot": {
      const action = request.action ?? "terminate";
      if (!SPOT_ACTIONS.includes(action)) {
        throw new SimControlError(400, `action must be one of ${SPOT_ACTIONS.join(", ")}`);
      }
      const { time } = target.announceSpot(action, (seconds ?? 120) * 1000);
      return { kind: "spot", detail: { action, time } };
    }
    case "asg":
      target.setAsgState("Terminated", (seconds ?? 0) * 1000);
      return { kind: "asg", detail: { "target-lifecycle-state": "Terminated" } };
    case "scheduled": {
      const code = request.code ?? "instance-stop";
      if (!CODES.includes(code)) {
        throw new SimControlError(400, `code must be one of ${CODES.join(", ")}`);
      }
      const eventId = target.announceScheduled(code, { leadTimeMs: (seconds ?? 120) * 1000 });
      return { kind: "scheduled", detail: { EventId: eventId, Code: code } };
    }
    case "rebalance":
      return { kind: "rebalance", detail: { noticeTime: target.announceRebalance() } };
  }
}
