/** Good and bad examples of ebs-encrypted (the table test runs every row). */
import { UNKNOWN } from "@retrain/config/unknown";
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
    title: "a root block device unknown during preview is judged at up, the data volumes still now",
    resources: [
      {
        type: INSTANCE,
        name: "later",
        props: { rootBlockDevice: UNKNOWN, ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: false }] },
      },
    ],
    violations: [/Instance "later": ebsBlockDevices\[0\]\.encrypted is false/],
  },
  {
    title: "a root block device whose encrypted is unknown during preview is not judged",
    resources: [{ type: INSTANCE, name: "later", props: { rootBlockDevice: { encrypted: UNKNOWN } } }],
    violations: [],
  },
  {
    title: "an instance's data volume list unknown during preview is not judged",
    resources: [
      {
        type: INSTANCE,
        name: "later",
        props: { rootBlockDevice: { encrypted: true }, ebsBlockDevices: UNKNOWN },
      },
    ],
    violations: [],
  },
  {
    title: "a data volume unknown during preview is not judged, the known ones are",
    resources: [
      {
        type: INSTANCE,
        name: "later",
        props: {
          rootBlockDevice: { encrypted: true },
          ebsBlockDevices: [UNKNOWN, { deviceName: "/dev/sdg" }],
        },
      },
    ],
    violations: [/Instance "later": ebsBlockDevices\[1\]\.encrypted is not set/],
  },
  {
    title: "a launch template mapping whose ebs is unknown during preview is not judged, the known ones are",
    resources: [
      {
        type: LT,
        name: "later",
        props: {
          blockDeviceMappings: [
            { deviceName: "/dev/sda1", ebs: UNKNOWN },
            { deviceName: "/dev/sdf", ebs: { volumeSize: 100 } },
          ],
        },
      },
    ],
    violations: [/LaunchTemplate "later": blockDeviceMappings\[1\]\.ebs\.encrypted is not set/],
  },
  {
    title: "launch template mappings unknown during preview, whole or one of them, are not judged",
    resources: [
      { type: LT, name: "later", props: { blockDeviceMappings: UNKNOWN } },
      {
        type: LT,
        name: "later-one",
        props: { blockDeviceMappings: [UNKNOWN, { ebs: { encrypted: UNKNOWN } }] },
      },
    ],
    violations: [],
  },
  {
    title: "a standalone volume whose encrypted is unknown during preview is not judged",
    resources: [{ type: "aws:ebs/volume:Volume", name: "later", props: { size: 100, encrypted: UNKNOWN } }],
    violations: [],
  },
  {
    title: "standalone volume",
    resources: [{ type: "aws:ebs/volume:Volume", name: "data", props: { size: 100, encrypted: false } }],
    violations: [/Volume "data": encrypted is false/],
  },
];
