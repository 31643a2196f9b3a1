/**
 * Checks of a TCP listener's PEM material before anything listens. Node
 * accepts an empty or unparsable CA bundle without a word, and the listener
 * then refuses every client; a key that does not belong to the certificate
 * only fails at the first handshake. Both are configuration errors and are
 * reported at start instead, naming the field.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";

export type TlsField = "certChain" | "privateKey" | "clientCa";

interface TlsProblem {
  field: TlsField;
  reason: string;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle; a reason instead when there are none or one does not parse. */
function pemCertificates(pem: Buffer): X509Certificate[] | string {
  const blocks = pem.toString("latin1").match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) return "holds no PEM certificate (-----BEGIN CERTIFICATE-----)";
  const certificates: X509Certificate[] = [];
  for (const [i, block] of blocks.entries()) {
    try {
      certificates.push(new X509Certificate(block));
    } catch (err) {
      return `certificate ${i + 1} of ${blocks.length} does not parse: ${(err as Error).message}`;
    }
  }
  return certificates;
}

/** The first problem of the material, or null when it is usable. */
export function tlsMaterialProblem(tls: {
  certChain: Buffer;
  privateKey: Buffer;
  clientCa: Buffer;
}): TlsProblem | null {
  const ca = pemCertificates(tls.clientCa);
  if (typeof ca === "string") return { field: "clientCa", reason: ca };
  const chain = pemCertificates(tls.certChain);
  if (typeof chain === "string") return { field: "certChain", reason: chain };
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(tls.privateKey);
  } catch (err) {
    return { field: "privateKey", reason: `is not a PEM private key: ${(err as Error).message}` };
  }
  const [leaf] = chain;
  if (leaf !== undefined && !leaf.checkPrivateKey(key)) {
    return { field: "privateKey", reason: "does not belong to the certificate (its first entry)" };
  }
  return null;
}
