import t from "tap";
import { isEniId, parseEniId } from "../../src/common/index.js";

t.test("ENI ids are eni- and 8 or 17 lower-case hex digits", async (t) => {
  t.equal(parseEniId("eni-0f95d3625f5c521cc"), "eni-0f95d3625f5c521cc");
  t.equal(parseEniId("eni-12345678"), "eni-12345678");
  t.ok(isEniId("eni-12345678"));
  for (const input of [
    "",
    "eni-123",
    "eni-0f95d3625f",
    "eni-0f95d3625f5c521cc0",
    "eni-0F95D3625F5C521CC",
    "ENI-12345678",
    "eni-../../x",
    " eni-12345678",
  ]) {
    t.throws(
      () => parseEniId(input),
      { code: "INVALID_ARGUMENT", message: /^not an ENI id: .*\(expected eni- and 8 or 17 hex/ },
      JSON.stringify(input),
    );
    t.notOk(isEniId(input), JSON.stringify(input));
  }
});
