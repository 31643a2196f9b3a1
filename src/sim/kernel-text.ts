/**
 * How the kernel reads the bytes of a sysfs store. kernfs hands a store a
 * NUL-terminated copy of at most one page, so everything after the first
 * NUL is invisible to string parsing; the parsers below reproduce the few
 * kernel helpers PCI sysfs uses (sysfs_streq, vsscanf "%x", kstrtoul,
 * kstrtobool), including their tolerance of one trailing newline.
 */

/** kernfs copies at most one page into a store; a longer write is cut there. */
export const PAGE_SIZE = 4096;

/** The store's text as C sees it: up to the first NUL, bytes as Latin-1. */
export function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(end < 0 ? bytes : bytes.subarray(0, end)).toString("latin1");
}

/**
 * sysfs_streq(): equal, or equal but for one trailing "\n" on either side.
 * This is how bind, unbind and drivers_probe find a device by name, so
 * "0000:01:00.0\n" matches and "0000:01:00.0 " or "0000:01:00.0\n\n" do not.
 */
export function sysfsStreq(name: string, text: string): boolean {
  return text === name || text === `${name}\n`;
}

/**
 * vsscanf(text, "%x %x …") for up to `maxFields` fields: returns the values
 * converted before the first mismatch. Each field skips leading white space,
 * takes an optional "0x", then hex digits; the kernel stores it in an
 * unsigned int, so only the low 32 bits survive (the 7th new_id field is a
 * long; 32 bits is plenty for driver_data here).
 */
export function scanHexFields(text: string, maxFields: number): number[] {
  const values: number[] = [];
  let i = 0;
  while (values.length < maxFields) {
    while (i < text.length && isSpace(text[i]!)) i++;
    if (text[i] === "0" && (text[i + 1] === "x" || text[i + 1] === "X")) i += 2;
    const start = i;
    while (i < text.length && /[0-9a-fA-F]/.test(text[i]!)) i++;
    if (i === start) break;
    const digits = text.slice(start, i);
    values.push(Number.parseInt(digits.slice(-8), 16) >>> 0);
  }
  return values;
}

function isSpace(ch: string): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "\v" || ch === "\f" || ch === "\r";
}

/**
 * kstrtoul(text, 0): decimal, "0x" hex or leading-zero octal, an optional
 * leading "+", one optional trailing "\n"; anything else is null (EINVAL).
 */
export function parseUlong(text: string): number | null {
  const m = /^\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)\n?$/.exec(text);
  if (!m) return null;
  const body = m[1]!;
  if (/^0[xX]/.test(body)) return Number.parseInt(body.slice(2), 16);
  if (body.startsWith("0")) return body.length === 1 ? 0 : Number.parseInt(body.slice(1), 8);
  return Number.parseInt(body, 10);
}

/** kstrtobool(): y/Y/t/T/1/on → true, n/N/f/F/0/off → false, else null (EINVAL). */
export function parseBool(text: string): boolean | null {
  const c0 = text[0];
  if (c0 === undefined) return null;
  if ("yYtT1".includes(c0)) return true;
  if ("nNfF0".includes(c0)) return false;
  if (c0 === "o" || c0 === "O") {
    const c1 = text[1];
    if (c1 === "n" || c1 === "N") return true;
    if (c1 === "f" || c1 === "F") return false;
  }
  return null;
}

/** "0x%04x"-style formatting as PCI attributes show it. */
export function hex(value: number, digits: number): string {
  return `0x${value.toString(16).padStart(digits, "0")}`;
}
