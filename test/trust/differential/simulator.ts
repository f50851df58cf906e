/**
 * The independent engine: @cloud-copilot/iam-simulate's core authorizer, called with a trust policy as
 * the role's resource policy. Its public runSimulation drops context keys the Service Authorization
 * Reference does not list for the action (`…:aud` and `…:sub` are not listed), so the core engine is
 * loaded from the package's own files, as its runUnsafeSimulation does.
 */
import { loadPolicy } from '@cloud-copilot/iam-policy';

export type SimulatorContext = Record<string, string | string[]>;
export type Simulate = (policy: unknown, providerArn: string, context: SimulatorContext) => 'allow' | 'deny';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';

export async function loadSimulator(): Promise<Simulate> {
  const base = new URL('.', import.meta.resolve('@cloud-copilot/iam-simulate'));
  const { authorize } = await import(new URL('core_engine/CoreSimulatorEngine.js', base).href);
  const { AwsRequestImpl } = await import(new URL('request/request.js', base).href);
  const { RequestContextImpl } = await import(new URL('requestContext.js', base).href);
  const { DiscoveryContextKeyConstraints } = await import(new URL('context_keys/discoveryContextKeyConstraints.js', base).href);
  return (policy, providerArn, context) => {
    const request = new AwsRequestImpl(providerArn, { resource: ROLE, accountId: '123456789012' }, 'sts:AssumeRoleWithWebIdentity', new RequestContextImpl(context));
    const outcome = authorize({
      request,
      sessionPolicy: undefined,
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: loadPolicy(policy as never, { name: 'trust' }),
      permissionBoundaries: undefined,
      vpcEndpointPolicies: undefined,
      simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
      serviceSettings: { s3: {} },
    });
    return outcome.result === 'Allowed' ? 'allow' : 'deny';
  };
}
