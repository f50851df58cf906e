// The actions of the loopback IAM, by Action name: OIDC providers (iam-provider-actions.ts) and
// roles (iam-role-actions.ts) over the account state of iam-model.ts.
import type { IamAction } from './iam-model.js';
import { OIDC_PROVIDER_ACTIONS } from './iam-provider-actions.js';
import { ROLE_ACTIONS } from './iam-role-actions.js';

/** The actions, each returning its `…Result` element (undefined for the actions that answer only metadata). */
export const IAM_ACTIONS: Readonly<Record<string, IamAction>> = { ...OIDC_PROVIDER_ACTIONS, ...ROLE_ACTIONS };

/** The actions that change state: a re-run that changes nothing makes none of them. */
export const IAM_WRITE_ACTIONS = new Set(['CreateOpenIDConnectProvider', 'AddClientIDToOpenIDConnectProvider', 'CreateRole', 'UpdateAssumeRolePolicy', 'UpdateRole', 'PutRolePermissionsBoundary', 'AttachRolePolicy']);
