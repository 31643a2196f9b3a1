/** The fast-check model of a fault schedule, shared by the property test and `npm run chaos`. */
import fc from "fast-check";
import { FAULT_KINDS, type FaultAt, runCase, SCENARIOS, type Scenario } from "./fault-cases.js";

export interface ScheduleCase {
  style: "modern" | "pre-5.14";
  scenario: Scenario;
  faults: FaultAt[];
}

export const scheduleCase: fc.Arbitrary<ScheduleCase> = fc.record({
  style: fc.constantFrom("modern" as const, "pre-5.14" as const),
  scenario: fc.constantFrom(...SCENARIOS),
  faults: fc.uniqueArray(
    fc.record({ write: fc.nat({ max: 9 }), kind: fc.constantFrom(...FAULT_KINDS) }),
    { maxLength: 4, selector: (f) => f.write },
  ),
});

/** The violation of one case, or null. */
export async function check(c: ScheduleCase): Promise<string | null> {
  return (await runCase(c.style, c.scenario, c.faults)).violation;
}
