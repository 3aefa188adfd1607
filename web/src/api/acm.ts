// AWS Certificate Manager, as the AWS CLI calls it: POST / with X-Amz-Target
// CertificateManager.<Operation> and an application/x-amz-json-1.1 body
// (https://docs.aws.amazon.com/acm/latest/APIReference/). Portico's RequestCertificate
// issues at once from its local certificate authority.
import { call } from './client';

export interface CertificateSummary {
  CertificateArn: string;
  DomainName: string;
  Type?: string;
  Status?: string;
  InUse?: boolean;
  NotAfter?: number;
}

function acm<T>(operation: string, body: unknown): Promise<T> {
  return call<T>('POST', '/', body, {
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `CertificateManager.${operation}` },
  });
}

/** Text to base64 (ACM's blobs; PEM is ASCII). */
function blob(text: string): string {
  return btoa(unescape(encodeURIComponent(text)));
}

export const certificates = {
  list: async () => {
    const out: CertificateSummary[] = [];
    let token: string | undefined;
    for (let page = 0; page < 20; page++) {
      const r = await acm<{ CertificateSummaryList?: CertificateSummary[]; NextToken?: string }>('ListCertificates', {
        MaxItems: 500,
        ...(token ? { NextToken: token } : {}),
      });
      out.push(...(r.CertificateSummaryList ?? []));
      if (!r.NextToken || r.NextToken === token) break;
      token = r.NextToken;
    }
    return out;
  },
  request: (domainName: string) => acm<{ CertificateArn: string }>('RequestCertificate', { DomainName: domainName }),
  import: (certificate: string, privateKey: string, chain: string) =>
    acm<{ CertificateArn: string }>('ImportCertificate', {
      Certificate: blob(certificate),
      PrivateKey: blob(privateKey),
      ...(chain.trim() ? { CertificateChain: blob(chain) } : {}),
    }),
  get: (arn: string) => acm<{ Certificate: string; CertificateChain?: string }>('GetCertificate', { CertificateArn: arn }),
  remove: (arn: string) => acm<void>('DeleteCertificate', { CertificateArn: arn }),
};
