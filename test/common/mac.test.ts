import t from "tap";
import { isCanonicalMac, isMac, parseMac } from "../../src/common/index.js";

t.test("MAC addresses normalize to lower case with colons", async (t) => {
  t.equal(parseMac("0E:49:61:0F:C3:11"), "0e:49:61:0f:c3:11");
  t.equal(parseMac("0e-49-61-0f-c3-11"), "0e:49:61:0f:c3:11");
  for (const input of [
    "",
    "0e:49:61:0f:c3",
    "0e:49:61:0f:c3:11:22",
    "zz:49:61:0f:c3:11",
    "0e4961 0fc311",
    "0e:49-61:0f:c3:11",
    "0e:49:61:0f:c3:11\n",
  ]) {
    t.throws(() => parseMac(input), { code: "INVALID_ARGUMENT" }, JSON.stringify(input));
    t.notOk(isMac(input), JSON.stringify(input));
  }
});

t.test("a MAC error quotes hostile input on one line", async (t) => {
  const err = t.throws(() => parseMac("x\n\u001b[31mforged"), {
    message: /^not a MAC address: "x\\n\\u001b\[31mforged" \(expected aa:bb:cc:dd:ee:ff\)$/,
  });
  t.notMatch((err as Error).message, /\n/);
});

t.test("only the canonical spelling is a canonical MAC", async (t) => {
  t.ok(isCanonicalMac("0e:49:61:0f:c3:11"));
  for (const input of ["0E:49:61:0F:C3:11", "0e-49-61-0f-c3-11"]) {
    t.ok(isMac(input), input);
    t.notOk(isCanonicalMac(input), input);
  }
  t.notOk(isCanonicalMac("0e:49:61:0f:c3"));
  // Whatever parseMac returns is canonical.
  t.ok(isCanonicalMac(parseMac("0E-49-61-0F-C3-11")));
});
