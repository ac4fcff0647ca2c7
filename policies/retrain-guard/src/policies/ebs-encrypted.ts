import { z } from "zod";
import { EBS_VOLUME_TYPE, INSTANCE_TYPE, LAUNCH_TEMPLATE_TYPE, label } from "../fleet/types.js";
import { defineResourcePolicy, type Violation } from "../policy-kit.js";
import { at, bool, isUnknown, list, reveal } from "../values.js";

/**
 * Unknown during preview is not judged: the field itself, or a block holding it (at() gives the
 * unknown sentinel for an unknown parent: the root block device, an element of ebsBlockDevices, a
 * mapping's ebs), is checked at up with the real value.
 */
function check(raw: unknown, field: string, out: string[]): void {
  const value = reveal(raw);
  if (isUnknown(value)) return;
  if (bool(value) !== true)
    out.push(`${field} is ${value === undefined ? "not set" : JSON.stringify(value)}`);
}

export const ebsEncrypted = defineResourcePolicy({
  name: "ebs-encrypted",
  description: "EBS volumes of instances, launch templates and standalone volumes must be encrypted.",
  remediation:
    'Set encrypted: true on every block device (launch template mappings take the string "true"), optionally with a KMS key.',
  enforcementLevel: "advisory",
  config: z.strictObject({}),
  resourceTypes: [INSTANCE_TYPE, LAUNCH_TEMPLATE_TYPE, EBS_VOLUME_TYPE],
  check(resource): Violation[] {
    const p = resource.props;
    const found: string[] = [];
    if (resource.type === EBS_VOLUME_TYPE) check(p.encrypted, "encrypted", found);
    if (resource.type === INSTANCE_TYPE) {
      // Without a root block device (and no template) the root volume follows the account default.
      if (p.rootBlockDevice !== undefined || p.launchTemplate === undefined)
        check(at(p, "rootBlockDevice", "encrypted"), "rootBlockDevice.encrypted", found);
      // An unknown list gives no elements; an unknown element reads as unknown.
      for (const [i, d] of list(p.ebsBlockDevices).entries())
        check(at(d, "encrypted"), `ebsBlockDevices[${i}].encrypted`, found);
    }
    if (resource.type === LAUNCH_TEMPLATE_TYPE) {
      for (const [i, m] of list(p.blockDeviceMappings).entries()) {
        // A mapping without ebs (an instance store volume) has nothing to encrypt; an unknown one is
        // judged at up (check skips it).
        if (at(m, "ebs") === undefined) continue;
        check(at(m, "ebs", "encrypted"), `blockDeviceMappings[${i}].ebs.encrypted`, found);
      }
    }
    return found.map((f) => ({
      message: `${label(resource.type, resource.name)}: ${f}, so the volume is not encrypted. Fix: set it to true.`,
    }));
  },
});
