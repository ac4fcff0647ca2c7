/** Good and bad examples of no-open-ingress (the table test runs every row). */
import type { PolicyExample } from "../examples.js";
import { SG } from "../fleet/examples.js";

export const examples: PolicyExample[] = [
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
