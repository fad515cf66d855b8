/**
 * A CA and serving (or client) certificates for clusters without cert-manager (`annexa webhook
 * certs`) and for tests: ECDSA P-256 keys and SHA-256 signatures from node:crypto, the X.509 v3
 * structure written in DER (der.ts), PEM output. The CA signs only end-entity certificates
 * (pathLen 0); a serving certificate carries the Service DNS names the API server dials.
 */
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import * as der from './der.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Certificates start a little in the past: clocks in a cluster are not perfectly in step. */
const BACKDATE_MS = 5 * 60 * 1000;
const ECDSA_WITH_SHA256 = der.sequence(der.objectIdentifier('1.2.840.10045.4.3.2'));
const OID = {
  commonName: '2.5.4.3',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};
/** KeyUsage bit numbers (RFC 5280 §4.2.1.3). */
const KEY_USAGE = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 };

export interface PemPair {
  certPem: string;
  keyPem: string;
}

export interface CaOptions {
  commonName: string;
  days?: number;
  now?: Date;
}

export interface ServingCertOptions {
  commonName: string;
  dnsNames: string[];
  ipAddresses?: string[];
  days?: number;
  now?: Date;
  /** Extended key usages; default ['server']. 'client' makes a certificate for mutual TLS clients. */
  usages?: Array<'server' | 'client'>;
}

export async function generateCa(options: CaOptions): Promise<PemPair> {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = keys.publicKey.export({ type: 'spki', format: 'der' });
  const name = distinguishedName(options.commonName);
  const certDer = signCertificate({
    serial: serialNumber(),
    issuer: name,
    subject: name,
    ...validity(options.now, options.days ?? 3650),
    spki,
    extensions: [
      extension(OID.basicConstraints, der.sequence(der.booleanTrue(), der.smallInteger(0)), true),
      extension(OID.keyUsage, der.namedBits([KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign]), true),
      extension(OID.subjectKeyIdentifier, der.octetString(keyIdentifier(spki))),
    ],
    signingKey: keys.privateKey,
  });
  return { certPem: pem('CERTIFICATE', certDer), keyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

export async function generateServingCert(ca: PemPair, options: ServingCertOptions): Promise<PemPair> {
  const caCert = new X509Certificate(ca.certPem);
  const caKey = createPrivateKey(ca.keyPem);
  if (!caCert.checkPrivateKey(caKey)) throw new Error('the CA key does not match the CA certificate');
  const caSpki = caCert.publicKey.export({ type: 'spki', format: 'der' });
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = keys.publicKey.export({ type: 'spki', format: 'der' });
  const usages = options.usages ?? ['server'];
  const extensions = [
    extension(OID.basicConstraints, der.sequence(), true),
    extension(OID.keyUsage, der.namedBits([KEY_USAGE.digitalSignature, KEY_USAGE.keyEncipherment]), true),
    extension(OID.extKeyUsage, der.sequence(...usages.map((usage) => der.objectIdentifier(usage === 'server' ? OID.serverAuth : OID.clientAuth)))),
    extension(OID.authorityKeyIdentifier, der.sequence(der.implicitPrimitive(0, keyIdentifier(caSpki)))),
    extension(OID.subjectKeyIdentifier, der.octetString(keyIdentifier(spki))),
  ];
  const alternativeNames = [...options.dnsNames.map(dnsName), ...(options.ipAddresses ?? []).map(ipAddress)];
  if (alternativeNames.length > 0) extensions.push(extension(OID.subjectAltName, der.sequence(...alternativeNames)));
  const certDer = signCertificate({
    serial: serialNumber(),
    issuer: issuerName(caCert),
    subject: distinguishedName(options.commonName),
    ...validity(options.now, options.days ?? 365),
    spki,
    extensions,
    signingKey: caKey,
  });
  return { certPem: pem('CERTIFICATE', certDer), keyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** The DNS names under which the API server reaches a Service. */
export function serviceDnsNames(service: string, namespace: string): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
}

interface CertificateFields {
  serial: Buffer;
  issuer: Buffer;
  subject: Buffer;
  notBefore: Date;
  notAfter: Date;
  spki: Buffer;
  extensions: Buffer[];
  signingKey: KeyObject;
}

function signCertificate(fields: CertificateFields): Buffer {
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)),
    der.unsignedInteger(fields.serial),
    ECDSA_WITH_SHA256,
    fields.issuer,
    der.sequence(der.time(fields.notBefore), der.time(fields.notAfter)),
    fields.subject,
    fields.spki,
    der.explicit(3, der.sequence(...fields.extensions)),
  );
  const signature = sign('sha256', tbs, fields.signingKey);
  return der.sequence(tbs, ECDSA_WITH_SHA256, der.bitString(signature));
}

function extension(oid: string, value: Buffer, critical = false): Buffer {
  return critical ? der.sequence(der.objectIdentifier(oid), der.booleanTrue(), der.octetString(value)) : der.sequence(der.objectIdentifier(oid), der.octetString(value));
}

function distinguishedName(commonName: string): Buffer {
  return der.sequence(der.set(der.sequence(der.objectIdentifier(OID.commonName), der.utf8String(commonName))));
}

/** The issuer is the CA's subject, byte for byte: re-encoded from its CN, which is all generateCa writes. */
function issuerName(caCert: X509Certificate): Buffer {
  const match = /^CN=(.*)$/m.exec(caCert.subject);
  if (!match) throw new Error('the CA certificate has no common name');
  return distinguishedName(match[1]!);
}

function dnsName(name: string): Buffer {
  return der.implicitPrimitive(2, Buffer.from(name, 'ascii'));
}

function ipAddress(address: string): Buffer {
  const family = isIP(address);
  if (family === 4) return der.implicitPrimitive(7, Buffer.from(address.split('.').map(Number)));
  if (family === 6) return der.implicitPrimitive(7, ipv6Bytes(address));
  throw new Error(`"${address}" is not an IP address`);
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array(8 - headGroups.length - tailGroups.length).fill('0');
  const groups = [...headGroups, ...zeros, ...tailGroups];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits (the SPKI's BIT STRING content). */
function keyIdentifier(spki: Buffer): Buffer {
  // For P-256 the SPKI ends with the 65-byte uncompressed point.
  return createHash('sha1').update(spki.subarray(spki.length - 65)).digest();
}

function validity(now: Date | undefined, days: number): { notBefore: Date; notAfter: Date } {
  const start = Math.floor(((now ?? new Date()).getTime() - BACKDATE_MS) / 1000) * 1000;
  return { notBefore: new Date(start), notAfter: new Date(start + days * DAY_MS) };
}

/** A positive 16-byte serial (RFC 5280: at most 20 octets, positive, unpredictable). */
function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes;
}

function pem(label: string, bytes: Buffer): string {
  const lines = bytes.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
