/**
 * Ed25519 keys for checkpoints and bundles (Node's crypto). The private key is created on first
 * use with mode 0600; verification needs only the public key.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { sha256Hex } from './canonical.js';
import { EvidenceError } from './types.js';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Base64 DER (SPKI) of the public key, as checkpoints record it. */
  publicKeyDer: string;
  file: string;
  created: boolean;
}

function fromPrivate(privateKey: KeyObject, file: string, created: boolean): SigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new EvidenceError(`${file}: not an Ed25519 private key`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyDer: derOf(publicKey), file, created };
}

/** Reads the PEM private key at `file`, creating it (0600, exclusive) when it does not exist. */
export function loadOrCreateSigningKey(file: string): SigningKey {
  try {
    return fromPrivate(createPrivateKey(readFileSync(file, 'utf8')), file, false);
  } catch (error) {
    if (error instanceof EvidenceError) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new EvidenceError(`${file}: cannot read the signing key: ${(error as Error).message}`);
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another writer created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateSigningKey(file);
    throw error;
  }
  chmodSync(file, 0o600);
  return fromPrivate(privateKey, file, true);
}

/** Whether a key file can be read by others than its owner. */
export function isKeyFileExposed(file: string): boolean {
  return (statSync(file).mode & 0o077) !== 0;
}

export function derOf(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
}

export function publicKeyFromDer(der: string): KeyObject {
  return createPublicKey({ key: Buffer.from(der, 'base64'), format: 'der', type: 'spki' });
}

/** A public key from a PEM file (public key, or a private key whose public half is taken). */
export function readPublicKey(file: string): KeyObject {
  let key: KeyObject;
  try {
    const text = readFileSync(file, 'utf8');
    key = /PRIVATE KEY/.test(text) ? createPublicKey(createPrivateKey(text)) : createPublicKey(text);
  } catch (error) {
    throw new EvidenceError(`${file}: cannot read a public key: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new EvidenceError(`${file}: not an Ed25519 key`);
  return key;
}

export function publicKeyPem(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

/** Short, stable name of a public key: sha256 of its DER, first 16 hex digits. */
export function fingerprint(publicKeyDer: string): string {
  return `ed25519:${sha256Hex(Buffer.from(publicKeyDer, 'base64')).slice(0, 16)}`;
}

export function signText(key: SigningKey, text: string): string {
  return sign(null, Buffer.from(text), key.privateKey).toString('base64');
}

export function verifyText(publicKey: KeyObject, text: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(text), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
