/**
 * AES-256-GCM encryption of stored tokens through WebCrypto. Each value records the id of
 * the key that sealed it, so keys can rotate: the first key seals, every listed key opens.
 * The storage key is bound as additional data, so a value cannot be moved to another key.
 */
import { fromBase64, toBase64 } from '../domain/base64.ts';

export interface EncryptionKeyConfig {
  id: string;
  /** 32 bytes, base64. */
  key: string;
}

export interface Sealer {
  seal(plaintext: string, storageKey: string): Promise<string>;
  open(sealed: string, storageKey: string): Promise<string>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function createSealer(keys: readonly EncryptionKeyConfig[]): Promise<Sealer> {
  const first = keys[0];
  if (!first) throw new Error('at least one encryption key is required');
  const imported = new Map<string, CryptoKey>();
  for (const { id, key } of keys) {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id))
      throw new Error(`encryption key id '${id}' must be 1-32 letters, digits, _ or -`);
    const raw = fromBase64(key);
    if (raw.length !== 32)
      throw new Error(`encryption key '${id}' must be 32 bytes (base64), got ${raw.length}`);
    imported.set(id, await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']));
  }
  const sealKey = imported.get(first.id)!;
  return {
    async seal(plaintext, storageKey) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ciphertext = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: encoder.encode(storageKey) },
        sealKey,
        encoder.encode(plaintext),
      );
      return `${first.id}.${toBase64(iv)}.${toBase64(new Uint8Array(ciphertext))}`;
    },
    async open(sealed, storageKey) {
      const [id, iv, ciphertext] = sealed.split('.');
      const key = id ? imported.get(id) : undefined;
      if (!key || !iv || !ciphertext)
        throw new Error(`stored value sealed with unknown key id '${id ?? ''}'`);
      const plaintext = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: fromBase64(iv), additionalData: encoder.encode(storageKey) },
        key,
        fromBase64(ciphertext),
      );
      return decoder.decode(plaintext);
    },
  };
}
