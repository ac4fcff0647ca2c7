/** Good and bad examples of ebs-encrypted (the table test runs every row). */
import type { PolicyExample } from "../examples.js";
import { goodTemplate, INSTANCE, LT } from "../fleet/examples.js";

export const examples: PolicyExample[] = [
  { title: "encrypted launch template mapping", resources: [goodTemplate], violations: [] },
  {
    title: "unencrypted mapping and volume",
    resources: [
      {
        type: LT,
        name: "plain",
        props: { blockDeviceMappings: [{ ebs: { encrypted: "false" } }, { virtualName: "ephemeral0" }] },
      },
    ],
    violations: [/LaunchTemplate "plain": blockDeviceMappings\[0\]\.ebs\.encrypted is "false"/],
  },
  {
    title: "instance root and data volumes",
    resources: [
      {
        type: INSTANCE,
        name: "i",
        props: { rootBlockDevice: { encrypted: true }, ebsBlockDevices: [{ deviceName: "/dev/sdf" }] },
      },
    ],
    violations: [/Instance "i": ebsBlockDevices\[0\]\.encrypted is not set/],
  },
  {
    title: "an instance from a launch template leaves its root volume to the template",
    resources: [
      { type: INSTANCE, name: "from-lt", props: { launchTemplate: { id: "lt-0abc", version: "$Latest" } } },
    ],
    violations: [],
  },
  {
    title: "an instance with neither root block device nor template gets an unencrypted root volume",
    resources: [{ type: INSTANCE, name: "bare", props: { instanceType: "g5.xlarge" } }],
    violations: [/Instance "bare": rootBlockDevice\.encrypted is not set/],
  },
  {
    title: "standalone volume",
    resources: [{ type: "aws:ebs/volume:Volume", name: "data", props: { size: 100, encrypted: false } }],
    violations: [/Volume "data": encrypted is false/],
  },
];
