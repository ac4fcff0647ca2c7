/**
 * Fixtures the fleet hygiene policies' example tables share: resource types spelled out (not the
 * policies' own constants, so a wrong constant fails its table) and a launch template that passes
 * every fleet policy.
 */
export const INSTANCE = "aws:ec2/instance:Instance";
export const LT = "aws:ec2/launchTemplate:LaunchTemplate";
export const SG = "aws:ec2/securityGroup:SecurityGroup";
export const goodTemplate = {
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
