import { fileURLToPath } from "node:url";

/** Absolute paths of a hand-made fixture host under test/fixtures/sysfs/<scenario>. */
export function fixtureHost(scenario: string): { sys: string; proc: string } {
  const base = fileURLToPath(new URL(`../fixtures/sysfs/${scenario}/`, import.meta.url));
  return { sys: `${base}sys`, proc: `${base}proc` };
}
