/** Settings every layer may read; built once by the composition root (src/server.ts). */
export interface ServiceIdentity {
  /** Region written into ARNs and the default KMS alias. */
  region: string;
  /** 12-digit account id written into ARNs. */
  accountId: string;
}

export const DEFAULT_IDENTITY: ServiceIdentity = { region: 'us-west-2', accountId: '000000000000' };
