// The loopback IAM's OIDC-provider actions: list, get, create, add a client ID.
import { IamError, isoSeconds, memberList, noSuchEntity, required, validation, type IamAccount, type IamAction, type IamOidcProvider, type Params } from './iam-model.js';
import { xmlElement } from './xml.js';

function findProvider(state: IamAccount, params: Params): IamOidcProvider {
  const arn = required(params, 'OpenIDConnectProviderArn');
  const m = /^arn:[\w-]+:iam::(\d{12}):oidc-provider\/(.+)$/.exec(arn);
  if (!m) throw new IamError(400, 'InvalidInput', `ARN ${arn} is not valid.`);
  const provider = m[1] === state.account ? state.providers.get(m[2]!.toLowerCase()) : undefined;
  if (!provider) throw noSuchEntity(`OpenIDConnect Provider not found for arn ${arn}`);
  return provider;
}

export const OIDC_PROVIDER_ACTIONS: Readonly<Record<string, IamAction>> = {
  ListOpenIDConnectProviders: (state) =>
    xmlElement('ListOpenIDConnectProvidersResult', [
      xmlElement('OpenIDConnectProviderList', [...state.providers.values()].sort((a, b) => (a.arn < b.arn ? -1 : 1)).map((p) => xmlElement('member', [xmlElement('Arn', p.arn)]))),
    ]),
  GetOpenIDConnectProvider: (state, params) => {
    const p = findProvider(state, params);
    return xmlElement('GetOpenIDConnectProviderResult', [
      xmlElement('ThumbprintList', p.thumbprints.map((t) => xmlElement('member', t))),
      xmlElement('CreateDate', isoSeconds(p.createDate)),
      xmlElement('ClientIDList', p.clientIds.map((c) => xmlElement('member', c))),
      xmlElement('Url', p.url),
    ]);
  },
  CreateOpenIDConnectProvider: (state, params) => {
    const url = required(params, 'Url');
    if (!/^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(url)) throw new IamError(400, 'InvalidInput', 'Invalid URL: the URL must begin with https://');
    const thumbprints = memberList(params, 'ThumbprintList');
    for (const t of thumbprints) if (!/^[0-9a-fA-F]{40}$/.test(t)) throw validation(t, 'thumbprintList', 'Member must have length less than or equal to 40');
    const clientIds = memberList(params, 'ClientIDList');
    if (clientIds.length > 100) throw new IamError(409, 'LimitExceeded', 'Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100');
    const path = url.slice('https://'.length).replace(/\/+$/, '');
    const host = path.split('/')[0]!.toLowerCase();
    const key = `${host}${path.slice(host.length)}`;
    if (state.providers.has(key.toLowerCase())) throw new IamError(409, 'EntityAlreadyExists', `Provider with url ${url} already exists.`);
    const arn = `arn:${state.partition}:iam::${state.account}:oidc-provider/${key}`;
    state.providers.set(key.toLowerCase(), { arn, url: key, clientIds: [...new Set(clientIds)], thumbprints, createDate: new Date() });
    return xmlElement('CreateOpenIDConnectProviderResult', [xmlElement('OpenIDConnectProviderArn', arn)]);
  },
  AddClientIDToOpenIDConnectProvider: (state, params) => {
    const provider = findProvider(state, params);
    const clientId = required(params, 'ClientID');
    // Idempotent, as documented: adding a client ID that is listed already is no error.
    if (!provider.clientIds.includes(clientId)) provider.clientIds.push(clientId);
    return undefined;
  },
};
