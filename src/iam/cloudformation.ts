/** `--format cloudformation`: a template with the OIDC provider (created unless it exists, by parameter) and the role; the ARN as output. Pure. */
import { providerPath, providerUrl, type SetupIntent } from './intent.js';
import { trustPolicyWithPrincipal } from './trust.js';

export const CFN_PROVIDER_ID = 'GitHubOIDCProvider';
export const CFN_ROLE_ID = 'GitHubActionsRole';
export const CFN_CREATE_PARAMETER = 'CreateOIDCProvider';
export const CFN_CREATE_CONDITION = 'ShouldCreateOIDCProvider';

/**
 * The template as a plain object, in the long form of the intrinsic functions (`Fn::If`, `Ref`),
 * so that the YAML and the JSON rendering are the same document.
 */
export function cloudFormationTemplate(intent: SetupIntent): Record<string, unknown> {
  const path = providerPath(intent);
  const principal = {
    'Fn::If': [
      CFN_CREATE_CONDITION,
      { Ref: CFN_PROVIDER_ID },
      { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/${path}` },
    ],
  };
  const role: Record<string, unknown> = {
    RoleName: intent.roleName,
    Description: intent.description,
    MaxSessionDuration: intent.maxSessionDuration,
    AssumeRolePolicyDocument: trustPolicyWithPrincipal(intent, principal),
    ...(intent.policyArns.length > 0 ? { ManagedPolicyArns: [...intent.policyArns] } : {}),
    ...(intent.permissionsBoundary !== undefined ? { PermissionsBoundary: intent.permissionsBoundary } : {}),
  };
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `The IAM OIDC provider for ${providerUrl(intent)} and the role ${intent.roleName}: ${intent.description}`,
    Parameters: {
      [CFN_CREATE_PARAMETER]: {
        Type: 'String',
        AllowedValues: ['true', 'false'],
        Default: 'true',
        Description: `Create the IAM OIDC provider for ${providerUrl(intent)}; "false" when the account has it already (an account holds one per URL)`,
      },
    },
    Conditions: {
      [CFN_CREATE_CONDITION]: { 'Fn::Equals': [{ Ref: CFN_CREATE_PARAMETER }, 'true'] },
    },
    Resources: {
      [CFN_PROVIDER_ID]: {
        Type: 'AWS::IAM::OIDCProvider',
        Condition: CFN_CREATE_CONDITION,
        // No ThumbprintList: AWS verifies the provider's certificate against its trusted CAs.
        Properties: { Url: providerUrl(intent), ClientIdList: [intent.trust.audience] },
      },
      [CFN_ROLE_ID]: { Type: 'AWS::IAM::Role', Properties: role },
    },
    Outputs: {
      RoleArn: {
        Description: 'role-to-assume for the workflow',
        Value: { 'Fn::GetAtt': [CFN_ROLE_ID, 'Arn'] },
      },
    },
  };
}

/** The template in YAML, with a header comment saying how to deploy it, through the `yaml` package's `stringify`. */
export function cloudFormationYaml(intent: SetupIntent, template: Record<string, unknown>, stringify: (value: unknown) => string): string {
  const header = [
    `# ${String(template['Description'])}`,
    '# Deploy (named IAM resources need the capability; add CreateOIDCProvider=false when the account has the provider):',
    `#   aws cloudformation deploy --template-file github-oidc.yaml --stack-name ${intent.roleName.replace(/[^A-Za-z0-9-]/g, '-')}-oidc \\`,
    '#     --capabilities CAPABILITY_NAMED_IAM --parameter-overrides CreateOIDCProvider=true',
  ];
  return `${header.join('\n')}\n${stringify(template)}`;
}
