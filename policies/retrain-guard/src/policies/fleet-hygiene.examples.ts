/** Examples of the advisory fleet hygiene policies, one table per policy. */
import { type PolicyExample, UNKNOWN } from "../examples.js";

const INSTANCE = "aws:ec2/instance:Instance";
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const goodTemplate = {
  type: LT,
  name: "gpu",
  props: {
    metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
    blockDeviceMappings: [
      { deviceName: "/dev/sda1", ebs: { encrypted: "true", volumeType: "gp3", volumeSize: 200 } },
    ],
    networkInterfaces: [{ associatePublicIpAddress: "false" }],
    tags: { "managed-by": "pulumi", "retrain:stack": "retrain-fleet/dev" },
  },
};

export const ec2Imdsv2RequiredExamples: PolicyExample[] = [
  { title: "launch template requiring IMDSv2", resources: [goodTemplate], violations: [] },
  {
    title: "instance from a launch template",
    resources: [{ type: INSTANCE, name: "i", props: { launchTemplate: { id: UNKNOWN } } }],
    violations: [],
  },
  {
    title: "httpTokens optional",
    resources: [{ type: LT, name: "v1", props: { metadataOptions: { httpTokens: "optional" } } }],
    violations: [
      /LaunchTemplate "v1": metadataOptions\.httpTokens is "optional"\. Fix: set metadataOptions\.httpTokens to "required"/,
    ],
  },
  {
    title: "metadata options unknown during preview are not judged",
    resources: [{ type: LT, name: "later", props: { metadataOptions: UNKNOWN } }],
    violations: [],
  },
  {
    title: "instance without metadata options",
    resources: [{ type: INSTANCE, name: "bare", props: { ami: "ami-1" } }],
    violations: [/Instance "bare": metadataOptions\.httpTokens is not set/],
  },
];

export const ebsEncryptedExamples: PolicyExample[] = [
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

export const noPublicIpExamples: PolicyExample[] = [
  { title: "no public IP", resources: [goodTemplate], violations: [] },
  {
    title: "instance with a public IP",
    resources: [{ type: INSTANCE, name: "pub", props: { associatePublicIpAddress: true } }],
    violations: [/Instance "pub": associatePublicIpAddress is true/],
  },
  {
    title: "launch template interface with a public IP",
    resources: [
      { type: LT, name: "pub", props: { networkInterfaces: [{ associatePublicIpAddress: "true" }] } },
    ],
    violations: [/networkInterfaces\[0\]\.associatePublicIpAddress is true/],
  },
];

export const noOpenIngressExamples: PolicyExample[] = [
  {
    title: "no ingress at all",
    resources: [
      {
        type: SG,
        name: "sg",
        props: {
          ingress: [],
          egress: [{ cidrBlocks: ["0.0.0.0/0"], fromPort: 0, toPort: 0, protocol: "-1" }],
        },
      },
    ],
    violations: [],
  },
  {
    title: "SSH from anywhere (IPv4 and IPv6)",
    resources: [
      {
        type: SG,
        name: "ssh",
        props: {
          ingress: [
            {
              fromPort: 22,
              toPort: 22,
              protocol: "tcp",
              cidrBlocks: ["10.0.0.0/8", "0.0.0.0/0"],
              ipv6CidrBlocks: ["::/0"],
            },
          ],
        },
      },
    ],
    violations: [
      /SecurityGroup "ssh": ingress\[0\]\.cidrBlocks\[1\] is 0\.0\.0\.0\/0/,
      /ingress\[0\]\.ipv6CidrBlocks\[0\] is ::\/0/,
    ],
  },
  {
    title: "security group rule of type ingress",
    resources: [
      {
        type: "aws:ec2/securityGroupRule:SecurityGroupRule",
        name: "rule",
        props: { type: "ingress", cidrBlocks: ["0.0.0.0/0"], fromPort: 443, toPort: 443, protocol: "tcp" },
      },
    ],
    violations: [/SecurityGroupRule "rule": cidrBlocks\[0\] is 0\.0\.0\.0\/0/],
  },
  {
    title: "egress rules are not ingress",
    resources: [
      {
        type: "aws:ec2/securityGroupRule:SecurityGroupRule",
        name: "out",
        props: { type: "egress", cidrBlocks: ["0.0.0.0/0"], fromPort: 0, toPort: 0, protocol: "-1" },
      },
    ],
    violations: [],
  },
  {
    title: "VPC ingress rule from 0.0.0.0/0",
    resources: [
      {
        type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        name: "v4",
        props: { cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 443, toPort: 443 },
      },
    ],
    violations: [/SecurityGroupIngressRule "v4": cidrIpv4 is 0\.0\.0\.0\/0/],
  },
  {
    title: "VPC ingress rule from ::/0",
    resources: [
      {
        type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        name: "v6",
        props: { cidrIpv6: "::/0", ipProtocol: "tcp", fromPort: 80, toPort: 80 },
      },
    ],
    violations: [/SecurityGroupIngressRule "v6": cidrIpv6 is ::\/0/],
  },
];

export const requiredTagsExamples: PolicyExample[] = [
  { title: "tags on the resource", resources: [goodTemplate], violations: [] },
  {
    title: "tags from the provider's defaultTags (JSON string in provider state)",
    resources: [
      {
        type: INSTANCE,
        name: "i",
        props: {},
        providerProps: {
          defaultTags: JSON.stringify({ tags: { "managed-by": "pulumi", "retrain:stack": "x" } }),
        },
      },
    ],
    violations: [],
  },
  {
    title: "tags from the provider's defaultTags as an object",
    resources: [
      {
        type: INSTANCE,
        name: "i",
        props: {},
        providerProps: { defaultTags: { tags: { "managed-by": "pulumi", "retrain:stack": "x" } } },
      },
    ],
    violations: [],
  },
  {
    title: "missing tags",
    resources: [{ type: SG, name: "sg", props: { tags: { "managed-by": "pulumi" } } }],
    violations: [/SecurityGroup "sg": missing tag\(s\) retrain:stack/],
  },
  {
    title: "types outside the list are not checked",
    resources: [{ type: "aws:ssm/parameter:Parameter", name: "p", props: {} }],
    violations: [],
  },
  {
    title: "a configured tag list",
    resources: [{ type: SG, name: "sg", props: { tags: { team: "vision" } } }],
    config: { tags: ["team"] },
    violations: [],
  },
  {
    title: "tags unknown during preview",
    resources: [{ type: SG, name: "sg", props: { tags: UNKNOWN } }],
    violations: [],
  },
];
