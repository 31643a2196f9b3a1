/**
 * Test PKI made at test time with the openssl command (node:crypto makes keys
 * but not X.509 certificates): a CA, a server certificate for 127.0.0.1 and
 * localhost, and client certificates with chosen subjects and SANs.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Pem {
  cert: Buffer;
  key: Buffer;
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

export function makeCa(dir: string, name: string): Pem {
  openssl(dir, [
    "req",
    "-x509",
    ...EC,
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.crt`,
    "-subj",
    `/CN=${name}`,
    "-days",
    "2",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  return read(dir, name);
}

/** A leaf signed by `ca` (made in the same dir by makeCa under `caName`). */
export function makeLeaf(
  dir: string,
  caName: string,
  name: string,
  options: { cn: string; san?: string; usage: "serverAuth" | "clientAuth" },
): Pem {
  openssl(dir, [
    "req",
    "-new",
    ...EC,
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.csr`,
    "-subj",
    `/CN=${options.cn}`,
  ]);
  const ext = [`extendedKeyUsage=${options.usage}`];
  if (options.san !== undefined) ext.push(`subjectAltName=${options.san}`);
  writeFileSync(join(dir, `${name}.ext`), `${ext.join("\n")}\n`);
  openssl(dir, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    `${caName}.crt`,
    "-CAkey",
    `${caName}.key`,
    "-set_serial",
    String(Math.floor(Math.random() * 1e9)),
    "-days",
    "2",
    "-extfile",
    `${name}.ext`,
    "-out",
    `${name}.crt`,
  ]);
  return read(dir, name);
}

function read(dir: string, name: string): Pem {
  return {
    cert: readFileSync(join(dir, `${name}.crt`)),
    key: readFileSync(join(dir, `${name}.key`)),
  };
}
