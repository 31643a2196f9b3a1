/**
 * Instance tags from IMDS (meta-data/tags/instance/<key>), present only when
 * "instance tags in metadata" is enabled on the instance; otherwise the
 * paths answer 404. Auto Scaling tags its instances aws:autoscaling:groupName.
 */
import { AgentError, quoteInput } from "../common/index.js";
import type { ImdsGetOptions, MetadataReader } from "./imds-client.js";

export const ASG_GROUP_TAG = "aws:autoscaling:groupName";

/** The tag's value, or undefined when IMDS does not serve it. Throws what the IMDS client throws. */
export async function readInstanceTag(
  imds: MetadataReader,
  key: string,
  options: ImdsGetOptions = {},
): Promise<string | undefined> {
  // IMDS serves tag keys as they are (colons included); no key with a "/" has a path.
  if (!/^[A-Za-z0-9:_.@+=-]{1,128}$/.test(key)) {
    throw new AgentError("INVALID_ARGUMENT", `not a tag key IMDS can serve: ${quoteInput(key)}`);
  }
  const result = await imds.get(`/latest/meta-data/tags/instance/${key}`, options);
  if (result.kind === "not-found") return undefined;
  const value = result.body.trim();
  return value === "" ? undefined : value;
}
