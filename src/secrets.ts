import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (CRM credentials today, Slack tokens with many installs): AES-256-GCM under
 * CASCADE_ENCRYPTION_KEY, a fresh 12-byte IV per value and the 16-byte tag kept with it. A sealed value reads
 * `v1:<iv>:<tag>:<ciphertext>` (base64), so a key change can be recognised and nothing is ever kept in clear.
 */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

/** The key as an operator writes it: 32 random bytes as 64 hex characters, or as base64 (44 characters). */
export function readEncryptionKey(text: string): Buffer | null {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(t) || /^[A-Za-z0-9_-]{43}=?$/.test(t)) {
    const key = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return key.length === 32 ? key : null;
  }
  return null;
}

export const KEY_HINT = 'must be 32 random bytes as 64 hex characters or as base64, e.g. the output of `openssl rand -hex 32`';

export function secretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('an AES-256 key is 32 bytes');
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
    },
    open(sealed) {
      const [version, iv, tag, data] = sealed.split(':');
      if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('not a sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      try {
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
      } catch {
        throw new Error('a stored secret does not open with CASCADE_ENCRYPTION_KEY (was the key changed?)');
      }
    },
  };
}
